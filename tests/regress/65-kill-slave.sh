# SPDX-License-Identifier: BSD-2-Clause
# A slave killed mid-dump: the dump stops with exit 3 and a message naming
# the slave and the signal, does not hang, and leaves no process behind.

. "$(dirname "$0")/lib.sh"

mkdir -p "$TESTTMP/tree"
for i in 1 2 3 4; do rnd $((8 * 1024 * 1024)) >"$TESTTMP/tree/big$i"; done
mkimage "$TESTTMP/tree" "$TESTTMP/img" ext4 -b 4096

# Nobody reads the FIFO (the test holds it open), so the ring fills and
# waits: the kill comes mid-dump whatever the machine's speed.
mkfifo "$TESTTMP/fifo"
exec 3<>"$TESTTMP/fifo"
"$OPDUMP" -0 -f "$TESTTMP/fifo" "$TESTTMP/img" 2>"$TESTTMP/err" &
master=$!
# A hang would be a failure: the watchdog ends it.
(sleep 60; kill -KILL $master) 2>/dev/null &
watchdog=$!
at_exit kill $watchdog
# opdump waits as the checkpoint of volume 1; its child writes the volume
# and the slaves are the writer's children.
for i in $(seq 100); do
	writer=$(pgrep -P $master | head -n 1)
	[ -n "$writer" ] && [ "$(pgrep -P "$writer" | grep -c .)" -ge 3 ] &&
	    break
	sleep 0.1
done
victim=$(pgrep -P "$writer" | sed -n 2p)
[ -n "$victim" ] || fail "no slave processes found under opdump ($master)"
kill -KILL "$victim"
wait $master
rc=$?
exec 3<&-
[ $rc -eq 3 ] || { show "$TESTTMP/err"; fail "exit status $rc, not 3"; }
grep -q "slave [0-9] (pid $victim) died: Killed" "$TESTTMP/err" ||
    { show "$TESTTMP/err"; fail "the message does not name the dead slave"; }
grep -q "The ENTIRE dump is aborted" "$TESTTMP/err" ||
    { show "$TESTTMP/err"; fail "no abort line"; }
left=$(for p in $(pgrep -x opdump); do
	[ "$(readlink /proc/$p/exe 2>/dev/null)" = "$(readlink -f "$OPDUMP")" ] &&
	    grep -q "$TESTTMP/img" /proc/$p/cmdline && echo $p
done)
[ -z "$left" ] || fail "processes left behind: $left"
exit 0
