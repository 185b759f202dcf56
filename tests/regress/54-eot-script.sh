# SPDX-License-Identifier: BSD-2-Clause
# -F runs the end-of-volume script with the device name and the volume
# number as arguments, never through a shell (the prefix holds a space, a
# semicolon and a quote).  Exit 0: the next volume is ready, nobody is
# asked; 1: the operator is asked; anything else aborts the dump.

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))
script=$TESTTMP/eot
cat >"$script" <<-'EOS'
	#!/bin/sh
	printf '%s|%s\n' "$1" "$2" >>"$EOT_LOG"
	exit "$EOT_CODE"
EOS
chmod +x "$script"
export EOT_LOG=$TESTTMP/eot.log
out="$TESTTMP/vol a;b'c"

# run CODE: a two-volume dump to the same file name again and again.
run()
{
	export EOT_CODE=$1
	rm -f "$EOT_LOG" "$out"
	mvdump "$TESTTMP/eot$1.err" -0 -b 10 -B $((est * 6 / 10)) \
	    -F "$script" -f "$out"
}

run 0 || { show "$TESTTMP/eot0.err"; fail "exit 0: status $?"; }
check_done 0 "$TESTTMP/eot0.err" "script exit 0"
[ "$(cat "$EOT_LOG")" = "$out|1" ] ||
    { cat "$EOT_LOG" >&2; fail "exit 0: wrong arguments"; }
grep -q "Launching $script" "$TESTTMP/eot0.err" || fail "no Launching line"
grep -q "ready to go" "$TESTTMP/eot0.err" && fail "exit 0: the operator was asked"

echo yes >"$TESTTMP/answers"
run 1 || { show "$TESTTMP/eot1.err"; fail "exit 1: status $?"; }
check_done 0 "$TESTTMP/eot1.err" "script exit 1"
grep -q "Is the new volume mounted and ready to go?: yes" \
    "$TESTTMP/eot1.err" || fail "exit 1: the operator was not asked"
rm "$TESTTMP/answers"

run 7
rc=$?
[ $rc -eq 3 ] || { show "$TESTTMP/eot7.err"; fail "exit 7: status $rc"; }
grep -q "Dump aborted by the end of tape script" "$TESTTMP/eot7.err" ||
    fail "exit 7: no message"
exit 0
