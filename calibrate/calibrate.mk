# calibrate.mk -- builds the CUDA/NCCL calibration benchmarks into bin/calibrate/.
# Run from the repository root (the top Makefile's `make calibrate` does).
# Where no nvcc exists it says so and builds nothing (exit 0); where nvcc exists
# everything compiles with warnings as errors, device and host code alike.
# Options: NVCC=path  NCCL_HOME=dir (nccl.h in include/, libnccl in lib/)
#          MPICC=mpicc (nccl-mpi is built when it exists)  ARCHS="80 90 100"

NVCC ?= $(shell command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
HOSTCC ?= gcc
SRC  := calibrate/bench
OBJ  := build/cuda/calibrate/bench
BIN  := bin/calibrate

ifeq ($(strip $(NVCC)),)
.PHONY: all
all:
	@echo "make calibrate: nvcc not found (not on PATH, no /usr/local/cuda/bin/nvcc); the CUDA benchmarks are not built"
else

CUDA_HOME ?= $(abspath $(dir $(NVCC))/..)
CUDA_LIB  := $(firstword $(wildcard $(CUDA_HOME)/lib64/libcudart.so $(CUDA_HOME)/lib/libcudart.so))
CUDA_LIB  := $(if $(CUDA_LIB),$(dir $(CUDA_LIB)),$(CUDA_HOME)/lib64/)

# Ampere, Hopper, Blackwell: every one this nvcc knows, plus PTX of the newest so
# later GPUs can JIT-compile it.
ARCHS     ?= 80 90 100
KNOWN     := $(shell $(NVCC) --list-gpu-arch 2>/dev/null)
USE_ARCHS := $(foreach a,$(ARCHS),$(if $(filter compute_$(a),$(KNOWN)),$(a)))
comma     := ,
LAST_ARCH := $(lastword $(USE_ARCHS))
GENCODE   := $(foreach a,$(USE_ARCHS),-gencode arch=compute_$(a)$(comma)code=sm_$(a)) \
             $(if $(LAST_ARCH),-gencode arch=compute_$(LAST_ARCH)$(comma)code=compute_$(LAST_ARCH))

ifeq ($(strip $(USE_ARCHS)),)
$(error make calibrate: $(NVCC) supports none of compute_$(ARCHS) (nvcc --list-gpu-arch))
endif

NCCL_HOME ?= $(if $(wildcard $(CUDA_HOME)/include/nccl.h),$(CUDA_HOME),$(if $(wildcard /usr/include/nccl.h),/usr,))
MPICC     ?= $(shell command -v mpicc 2>/dev/null)
MPI_CFLAGS ?= $(if $(MPICC),$(shell $(MPICC) --showme:compile 2>/dev/null))
MPI_LIBS   ?= $(if $(MPICC),$(shell $(MPICC) --showme:link 2>/dev/null))

HOSTWARN := -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wwrite-strings \
            -Wold-style-definition -Wdouble-promotion -Werror
HOSTCFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -pthread $(HOSTWARN) -MMD -MP -I$(SRC)
NVFLAGS := -std=c++17 -O2 -lineinfo $(GENCODE) -Werror all-warnings \
           -Xcompiler -Wall,-Wextra,-Werror -MMD -MP -I$(SRC) \
           $(if $(NCCL_HOME),-I$(NCCL_HOME)/include)
LDFLAGS_CU := -L$(CUDA_LIB) -Xlinker -rpath,$(CUDA_LIB) \
              $(if $(NCCL_HOME),-L$(NCCL_HOME)/lib -Xlinker -rpath$(comma)$(NCCL_HOME)/lib)

HOST_OBJ := $(OBJ)/bench_util.o
TARGETS  := $(BIN)/gemm $(BIN)/membw $(BIN)/p2p
ifneq ($(NCCL_HOME),)
TARGETS  += $(BIN)/nccl $(BIN)/power
ifneq ($(strip $(MPI_LIBS)),)
TARGETS  += $(BIN)/nccl-mpi
endif
endif

.PHONY: all
all: $(TARGETS)
ifeq ($(NCCL_HOME),)
	@echo "make calibrate: nccl.h not found (set NCCL_HOME); nccl and power are not built"
endif

$(OBJ)/%.o: $(SRC)/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

$(OBJ)/%.o: $(SRC)/%.cu
	@mkdir -p $(@D)
	$(NVCC) $(NVFLAGS) -c $< -o $@

$(OBJ)/nccl_mpi.o: $(SRC)/nccl.cu
	@mkdir -p $(@D)
	$(NVCC) $(NVFLAGS) -DCALIB_MPI=1 $(MPI_CFLAGS) -c $< -o $@

$(BIN)/gemm: $(OBJ)/gemm.o $(OBJ)/lt_gemm.o $(OBJ)/cuda_util.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -lcublasLt -o $@

$(BIN)/membw: $(OBJ)/membw.o $(OBJ)/hbm_kernels.o $(OBJ)/cuda_util.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -o $@

$(BIN)/p2p: $(OBJ)/p2p.o $(OBJ)/cuda_util.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -o $@

$(BIN)/nccl: $(OBJ)/nccl.o $(OBJ)/coll.o $(OBJ)/cuda_util.o $(OBJ)/nccl_fmt.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -lnccl -o $@

$(BIN)/nccl-mpi: $(OBJ)/nccl_mpi.o $(OBJ)/coll.o $(OBJ)/cuda_util.o $(OBJ)/nccl_fmt.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -lnccl $(MPI_LIBS) -o $@

$(BIN)/power: $(OBJ)/power.o $(OBJ)/lt_gemm.o $(OBJ)/hbm_kernels.o $(OBJ)/coll.o $(OBJ)/cuda_util.o \
              $(OBJ)/nvml_dl.o $(OBJ)/power_sampler.o $(OBJ)/nccl_fmt.o $(HOST_OBJ)
	@mkdir -p $(@D)
	$(NVCC) $(GENCODE) $^ $(LDFLAGS_CU) -lcublasLt -lnccl -ldl -lpthread -o $@

-include $(wildcard $(OBJ)/*.d)
endif
