# SPDX-License-Identifier: BSD-2-Clause
# A write error in volume 2, answered three ways: "rewrite" (the volume is
# written again from its checkpoint), "next" (the rest goes on volume 3),
# and "abort" (exit 3, a clear message, no volume reported complete after
# the error, no DUMP IS DONE).

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))
cap=$((est * 10 / 25))

# run NAME ANSWERS...: a dump with a write error 77 KiB into volume 2.
run()
{
	local name=$1 lib=$TESTTMP/$1

	shift
	mkdir "$lib"
	printf 'capacity %s\nwerror 2 77\n' $cap >"$lib/plan"
	printf '%s\n' "$@" >"$TESTTMP/answers"
	mvdump "$TESTTMP/$name.err" -0 --verify -b 10 -f "vtape:$lib"
}

run rewrite yes rewrite yes yes yes ||
    { show "$TESTTMP/rewrite.err"; fail "rewrite: exit status $?"; }
check_done 0 "$TESTTMP/rewrite.err" "rewrite"
grep -q "write error 70 blocks into volume 2: Input/output error" \
    "$TESTTMP/rewrite.err" || { show "$TESTTMP/rewrite.err";
    fail "rewrite: no write error message"; }
grep -q "this dump volume will be rewritten" "$TESTTMP/rewrite.err" ||
    fail "rewrite: not rewritten"
mvcheck "$TESTTMP/rewrite/vol" "$TESTTMP/src"

run next yes next yes yes yes ||
    { show "$TESTTMP/next.err"; fail "next: exit status $?"; }
check_done 0 "$TESTTMP/next.err" "next"
mvcheck "$TESTTMP/next/vol" "$TESTTMP/src"

run abort yes abort
rc=$?
[ $rc -eq 3 ] || { show "$TESTTMP/abort.err"; fail "abort: exit $rc, not 3"; }
grep -q "write error .* into volume 2" "$TESTTMP/abort.err" ||
    fail "abort: the error is not named"
grep -q "The ENTIRE dump is aborted" "$TESTTMP/abort.err" ||
    fail "abort: no abort line"
grep -q "Volume 2 completed\|DUMP IS DONE" "$TESTTMP/abort.err" &&
    { show "$TESTTMP/abort.err"; fail "abort: a volume claims to be complete"; }
exit 0
