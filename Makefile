# capsim -- one non-recursive Makefile.
#   make            build bin/capsim (checks or installs dependencies first)
#   make run        simulate scenarios/default.xml into out/<name>/
#   make test       unit, scenario and validation tests; closing line "N passed, N failed"
#   make bench      engine and simulator benchmarks, printing their figures
#   make calibrate  CUDA/NCCL microbenchmarks (only where nvcc exists)
# Options: SAN=address,undefined  CI=1 (-Werror)  MPI=1  DEBUG_POOLS=1  O=-O2

CC      ?= gcc
O       ?= -O2
BUILD   := build
BIN     := bin

WARN := -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wwrite-strings \
        -Wold-style-definition -Wnull-dereference -Wdouble-promotion
ifneq ($(CI),)
WARN += -Werror
endif

PKGS       := gsl libxml-2.0
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CPPFLAGS += -I. -DCAPSIM_SRCDIR='"$(CURDIR)"'
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L $(O) -g $(WARN) -MMD -MP -fopenmp $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -fopenmp -lm

ifneq ($(SAN),)
CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
BUILD   := build-san
BIN     := bin-san
endif
ifneq ($(DEBUG_POOLS),)
CPPFLAGS += -DCAPSIM_DEBUG_POOLS=1
endif
ifneq ($(MPI),)
CC := mpicc
CPPFLAGS += -DCAPSIM_MPI=1
endif

LIB_SRC  := $(wildcard sim/engine/*.c) $(wildcard models/*.c) $(wildcard scenarios/*.c) \
            $(wildcard reports/*.c) $(filter-out sim/main.c,$(wildcard sim/*.c)) \
            $(wildcard calibrate/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libcapsim.a
APP_OBJ  := $(BUILD)/sim/main.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BIN)/tests/%)
TEST_OBJ := $(BUILD)/tests/t.o
BENCH_SRC:= $(wildcard bench/bench_*.c)
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(BIN)/%)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all run test bench deps calibrate clean
.SECONDARY:
all: $(BIN)/capsim

$(DEPS_OK): tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/capsim: $(APP_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tests/%: $(BUILD)/tests/%.o $(TEST_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/bench_%: $(BUILD)/bench/bench_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# bench_step counts the heap its simulation holds: the simulator's allocation calls
# go through its own wrappers.
$(BIN)/bench_step: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=free

# The calibration suite's host-only C (calibrate/bench/, no CUDA) is linked into
# its test; the CUDA parts build only with `make calibrate`.
$(BIN)/tests/test_nccl_fmt: $(BUILD)/calibrate/bench/nccl_fmt.o $(BUILD)/calibrate/bench/bench_util.o
# The NVML binding and sampler are tested against a stand-in NVML built beside the test.
$(BIN)/tests/test_power_sampler: $(BUILD)/calibrate/bench/nvml_dl.o $(BUILD)/calibrate/bench/power_sampler.o \
	| $(BIN)/tests/fake_nvml.so
$(BIN)/tests/test_power_sampler: LDLIBS += -ldl -lpthread
$(BIN)/tests/fake_nvml.so: tests/fake_nvml.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(CFLAGS)) -shared -fPIC $< -o $@

run: $(BIN)/capsim
	./$(BIN)/capsim run scenarios/default.xml

test: $(BIN)/capsim $(TEST_BIN)
	@sh tools/deps.sh --test || echo "deps: the browser test will fail without chromium"
	@sh tests/run.sh $(BIN)

bench: $(BENCH_BIN) $(BIN)/capsim
	@for b in $(BENCH_BIN); do ./$$b || exit 1; done

deps:
	@sh tools/deps.sh

calibrate:
	@$(MAKE) -f calibrate/calibrate.mk

clean:
	rm -rf build build-san bin bin-san

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
