#!/bin/sh
# browser_test.sh -- report.html in a real browser: headless Chromium (Debian's
# chromium package; `make test` installs it through tools/deps.sh --test) loads the
# default scenario's report, and the rendered DOM must hold the key figures of
# summary.json and the four SVG charts with their shapes; a screenshot must come
# out as a PNG of a full page. Prints "ok NAME" or "FAIL NAME" per case.
set -u
capsim=${CAPSIM:-bin/capsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, then a command that must succeed
	name=$1; shift
	if "$@" >"$tmp/log" 2>&1; then echo "ok $name"; else echo "FAIL $name"; cat "$tmp/log"; fi
}

jnum() { sed -n "s/.*\"$2\": \([-0-9.e+]*\).*/\1/p" "$1" | head -1; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "FAIL browser_renders_report: chromium not found (run: sh tools/deps.sh --test as root, or apt-get install chromium)"
	exit 0
fi
# --no-sandbox: the tests may run as root in a container, where the sandbox cannot start
flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir=$tmp/profile"

"$capsim" run scenarios/default.xml -o "$tmp/r" >/dev/null 2>&1
page="file://$(cd "$tmp/r" && pwd)/report.html"

rendered_dom() {
	timeout 120 "$browser" $flags --dump-dom "$page" >"$tmp/dom.html" 2>"$tmp/chromium.err" || { tail -3 "$tmp/chromium.err"; return 1; }
	j="$tmp/r/summary.json"
	# key figures as the page prints them, from summary.json
	it=$(printf '%.1f' "$(jnum "$j" it_peak_kw)"); fac=$(printf '%.1f' "$(jnum "$j" facility_peak_kw)")
	mwh=$(printf '%.1f' "$(jnum "$j" energy_mwh)"); co2=$(printf '%.1f' "$(jnum "$j" co2_t)")
	capex=$(awk -v v="$(jnum "$j" capex_usd)" 'BEGIN { printf "%.2f", v / 1e6 }')
	tco=$(awk -v v="$(jnum "$j" tco_usd)" 'BEGIN { printf "%.2f", v / 1e6 }')
	for pair in "fig-it-peak:$it" "fig-facility-peak:$fac" "fig-energy:$mwh" "fig-co2:$co2" \
		"fig-capex:$capex" "fig-tco:$tco" "fig-racks:3"; do
		id=${pair%%:*}; v=${pair#*:}
		grep -q "id=\"$id\"><div class=\"label\">[^<]*</div><div class=\"value\">$v</div>" "$tmp/dom.html" ||
			{ echo "$id: $v not in the rendered page"; return 1; }
	done
	for c in chart-timeline chart-breakdown chart-power chart-cost; do
		grep -q "<svg id=\"$c\"" "$tmp/dom.html" || { echo "no $c"; return 1; }
	done
	rects=$(grep -o '<rect ' "$tmp/dom.html" | wc -l)
	lines=$(grep -o '<polyline ' "$tmp/dom.html" | wc -l)
	[ "$rects" -gt 50 ] && [ "$lines" = 2 ] || { echo "$rects rects, $lines polylines"; return 1; }
	grep -q 'id="rack-violation"' "$tmp/dom.html" && grep -q '<b>2 racks</b>' "$tmp/dom.html"
}
check browser_dom_has_figures_and_charts rendered_dom

screenshot() {
	timeout 120 "$browser" $flags --window-size=1300,2400 --screenshot="$tmp/shot.png" "$page" \
		>/dev/null 2>"$tmp/chromium.err" || { tail -3 "$tmp/chromium.err"; return 1; }
	[ "$(head -c 4 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e47" ] || return 1
	# a rendered page with charts compresses to far more than a blank one (~14 kB)
	[ "$(wc -c <"$tmp/shot.png")" -gt 60000 ]
}
check browser_screenshot_png screenshot
