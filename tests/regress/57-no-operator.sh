# SPDX-License-Identifier: BSD-2-Clause
# A question with nobody to answer it: without a terminal (and no answers
# file) the dump aborts at once with the question in the message, and -q
# aborts as dump does; neither waits.

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))

mvdump "$TESTTMP/notty.err" -0 -b 10 -B $((est * 6 / 10)) \
    -f "$TESTTMP/vol"
rc=$?
[ $rc -eq 3 ] || { show "$TESTTMP/notty.err"; fail "no tty: exit $rc"; }
grep -q 'Cannot ask the operator "Is the new volume mounted and ready to go?": no terminal' \
    "$TESTTMP/notty.err" || { show "$TESTTMP/notty.err"; fail "no tty: message"; }

mvdump "$TESTTMP/q.err" -0 -q -b 10 -B $((est * 6 / 10)) -f "$TESTTMP/vol"
rc=$?
[ $rc -eq 3 ] || { show "$TESTTMP/q.err"; fail "-q: exit $rc"; }
grep -q "Is the new volume mounted and ready to go? - forced abort" \
    "$TESTTMP/q.err" || { show "$TESTTMP/q.err"; fail "-q: message"; }
grep -q "DUMP IS DONE" "$TESTTMP/q.err" && fail "-q: claims success"
exit 0
