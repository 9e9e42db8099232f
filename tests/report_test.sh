#!/bin/sh
# report_test.sh -- the report folder end to end: every file for the default
# scenario (charts rendered by gnuplot, no temporary files left), power and cost
# keys with consistent values, the Perfetto trace, charts skipped without gnuplot,
# <report formats> honoured, and power and cost for every shipped scenario.
# Prints "ok NAME" or "FAIL NAME" per case (tests/run.sh counts them).
set -u
capsim=${CAPSIM:-bin/capsim}
case "$capsim" in /*) ;; *) capsim="$(pwd)/$capsim" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, then a command that must succeed
	name=$1; shift
	if "$@" >"$tmp/log" 2>&1; then echo "ok $name"; else echo "FAIL $name"; cat "$tmp/log"; fi
}

# jnum FILE KEY: the first number after "KEY": in FILE
jnum() { sed -n "s/.*\"$2\": \([-0-9.e+]*\).*/\1/p" "$1" | head -1; }

"$capsim" run scenarios/default.xml -o "$tmp/d" >"$tmp/run.out" 2>&1

full_folder() {
	for f in summary.json report.md report.html trace.json timeline.csv power.csv breakdown.csv \
		bom.csv cost.csv links.csv timeline.gp breakdown.gp power.gp cost.gp; do
		[ -s "$tmp/d/$f" ] || { echo "missing $f"; return 1; }
	done
	for c in timeline breakdown power cost; do
		# PNG signature: 89 50 4e 47
		[ "$(head -c 4 "$tmp/d/$c.png" | od -An -tx1 | tr -d ' \n')" = "89504e47" ] || { echo "$c.png"; return 1; }
	done
	[ -z "$(ls -a "$tmp/d" | grep -E 'tmp|\.log')" ] || { ls -a "$tmp/d"; return 1; }
	grep -q "Charts (gnuplot): timeline.png" "$tmp/d/report.md"
}
check full_report_folder_with_charts full_folder

link_utilisation() {
	# the module's pipeline sends leave the nodes, so they ran as flows on NIC links
	rows=$(($(wc -l <"$tmp/d/links.csv") - 1))
	[ "$rows" -gt 0 ] || return 1
	awk -F, 'NR > 1 && !($2 > 0 && $3 > 0 && $6 > 0 && $6 <= 1 && $5 >= $6 - 1e-6) { bad = 1 } END { exit bad }' "$tmp/d/links.csv" &&
	# the module's rails share no link (one switch): one rail's links are simulated
	grep -q "Links that carried traffic as flows: $rows (one rail plane's);" "$tmp/d/report.md" &&
	grep -q "^- Rail planes folded: those flows are the traffic of one of the 8 rails" "$tmp/d/report.md" &&
	grep -q '"rail_planes_folded": 8' "$tmp/d/summary.json"
}
check link_utilisation_csv link_utilisation

power_cost_consistent() {
	j="$tmp/d/summary.json"
	for k in it_peak_kw facility_peak_kw energy_mwh co2_t capex_usd opex_usd_per_year tco_usd \
		run_cost_usd cloud_cost_usd; do
		grep -q "\"$k\": [0-9]" "$j" || { echo "no $k"; return 1; }
	done
	it=$(jnum "$j" it_peak_kw); fac=$(jnum "$j" facility_peak_kw)
	mwh=$(jnum "$j" energy_mwh); co2=$(jnum "$j" co2_t)
	capex=$(jnum "$j" capex_usd); opex=$(jnum "$j" opex_usd_per_year); tco=$(jnum "$j" tco_usd)
	# PUE 1.3, 380 g/kWh, 4 years; capex of the XE9680 module priced by hand
	awk -v it="$it" -v fac="$fac" -v mwh="$mwh" -v co2="$co2" -v capex="$capex" -v opex="$opex" -v tco="$tco" \
	    'function near(a, b) { d = a - b; if (d < 0) d = -d; return d <= 1e-4 * (b < 0 ? -b : b) }
	     BEGIN { exit !(near(fac, 1.3 * it) && near(co2, 0.38 * mwh) && near(capex, 3035200) &&
	                    near(tco, capex + 4 * opex)) }' &&
	# report.md and report.html show the same peak as the JSON
	grep -q "| IT power, peak (simulated) | $(printf '%.1f' "$it") kW |" "$tmp/d/report.md" &&
	grep -q "id=\"fig-it-peak\"><div class=\"label\">IT power, peak</div><div class=\"value\">$(printf '%.1f' "$it")<" "$tmp/d/report.html" &&
	grep -q "Rack power violation:\*\* 7 nodes per rack draw 56.0 kW at peak, above the 40.0 kW limit" "$tmp/d/report.md" &&
	grep -q "so the nodes need 2 racks" "$tmp/d/report.md"
}
check power_and_cost_consistent power_cost_consistent

perfetto_trace() {
	t="$tmp/d/trace.json"
	head -c 40 "$t" | grep -q '^{"displayTimeUnit": "ms"' || return 1
	spans=$(($(wc -l <"$tmp/d/timeline.csv") - 1))
	events=$(grep -c '"ph": "X"' "$t")
	[ "$spans" -gt 1000 ] && [ "$events" = "$spans" ] || { echo "$events events, $spans spans"; return 1; }
	grep -q '"name": "process_name", "ph": "M", "pid": 3, "args": {"name": "pipeline stage 3"}' "$t" &&
	tail -c 4 "$t" | grep -q ']}' &&
	if command -v python3 >/dev/null 2>&1; then python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$t"; fi
}
check perfetto_trace_json perfetto_trace

no_gnuplot() {
	PATH=/nonexistent "$capsim" run scenarios/default.xml -o "$tmp/n" >"$tmp/n.out" 2>&1 || return 1
	grep -q "charts     skipped: gnuplot is not installed" "$tmp/n.out" &&
	grep -q "Charts skipped: gnuplot is not installed (not found on PATH)" "$tmp/n/report.md" &&
	grep -q "gnuplot charts skipped: gnuplot is not installed" "$tmp/n/report.html" &&
	! ls "$tmp/n"/*.png 2>/dev/null &&
	[ -s "$tmp/n/power.gp" ] && [ -s "$tmp/n/timeline.csv" ] && [ -s "$tmp/n/trace.json" ] &&
	cmp "$tmp/n/summary.json" "$tmp/d/summary.json"
}
check charts_skipped_without_gnuplot no_gnuplot

formats_honoured() {
	sed 's|<report formats="html md csv json"/>|<report formats="md"/>|' scenarios/default.xml >"$tmp/md.xml"
	grep -q 'formats="md"' "$tmp/md.xml" || return 1
	"$capsim" run "$tmp/md.xml" -o "$tmp/m" >/dev/null 2>&1 || return 1
	[ "$(ls "$tmp/m")" = "report.md" ]
}
check report_formats_honoured formats_honoured

shipped_power_cost() {
	for s in scenarios/*.xml; do
		grep -q "<training>\|<inference>" "$s" || continue
		"$capsim" run "$s" -o "$tmp/s" --json >"$tmp/s.json" 2>"$tmp/s.err" || { cat "$tmp/s.err"; return 1; }
		it=$(jnum "$tmp/s.json" it_peak_kw); capex=$(jnum "$tmp/s.json" capex_usd)
		awk -v a="$it" -v b="$capex" 'BEGIN { exit !(a > 0 && b > 0) }' || { echo "$s: $it kW, $capex USD"; return 1; }
		echo "$s: IT peak $it kW, facility $(jnum "$tmp/s.json" facility_peak_kw) kW, $(jnum "$tmp/s.json" energy_mwh) MWh, capex $capex USD, TCO $(jnum "$tmp/s.json" tco_usd) USD"
	done
}
check shipped_scenarios_report_power_and_cost shipped_power_cost

profile_power_fit() {
	# the default profile with a power fit for the H100 (as `capsim calibrate fit`
	# writes it from NVML samples): the report uses it
	sed 's|<gpu-profile gpu="nvidia-h100-sxm" |<gpu-profile gpu="nvidia-h100-sxm" power-idle="60 W" power-dynamic="590 W" |' \
		calibrate/profiles/default.xml >"$tmp/prof.xml"
	grep -q 'power-dynamic="590 W"' "$tmp/prof.xml" || return 1
	sed "s|</description>|</description>\n  <calibration href=\"$tmp/prof.xml\"/>|" scenarios/default.xml >"$tmp/fit.xml"
	"$capsim" run "$tmp/fit.xml" -o "$tmp/f" >/dev/null 2>&1 || return 1
	grep -q "| compute-bound | 650 W |" "$tmp/f/report.md" &&
	grep -q "| idle | 60 W |" "$tmp/f/report.md" &&
	grep -q "GPU power curve: .*calibration profile .*prof.xml, power fit of nvidia-h100-sxm" "$tmp/f/report.md" &&
	# a node's peak is then 8 x 650 W + 60% of 4 kW
	grep -q '"node_peak_kw": 7.6,' "$tmp/f/summary.json"
}
check calibration_profile_power_fit profile_power_fit

bad_site_inputs() {
	sed 's|rack-power-limit="40 kW"|rack-power-limit="40 kW" colocation="150 USD/kW"|' scenarios/default.xml >"$tmp/bad1.xml"
	"$capsim" run "$tmp/bad1.xml" -o "$tmp/b1" 2>"$tmp/e1"; rc1=$?
	sed 's|rack-power-limit="40 kW"|rack-power-limit="40 kW" rack="rack-99u"|' scenarios/default.xml >"$tmp/bad2.xml"
	"$capsim" run "$tmp/bad2.xml" -o "$tmp/b2" 2>"$tmp/e2"; rc2=$?
	sed 's|cloud-rate="4.25 USD/GPU-h"|cloud-rate="4.25 USD/GPU-h" support="12"|' scenarios/default.xml >"$tmp/bad3.xml"
	"$capsim" run "$tmp/bad3.xml" -o "$tmp/b3" 2>"$tmp/e3"; rc3=$?
	[ "$rc1" = 1 ] && [ "$rc2" = 1 ] && [ "$rc3" = 1 ] &&
	[ ! -e "$tmp/b1" ] && [ ! -e "$tmp/b2" ] && [ ! -e "$tmp/b3" ] &&
	grep -q 'bad1.xml:11: <site colocation="150 USD/kW">: .*USD/kW-month' "$tmp/e1" &&
	grep -q 'bad2.xml:11: <site rack="rack-99u">: .*rack-42u' "$tmp/e2" &&
	grep -q 'bad3.xml:12: <cost support="12">: support needs a yearly share of capex from 0 to 1' "$tmp/e3"
}
check bad_site_and_cost_inputs bad_site_inputs

html_self_contained() {
	h="$tmp/d/report.html"
	# no scripts, stylesheets, images or fonts from elsewhere; every chart inline
	! grep -qiE '<script|<link|<img|<iframe|src=|href=|url\(|@import' "$h" &&
	[ "$(grep -c '<svg id="chart-' "$h")" = 4 ] &&
	grep -q '</html>' "$h"
}
check report_html_self_contained html_self_contained

folder_deterministic() {
	"$capsim" run scenarios/default.xml -o "$tmp/d2" >/dev/null 2>&1 || return 1
	for f in report.html report.md summary.json trace.json timeline.csv power.csv links.csv bom.csv \
		cost.csv breakdown.csv timeline.gp power.gp cost.gp breakdown.gp; do
		cmp "$tmp/d/$f" "$tmp/d2/$f" || return 1
	done
}
check report_folder_byte_identical folder_deterministic

# An inference run's folder: its serving figures in report.html beside power and
# cost, the cost chart, its time series, and no step files (no step was simulated).
inference_folder() {
	"$capsim" run scenarios/infer-llama2-70b-xe9680.xml -o "$tmp/i" >/dev/null 2>&1 || return 1
	for f in summary.json report.md report.html bom.csv cost.csv cost.gp cost.png timeseries.csv; do
		[ -s "$tmp/i/$f" ] || { echo "missing $f"; return 1; }
	done
	for f in timeline.csv trace.json breakdown.csv; do
		[ ! -e "$tmp/i/$f" ] || { echo "unexpected $f"; return 1; }
	done
	tok=$(jnum "$tmp/i/summary.json" throughput_tokens_per_s)
	grep -q '<section id="inference"><h2>Inference serving</h2>' "$tmp/i/report.html" &&
	grep -q "fig-throughput" "$tmp/i/report.html" &&
	grep -q '<section id="power">' "$tmp/i/report.html" &&
	awk -v a="$tok" 'BEGIN { exit !(a > 0) }' &&
	grep -q "$(printf '%.4g' "$tok")" "$tmp/i/report.html"
}
check inference_report_folder inference_folder
