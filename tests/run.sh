#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The test runner behind `make check': the unit tests of every build given,
# then every integration script in tests/regress against every build's
# opdump.  Each test runs in its own scratch directory; a test prints why it
# failed, and the run ends with "N passed, N failed, N skipped".
#
# usage: tests/run.sh BUILD_DIR [BUILD_DIR ...]
# Set TESTS="pattern" to run only the scripts whose name matches.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 skip=0 failed=""
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/opdump-check.XXXXXX")
trap 'rm -rf "$tmproot"' EXIT INT TERM

# ASan: report leaks but do not let the slaves' _exit() trip it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run NAME CMD...: one test, its output kept only when it does not pass.
run() {
	name=$1
	shift
	log="$tmproot/log"
	start=$(date +%s)
	TESTTMP=$(mktemp -d "$tmproot/t.XXXXXX")
	export TESTTMP
	# restore names its scratch files after the dump date: keep each
	# test's apart from every other's.
	(cd "$TESTTMP" && TMPDIR="$TESTTMP" timeout 900 "$@") >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0)	pass=$((pass + 1)); echo "PASS  $name (${secs}s)" ;;
	77)	skip=$((skip + 1))
		echo "SKIP  $name: $(tail -n 1 "$log")" ;;
	*)	fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL  $name (exit $rc, ${secs}s)"
		sed 's/^/      | /' "$log" | tail -n 40 ;;
	esac
	rm -rf "$TESTTMP"
}

for build in "$@"; do
	build=$(cd "$build" && pwd)
	tag=$(basename "$build")
	for t in "$build"/*-test; do
		[ -x "$t" ] || continue
		run "$tag/unit/$(basename "$t")" "$t"
	done
	export OPDUMP="$build/opdump" TREECMP="$build/treecmp" TAPELS="$build/tapels"
	export RESTORE="${RESTORE:-/sbin/restore}" OPDUMP_BUILD="$build"
	for s in "$top"/tests/regress/[0-9]*.sh; do
		n=$(basename "$s" .sh)
		case $n in *${TESTS:-}*) ;; *) continue ;; esac
		run "$tag/$n" sh -c 'exec bash "$0"' "$s"
	done
done

[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
