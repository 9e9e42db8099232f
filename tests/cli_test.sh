#!/bin/sh
# cli_test.sh -- the capsim command end to end: determinism of the written reports,
# --json, exit statuses, and that a failed run leaves nothing behind.
# Prints "ok NAME" or "FAIL NAME" per case (tests/run.sh counts them).
set -u
capsim=${CAPSIM:-bin/capsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, then a command that must succeed
	name=$1; shift
	if "$@" >"$tmp/log" 2>&1; then echo "ok $name"; else echo "FAIL $name"; cat "$tmp/log"; fi
}

deterministic() {
	"$capsim" run scenarios/default.xml -o "$tmp/a" >/dev/null &&
	"$capsim" run scenarios/default.xml -o "$tmp/b" >/dev/null &&
	cmp "$tmp/a/summary.json" "$tmp/b/summary.json" &&
	cmp "$tmp/a/report.md" "$tmp/b/report.md"
}
check deterministic_reports deterministic

json_matches_file() {
	"$capsim" run scenarios/default.xml -o "$tmp/c" --json >"$tmp/out.json" &&
	cmp "$tmp/out.json" "$tmp/c/summary.json" &&
	grep -q '"step_time_s": [0-9]' "$tmp/out.json" &&
	grep -q '"scenario": "dell-training-module-gpt3-175b"' "$tmp/out.json"
}
check json_matches_summary_file json_matches_file

bad_input_leaves_nothing() {
	cat >"$tmp/oom.xml" <<'XML'
<scenario name="oom">
  <cluster><nodes type="dell-xe9680" count="8"/></cluster>
  <training>
    <model preset="gpt3-175b"/>
    <data tokens="300e9" seq-len="2048" global-batch="1536"/>
    <parallel tp="8" pp="1" dp="8"/>
  </training>
</scenario>
XML
	"$capsim" run "$tmp/oom.xml" -o "$tmp/oom-out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && [ ! -e "$tmp/oom-out" ] &&
	grep -q "oom.xml:6: <parallel>: out of memory: this layout needs" "$tmp/err"
}
check bad_input_exit_1_nothing_written bad_input_leaves_nothing

usage_exit_2() {
	"$capsim" frobnicate 2>/dev/null
	[ $? = 2 ] || return 1
	"$capsim" run 2>/dev/null
	[ $? = 2 ]
}
check usage_errors_exit_2 usage_exit_2

validate_ok() {
	"$capsim" validate scenarios/default.xml | grep -q "valid (64 GPUs)"
}
check validate_good_file validate_ok

validate_missing() {
	"$capsim" validate "$tmp/nope.xml" 2>"$tmp/err"
	[ $? = 1 ] && grep -q "nope.xml" "$tmp/err"
}
check validate_missing_file validate_missing

every_shipped_scenario_runs() {
	for f in scenarios/*.xml; do
		"$capsim" run "$f" -o "$tmp/s" --json >"$tmp/s.json" || return 1
		grep -q '"time_to_train_days": [0-9]' "$tmp/s.json" ||
			grep -q '"throughput_tokens_per_s": [1-9]' "$tmp/s.json" || return 1
	done
}
check shipped_scenarios_run every_shipped_scenario_runs

inference_json_and_series() {
	"$capsim" run scenarios/infer-llama2-70b-xe9680.xml -o "$tmp/inf" --json >"$tmp/inf.json" &&
	cmp "$tmp/inf.json" "$tmp/inf/summary.json" &&
	grep -q '"inference": {' "$tmp/inf.json" &&
	grep -q '"ttft_p99_s": [0-9]' "$tmp/inf.json" &&
	grep -q '"tpot_p50_s": [0-9]' "$tmp/inf.json" &&
	grep -q '"replicas": [1-9]' "$tmp/inf.json" &&
	! grep -q '"training"' "$tmp/inf.json" &&
	head -1 "$tmp/inf/timeseries.csv" | grep -q '^t_s,gpu_util,kv_util,output_tokens_per_s,running$' &&
	[ "$(wc -l <"$tmp/inf/timeseries.csv")" -gt 10 ] &&
	grep -q '^## Inference' "$tmp/inf/report.md" &&
	"$capsim" run scenarios/infer-llama2-70b-xe9680.xml -o "$tmp/inf2" >/dev/null &&
	cmp "$tmp/inf/report.md" "$tmp/inf2/report.md" &&
	cmp "$tmp/inf/timeseries.csv" "$tmp/inf2/timeseries.csv"
}
check inference_json_timeseries_deterministic inference_json_and_series

inference_bad_trace() {
	printf 'arrival_s,input_tokens,output_tokens\n0,100,10\n0.5,100\n' >"$tmp/bad.csv"
	cat >"$tmp/badtrace.xml" <<'XML'
<scenario name="badtrace">
  <cluster><nodes type="dell-xe9680" count="1"/></cluster>
  <inference>
    <model preset="llama3-8b"/>
    <load trace="bad.csv"/>
  </inference>
</scenario>
XML
	"$capsim" run "$tmp/badtrace.xml" -o "$tmp/bt-out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && [ ! -e "$tmp/bt-out" ] &&
	grep -q 'badtrace.xml:5: <load trace="bad.csv">: .*bad.csv:3: expected arrival_s,input_tokens,output_tokens' "$tmp/err"
}
check inference_bad_trace_exit_1 inference_bad_trace
