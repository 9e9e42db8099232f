#!/bin/sh
# deps.sh [--test] -- checks the build and run dependencies (with --test also what
# the tests need: chromium for the browser test) and, as root with apt-get,
# installs what is missing. Exits non-zero with a message naming what is missing.
set -u
PKGS="build-essential pkg-config libgsl-dev libxml2-dev libxml2-utils gnuplot-nox libopenmpi-dev openmpi-bin"
TEST=0
[ "${1:-}" = "--test" ] && TEST=1 && PKGS="$PKGS chromium"

missing() {
	m=""
	command -v cc >/dev/null 2>&1 || m="$m build-essential"
	command -v pkg-config >/dev/null 2>&1 || m="$m pkg-config"
	pkg-config --exists gsl 2>/dev/null || m="$m libgsl-dev"
	pkg-config --exists libxml-2.0 2>/dev/null || m="$m libxml2-dev"
	command -v xmllint >/dev/null 2>&1 || m="$m libxml2-utils"
	command -v gnuplot >/dev/null 2>&1 || m="$m gnuplot-nox"
	command -v mpicc >/dev/null 2>&1 || m="$m libopenmpi-dev openmpi-bin"
	if [ "$TEST" = 1 ]; then
		command -v chromium >/dev/null 2>&1 || m="$m chromium"
	fi
	echo "$m"
}

m=$(missing)
[ -z "$m" ] && exit 0
echo "deps: missing Debian packages:$m"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing them with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -qq && apt-get install -y -qq $PKGS >/dev/null; }; then
		echo "deps: apt-get could not install:$m" >&2
		exit 1
	fi
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "deps: still missing after apt-get:$m" >&2
	exit 1
fi
echo "deps: cannot install them here (need root and apt-get). Run as root:" >&2
echo "  apt-get install -y $PKGS" >&2
exit 1
