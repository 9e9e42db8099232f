#!/bin/sh
# calibrate_build_test.sh -- where nvcc exists: `make calibrate` builds every
# benchmark with warnings as errors for sm_80/sm_90/sm_100, each binary's --help
# works, and (on a machine without a GPU) each binary and run-node.sh refuse with
# "no CUDA device" / "no GPU", exit 1 and leave no file behind. Where nvcc is
# absent it prints nothing: there is nothing of this to test there.
# Prints "ok NAME" or "FAIL NAME" per case (tests/run.sh counts them).
set -u
nvcc=$(command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
[ -n "$nvcc" ] || exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bins="gemm membw p2p nccl power"
check() { # name, then a command that must succeed
	name=$1; shift
	if "$@" >"$tmp/log" 2>&1; then echo "ok $name"; else echo "FAIL $name"; cat "$tmp/log"; fi
}

builds() {
	make calibrate >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; return 1; }
	for b in $bins; do [ -x "bin/calibrate/$b" ] || { echo "no bin/calibrate/$b"; return 1; }; done
	# the compile lines carry -Werror for device and host code and all three targets
	make -s -n -B -f calibrate/calibrate.mk bin/calibrate/gemm >"$tmp/cmds" 2>&1 || return 1
	line=$(grep -- '-c calibrate/bench/gemm.cu' "$tmp/cmds")
	for want in "-Werror all-warnings" "-Xcompiler -Wall,-Wextra,-Werror" "code=sm_80" "code=sm_90" "code=sm_100"; do
		case "$line" in *"$want"*) ;; *) echo "gemm.cu compiled without '$want': $line"; return 1 ;; esac
	done
	line=$(grep -- '-c calibrate/bench/bench_util.c' "$tmp/cmds")
	case "$line" in *-Werror*) ;; *) echo "host C compiled without -Werror: $line"; return 1 ;; esac
}
check calibrate_builds_with_werror_for_sm80_sm90_sm100 builds

no_nvcc_message() {
	make -s -f calibrate/calibrate.mk NVCC= >"$tmp/out" 2>&1 &&
	grep -q "nvcc not found" "$tmp/out"
}
check calibrate_without_nvcc_says_so_and_succeeds no_nvcc_message

helps() {
	for b in $bins; do
		"bin/calibrate/$b" --help >"$tmp/help" 2>&1 || { echo "$b --help failed"; return 1; }
		grep -q '^usage: ' "$tmp/help" || { echo "$b --help has no usage line"; return 1; }
	done
	bin/calibrate/gemm --help | grep -q 'dtype,m,n,k,time_us,tflops' &&
	bin/calibrate/membw --help | grep -q 'kind,bytes,time_us,gbps' &&
	bin/calibrate/p2p --help | grep -q 'src,dst,bytes,time_us,gbps' &&
	bin/calibrate/power --help | grep -q 'phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct' &&
	bin/calibrate/nccl --help | grep -q 'all_reduce (default), all_gather, reduce_scatter, alltoall, broadcast, sendrecv' &&
	bin/calibrate/nccl --version | grep -q '^nccl,[0-9]*\.[0-9]*\.[0-9]*$' &&
	{ bin/calibrate/gemm --bogus 2>/dev/null; [ $? = 2 ]; }
}
check calibrate_help_and_usage_exit_status helps

# The rest needs a machine without a GPU.
if { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; } || [ -e /dev/nvidia0 ]; then
	exit 0
fi

no_gpu() {
	root=$(pwd)
	for b in $bins; do
		mkdir "$tmp/$b" && cd "$tmp/$b" || return 1
		"$root/bin/calibrate/$b" >out 2>err
		rc=$?
		rm -f out
		cd "$root" || return 1
		[ "$rc" = 1 ] || { echo "$b exited $rc without a GPU"; return 1; }
		grep -q "^$b: no CUDA device" "$tmp/$b/err" || { echo "$b said:"; cat "$tmp/$b/err"; return 1; }
		rm -f "$tmp/$b/err"
		[ -z "$(ls -A "$tmp/$b")" ] || { echo "$b left files:"; ls -A "$tmp/$b"; return 1; }
	done
}
check calibrate_binaries_without_gpu_exit_1_and_write_nothing no_gpu

run_node_no_gpu() {
	mkdir "$tmp/rn" && root=$(pwd) && cd "$tmp/rn" || return 1
	"$root/calibrate/run-node.sh" -o res 2>"$tmp/rn.err" >/dev/null
	rc=$?
	cd "$root" || return 1
	[ "$rc" = 1 ] && grep -q "no GPU found" "$tmp/rn.err" && [ -z "$(ls -A "$tmp/rn")" ]
}
check run_node_without_gpu_fails_cleanly run_node_no_gpu
