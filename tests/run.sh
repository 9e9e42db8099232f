#!/bin/sh
# run.sh BIN -- runs every test binary under BIN/tests and every tests/*.sh,
# prints their output, and closes with the summed "N passed, N failed" line.
set -u
bin=${1:-bin}
pass=0; fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$bin"/tests/test_* tests/*_test.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	case "$t" in
	*.sh) CAPSIM="$bin/capsim" sh "$t" >"$out" 2>&1 ;;
	*) "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	cat "$out"
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $t exited with status $rc"
		f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
