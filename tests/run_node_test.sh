#!/bin/sh
# run_node_test.sh -- calibrate/run-node.sh on a pretend GPU node: stand-ins for
# nvidia-smi and the benchmark binaries (CALIB_BIN) record how they are called and
# write small tables, so the script's own logic is checked anywhere: the results
# folder appears whole (no *.partial.* left), meta.csv carries the GPU, driver,
# versions, host, date, command and per-benchmark status, one GPU skips p2p and
# NCCL, a missing NVML is a stated skip, a failing benchmark makes exit status 1
# and leaves its log, an existing folder is never overwritten, and --nodes runs
# nccl-mpi under mpirun with one process per node.
# Prints "ok NAME" or "FAIL NAME" per case (tests/run.sh counts them).
set -u
unset CUDA_VISIBLE_DEVICES
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/path"

cat >"$tmp/path/nvidia-smi" <<'STUB'
#!/bin/sh
n=${FAKE_GPUS:-2}
case "$*" in
-L) i=0; while [ $i -lt "$n" ]; do echo "GPU $i: NVIDIA H100 80GB HBM3 (UUID: GPU-$i)"; i=$((i + 1)); done ;;
*name*) i=0; while [ $i -lt "$n" ]; do echo "NVIDIA H100 80GB HBM3"; i=$((i + 1)); done ;;
*driver_version*) echo "550.90.07" ;;
*) exit 1 ;;
esac
STUB
# One stand-in for every benchmark: records its call, honours -o, fails on demand.
cat >"$tmp/bin/stub" <<'STUB'
#!/bin/sh
name=$(basename "$0")
echo "$name $*" >>"$CALLS"
case "$1" in --version) echo "cuda_runtime,13.0"; echo "cuda_driver,12.4"; echo "nccl,2.28.9"; echo "cublaslt,130100"; exit 0 ;; esac
[ "${FAIL_BENCH:-}" = "$name" ] && { echo "$name: CUDA error: out of memory" >&2; exit 1; }
[ "$name" = power ] && [ -n "${NO_NVML:-}" ] && { echo "power: NVML not available: libnvidia-ml.so.1: cannot open" >&2; exit 1; }
out=
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
case "$name" in
gemm) printf 'dtype,m,n,k,time_us,tflops\nbf16,4096,4096,4096,200.000,687.195\n' >"$out" ;;
membw) printf 'kind,bytes,time_us,gbps\nread,1048576,1.000,1048.576\n' >"$out" ;;
p2p) printf 'src,dst,bytes,time_us,gbps\n0,1,1048576,3.000,349.525\n' >"$out" ;;
power) printf 'phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct\nidle,0.000,0,70.000,345,2619,30,0\n' >"$out" ;;
nccl|nccl-mpi) echo "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong" ;;
esac
STUB
# mpirun stand-in: records its options, runs the program once (as rank 0 would).
cat >"$tmp/path/mpirun" <<'STUB'
#!/bin/sh
echo "mpirun $*" >>"$CALLS"
while [ $# -gt 0 ]; do case "$1" in */nccl-mpi) break ;; esac; shift; done
exec "$@"
STUB
chmod +x "$tmp/path/nvidia-smi" "$tmp/path/mpirun" "$tmp/bin/stub"
for b in gemm membw p2p nccl nccl-mpi power; do ln -s stub "$tmp/bin/$b"; done

check() { # name, then a command that must succeed
	name=$1; shift
	if "$@" >"$tmp/log" 2>&1; then echo "ok $name"; else echo "FAIL $name"; cat "$tmp/log"; fi
}
# rn DIR ARGS...: run run-node.sh inside $tmp/DIR with the stand-ins
rn() {
	d=$1; shift
	mkdir -p "$tmp/$d" && cd "$tmp/$d" || return 99
	CALLS="$tmp/$d.calls" CALIB_BIN="$tmp/bin" PATH="$tmp/path:$PATH" "$root/calibrate/run-node.sh" "$@" \
		>"$tmp/$d.out" 2>"$tmp/$d.err"
	rc=$?
	cd "$root" || return 99
	return $rc
}
has() { grep -qx -- "$2" "$1" || { echo "$1 lacks the line '$2':"; cat "$1"; return 1; }; }

two_gpus() {
	NO_NVML=1 rn a -o res --gemm-args "--model-hidden 12288 --ffn 49152 --tp 8 --tokens 4096" || return 1
	r="$tmp/a/res"
	[ -z "$(ls -d "$tmp"/a/res.partial.* 2>/dev/null)" ] || return 1
	for f in gemm.csv hbm.csv p2p.csv meta.csv nccl_all_reduce.txt nccl_all_gather.txt \
		nccl_reduce_scatter.txt nccl_alltoall.txt nccl_broadcast.txt nccl_sendrecv.txt; do
		[ -s "$r/$f" ] || { echo "missing $f"; ls "$r"; return 1; }
	done
	[ ! -e "$r/power.csv" ] || return 1
	has "$r/meta.csv" "key,value" && has "$r/meta.csv" "gpu_name,NVIDIA H100 80GB HBM3" &&
	has "$r/meta.csv" "gpu_count,2" && has "$r/meta.csv" "driver_version,550.90.07" &&
	has "$r/meta.csv" "cuda_runtime,13.0" && has "$r/meta.csv" "nccl,2.28.9" &&
	has "$r/meta.csv" "host,$(hostname)" && has "$r/meta.csv" "status_gemm,ok" &&
	has "$r/meta.csv" "status_nccl_alltoall,ok" &&
	has "$r/meta.csv" "status_power,skipped (NVML not available: libnvidia-ml.so.1 missing)" &&
	grep -q '^date_utc,20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$' "$r/meta.csv" &&
	grep -q '^command,.*run-node.sh -o res --gemm-args --model-hidden 12288' "$r/meta.csv" &&
	has "$tmp/a.calls" "gemm -o gemm.csv --model-hidden 12288 --ffn 49152 --tp 8 --tokens 4096" &&
	has "$tmp/a.calls" "nccl --op alltoall -b 8 -e 4G -f 2" &&
	has "$tmp/a.calls" "power -o power.csv"
}
check run_node_two_gpus_writes_whole_folder_and_meta two_gpus

one_gpu() {
	FAKE_GPUS=1 rn b -o res --quick || return 1
	r="$tmp/b/res"
	[ -s "$r/gemm.csv" ] && [ -s "$r/power.csv" ] && [ ! -e "$r/p2p.csv" ] && [ ! -e "$r/nccl_all_reduce.txt" ] &&
	has "$r/meta.csv" "status_p2p,skipped (one GPU: no pair)" &&
	has "$r/meta.csv" "status_nccl,skipped (one GPU: NCCL needs two or more)" &&
	has "$r/meta.csv" "status_power,ok" && has "$r/meta.csv" "quick,1" &&
	has "$tmp/b.calls" "power -o power.csv --idle 2 --gemm 4 --mem 3 --nccl 3 --nccl 0" &&
	! grep -q '^p2p -o\|^nccl --op' "$tmp/b.calls"
}
check run_node_one_gpu_skips_p2p_and_nccl one_gpu

visible_devices() {
	CUDA_VISIBLE_DEVICES=1 rn f -o res --quick || return 1
	has "$tmp/f/res/meta.csv" "gpu_count,1" && has "$tmp/f/res/meta.csv" "cuda_visible_devices,1" &&
	has "$tmp/f/res/meta.csv" "status_p2p,skipped (one GPU: no pair)"
	CUDA_VISIBLE_DEVICES= rn g -o res
	[ $? = 1 ] && grep -q "no GPU found" "$tmp/g.err" && [ ! -e "$tmp/g/res" ]
}
check run_node_counts_cuda_visible_devices visible_devices

failing_bench() {
	FAIL_BENCH=membw rn c -o res
	rc=$?
	r="$tmp/c/res"
	[ "$rc" = 1 ] && [ -s "$r/gemm.csv" ] && [ ! -e "$r/hbm.csv" ] && [ -s "$r/membw.failed.log" ] &&
	grep -q '^status_membw,failed (exit 1; see membw.failed.log)$' "$r/meta.csv" &&
	grep -q 'membw failed' "$tmp/c.err"
}
check run_node_failing_benchmark_exit_1_with_its_log failing_bench

existing_dir() {
	mkdir -p "$tmp/d/res" && touch "$tmp/d/res/keep"
	rn d -o res
	rc=$?
	[ "$rc" = 1 ] && grep -q 'res already exists' "$tmp/d.err" && [ "$(ls -A "$tmp/d/res")" = keep ] &&
	[ ! -e "$tmp/d.calls" ]
}
check run_node_never_overwrites_a_folder existing_dir

across_nodes() {
	printf '# two nodes\nnode-a slots=8\n\nnode-b slots=8\n' >"$tmp/hosts"
	rn e -o res --nodes "$tmp/hosts" --mpirun-args "-x NCCL_IB_HCA=mlx5_0" || return 1
	r="$tmp/e/res"
	for op in all_reduce all_gather reduce_scatter alltoall broadcast sendrecv; do
		[ -s "$r/nccl_${op}_2node.txt" ] || { echo "no nccl_${op}_2node.txt"; ls "$r"; return 1; }
	done
	has "$r/meta.csv" "nodes,2" && has "$r/meta.csv" "status_nccl_mpi_alltoall,ok" &&
	has "$tmp/e.calls" "mpirun --hostfile $tmp/hosts -np 2 --map-by ppr:1:node -x NCCL_IB_HCA=mlx5_0 $tmp/bin/nccl-mpi --op alltoall -g 2 -b 8 -e 4G -f 2" &&
	has "$tmp/e.calls" "nccl-mpi --op alltoall -g 2 -b 8 -e 4G -f 2"
}
check run_node_across_nodes_under_mpirun across_nodes
