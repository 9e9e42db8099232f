#!/bin/sh
# run-node.sh -- run the whole calibration suite on this GPU node (and, with
# --nodes, NCCL across nodes under mpirun) and write one results folder:
#   gemm.csv hbm.csv p2p.csv power.csv nccl_<op>.txt [nccl_<op>_<N>node.txt] meta.csv
# The folder is assembled under DIR.partial.PID and renamed to DIR at the end, so
# DIR never holds a half-run suite; without a GPU nothing is created and the exit
# status is 1. Each CSV is written whole or not at all by its benchmark; meta.csv
# says which benchmark ran, failed or was skipped and why.
set -u

usage() {
	cat <<'USAGE'
usage: calibrate/run-node.sh [-o DIR] [--nodes HOSTFILE] [--quick] [--nccl-max BYTES]
                             [--gemm-args "ARGS"] [--mpirun-args "ARGS"]

Runs bin/calibrate/{gemm,membw,p2p,nccl,power} (build them with `make calibrate`)
on every GPU of this node and writes DIR (default calibration-<host>-<UTC date>):
  gemm.csv      dtype,m,n,k,time_us,tflops            (cuBLASLt, bf16/fp16/tf32/fp8)
  hbm.csv       kind,bytes,time_us,gbps                (read, write, copy, h2d, d2h)
  p2p.csv       src,dst,bytes,time_us,gbps             (every GPU pair; 2+ GPUs)
  nccl_<op>.txt nccl-tests tables, one node, all GPUs  (2+ GPUs)
  power.csv     phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct
  meta.csv      key,value: GPU, count, driver, CUDA, NCCL, host, date, command, status
--nodes HOSTFILE also runs bin/calibrate/nccl-mpi with one process per node listed
(Open MPI hostfile) into nccl_<op>_<N>node.txt; --mpirun-args adds options to
mpirun (e.g. "-x NCCL_IB_HCA=mlx5_0,mlx5_1 --mca btl_tcp_if_include eth0"). --quick shortens every benchmark
(a smoke test, not a calibration). --gemm-args passes e.g. "--model-hidden 12288
--ffn 49152 --tp 8 --tokens 4096" to gemm. Exit status 0 when every benchmark ran
or was skipped for a stated reason, 1 otherwise (or without a GPU), 2 usage.
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
bin=${CALIB_BIN:-$here/../bin/calibrate}
out= nodes= quick=0 nccl_max=4G gemm_args= mpirun_args=
cmdline="$0 $*"
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	-o) [ $# -ge 2 ] || { usage >&2; exit 2; }; out=$2; shift 2 ;;
	--nodes) [ $# -ge 2 ] || { usage >&2; exit 2; }; nodes=$2; shift 2 ;;
	--nccl-max) [ $# -ge 2 ] || { usage >&2; exit 2; }; nccl_max=$2; shift 2 ;;
	--gemm-args) [ $# -ge 2 ] || { usage >&2; exit 2; }; gemm_args=$2; shift 2 ;;
	--mpirun-args) [ $# -ge 2 ] || { usage >&2; exit 2; }; mpirun_args=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	*) echo "run-node.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

die() { echo "run-node.sh: $*" >&2; exit 1; }

for b in gemm membw p2p nccl power; do
	[ -x "$bin/$b" ] || die "$bin/$b not found: build the suite with 'make calibrate' (needs nvcc, cuBLASLt and NCCL)"
done
if [ -n "$nodes" ]; then
	[ -r "$nodes" ] || die "--nodes $nodes: cannot read the hostfile"
	[ -x "$bin/nccl-mpi" ] || die "--nodes needs $bin/nccl-mpi (built by 'make calibrate' where mpicc exists)"
	command -v mpirun >/dev/null 2>&1 || die "--nodes needs mpirun on PATH"
fi

# A GPU must be present before anything is written.
if command -v nvidia-smi >/dev/null 2>&1; then
	ngpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')
else
	ngpus=$(ls /dev/nvidia[0-9]* 2>/dev/null | wc -l)
fi
# CUDA_VISIBLE_DEVICES narrows what the benchmarks see; count what they will see.
if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
	visible=$(printf '%s' "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | grep -c '[^[:space:]]')
	[ "$visible" -lt "$ngpus" ] 2>/dev/null && ngpus=$visible
fi
why="nvidia-smi -L lists none, no /dev/nvidia0"
[ -n "${CUDA_VISIBLE_DEVICES+set}" ] && why="$why, or CUDA_VISIBLE_DEVICES='$CUDA_VISIBLE_DEVICES' hides them"
[ "$ngpus" -ge 1 ] 2>/dev/null || die "no GPU found on $(hostname) ($why): run this on a GPU node"

host=$(hostname)
date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -n "$out" ] || out="calibration-$host-$(date -u +%Y%m%dT%H%M%SZ)"
[ -e "$out" ] && die "$out already exists; choose another -o DIR"
stage="$out.partial.$$"
mkdir -p "$stage" || die "cannot create $stage"
trap 'rm -rf "$stage"' EXIT
trap 'exit 1' INT TERM

failed=0
status=

# run NAME LOG CMD...: run a benchmark inside the staging folder, note its status.
run() {
	name=$1 log=$2; shift 2
	echo "== $name: $*"
	if (cd "$stage" && "$@") >"$stage/$log.tmp" 2>&1; then
		mv "$stage/$log.tmp" "$stage/$log"
		status="$status$name,ok
"
	else
		rc=$?
		echo "run-node.sh: $name failed (exit $rc); last lines:" >&2
		tail -n 5 "$stage/$log.tmp" >&2
		mv "$stage/$log.tmp" "$stage/$name.failed.log"
		status="$status$name,failed (exit $rc; see $name.failed.log)
"
		failed=1
	fi
}
skip() {
	echo "== $1: skipped ($2)"
	status="$status$1,skipped ($2)
"
}

if [ "$quick" = 1 ]; then
	gemm_q="--min-time 0.005 --dtypes bf16,fp8" mem_q="-e 256M --min-time 0.005"
	p2p_q="-e 64M --min-time 0.005" nccl_q="-b 1M -e 64M -f 4 -n 5 -w 2"
	power_q="--idle 2 --gemm 4 --mem 3 --nccl 3"
else
	gemm_q= mem_q= p2p_q= nccl_q="-b 8 -e $nccl_max -f 2" power_q=
fi

# shellcheck disable=SC2086
run gemm gemm.log "$bin/gemm" -o gemm.csv $gemm_q $gemm_args
# shellcheck disable=SC2086
run membw membw.log "$bin/membw" -o hbm.csv $mem_q
if [ "$ngpus" -ge 2 ]; then
	# shellcheck disable=SC2086
	run p2p p2p.log "$bin/p2p" -o p2p.csv $p2p_q
	for op in all_reduce all_gather reduce_scatter alltoall broadcast sendrecv; do
		# shellcheck disable=SC2086
		run "nccl_$op" "nccl_$op.txt" "$bin/nccl" --op "$op" $nccl_q
	done
	power_nccl=
else
	skip p2p "one GPU: no pair"
	skip nccl "one GPU: NCCL needs two or more"
	power_nccl="--nccl 0"
fi
if [ -n "$nodes" ]; then
	nn=$(grep -v '^[[:space:]]*#' "$nodes" | grep -c '[^[:space:]]')
	for op in all_reduce all_gather reduce_scatter alltoall broadcast sendrecv; do
		# shellcheck disable=SC2086
		run "nccl_mpi_$op" "nccl_${op}_${nn}node.txt" mpirun --hostfile "$(cd "$(dirname "$nodes")" && pwd)/$(basename "$nodes")" \
			-np "$nn" --map-by ppr:1:node $mpirun_args "$bin/nccl-mpi" --op "$op" -g "$ngpus" $nccl_q
	done
fi
# shellcheck disable=SC2086
run power power.log "$bin/power" -o power.csv $power_q $power_nccl
if grep -q 'NVML not available' "$stage/power.failed.log" 2>/dev/null; then
	# no NVML is a property of the node, not a failure of the suite
	status=$(printf '%s' "$status" | sed 's/^power,failed.*/power,skipped (NVML not available: libnvidia-ml.so.1 missing)/')
	status="$status
"
	failed_others=$(printf '%s' "$status" | grep -c ',failed')
	[ "$failed_others" = 0 ] && failed=0
fi

# meta.csv: one key,value per line, values quoted when they hold a comma or quote.
csv() { printf '%s,' "$1"; printf '%s\n' "$2" | sed 's/"/""/g; s/^\(.*[,"].*\)$/"\1"/'; }
{
	echo "key,value"
	csv gpu_name "$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)"
	csv gpu_count "$ngpus"
	csv cuda_visible_devices "${CUDA_VISIBLE_DEVICES-}"
	csv driver_version "$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)"
	"$bin/nccl" --version 2>/dev/null | grep "^cuda_\|^nccl,"
	"$bin/gemm" --version 2>/dev/null | grep '^cublaslt,'
	csv host "$host"
	csv nodes "${nn:-1}"
	csv date_utc "$date_utc"
	csv command "$cmdline"
	csv quick "$quick"
	printf '%s' "$status" | while IFS= read -r line; do
		[ -n "$line" ] && csv "status_${line%%,*}" "${line#*,}"
	done
} >"$stage/meta.csv"

mv "$stage" "$out" || die "cannot rename $stage to $out"
trap - EXIT
echo "run-node.sh: results in $out"
printf '%s' "$status" | sed 's/^/  /'
exit "$failed"
