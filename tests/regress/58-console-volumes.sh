# SPDX-License-Identifier: BSD-2-Clause
# opconsole runs a three-volume dump to the virtual tape library at 80x24
# on a terminal without colour (TERM=vt100, NO_COLOR).  Each volume change
# is a dialog titled with the label and the volume ("Mount weekly volume
# 2"): the screen shows the slave rows, the volume numbers, the ETA
# and the dialog's text; stray keys (Enter, space, a letter that is not a
# choice) answer nothing; "y" then Enter mounts the next volume.  At the
# end the history lists the three volumes, "q" leaves with status 0 and
# the set restores exactly.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

con_setup 'capacity 3600\nrate 3000\n'

CON_TERM=vt100 CON_ENV="NO_COLOR=1" \
    con_start c -- -0 -L weekly -f "vtape:$lib" "$TESTTMP/img"
con_wait c "Mount weekly volume 2"
con_has c "slave 0" "slave 1" "slave 2" "Volume 1" "ETA" "[y] yes" \
    "[a] abort" "Pass IV" "weekly" "$lib/vol002"
# The slave rows carry a pid and a state word.
grep -Eq 'slave 0 +pid [1-9][0-9]* +(idle|reading|waiting|writing|eom)' \
    "$TESTTMP/c.screen" || { cat "$TESTTMP/c.screen" >&2;
    fail "slave row without pid and state"; }

# Stray keys do not answer.
con_keys c Enter
con_keys c Space
con_keys c x
sleep 1
con_wait c "Mount weekly volume 2"
[ ! -e "$lib/vol002" ] || fail "a stray key answered the dialog"

con_answer c y
con_wait c "Mount weekly volume 3"
con_has c "Volume 2" "Vol 1"
con_answer c y
con_wait c "DUMP IS DONE"
con_has c "Vol 1" "Vol 2" "Vol 3"
[ -s "$TESTTMP/c.rc" ] && fail "opconsole left before q"
con_keys c q
rc=$(con_rc c)
[ "$rc" = 0 ] || fail "opconsole exit status $rc, not 0"
[ -f "$lib/vol003" ] && [ ! -f "$lib/vol004" ] ||
    fail "expected 3 volumes: $(ls "$lib")"
grep -q "DUMP IS DONE" "$RUNDIR"/*.log || fail "no engine log in $RUNDIR"
ls "$RUNDIR"/*.sock >/dev/null 2>&1 && fail "the socket was left behind"
SEQ=1
mvcheck "$lib/vol" "$src"
exit 0
