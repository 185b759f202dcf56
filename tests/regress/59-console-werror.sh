# SPDX-License-Identifier: BSD-2-Clause
# The console's dialogs for trouble.  A write error on volume 1 is answered
# "rewrite" in its dialog: the volume is written again from its checkpoint
# and the set restores exactly.  Then a dump is aborted from the operator's
# own key: "a" opens the confirmation, a stray key does nothing, "a" and
# Enter abort; the engine stops with status 3, no engine process is left,
# and the screen says so.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

con_setup 'werror 1 2000 once\nrate 4000\n'

con_start w -- -0 -f "vtape:$lib" "$TESTTMP/img"
con_wait w "Write error on volume 1"
con_has w "[r] rewrite" "[n] next" "[a] abort" "slave 0"
con_answer w r
con_wait w "DUMP IS DONE"
con_has w "Vol 1"
con_keys w q
rc=$(con_rc w)
[ "$rc" = 0 ] || fail "rewrite: opconsole exit status $rc"
[ -f "$lib/vol001" ] && [ ! -f "$lib/vol002" ] ||
    fail "expected one volume: $(ls "$lib")"
SEQ=1
mvcheck "$lib/vol" "$src"

# Abort from the keyboard, on a slow drive so the dump is still running.
rm -f "$lib"/vol* "$lib"/.fired-*
printf 'rate 300\n' >"$lib/plan"
con_start a -- -0 -f "vtape:$lib" "$TESTTMP/img"
con_wait a "Pass IV"
con_keys a a
con_wait a "Abort the dump?"
con_keys a x
con_keys a Enter
sleep 1
con_wait a "Abort the dump?"
con_answer a a
con_wait a "Dump aborted"
con_has a "aborted by the operator"
con_keys a q
rc=$(con_rc a)
[ "$rc" = 3 ] || fail "abort: opconsole exit status $rc, not 3"
grep -q "The ENTIRE dump is aborted" "$RUNDIR"/*.log ||
    fail "the engine's log does not say it aborted"
sleep 0.5
pgrep -f -- "--control $RUNDIR/" >/dev/null &&
    fail "engine processes are left after the abort"
exit 0
