# SPDX-License-Identifier: BSD-2-Clause
# The operator's questions on a real terminal: a two-volume dump runs in a
# tmux pane, the test types the answers and reads the screen.  A reply that
# is neither yes nor no is refused, "no" moves on to the next question, an
# unanswered question comes back (OPDUMP_ALERT_SECS=2), "yes" goes on and
# "abort" aborts.  The dump also runs without a terminal, where it must
# give up at once instead of waiting.

. "$(dirname "$0")/lib.sh"

need tmux tmux
SOCK=$TESTTMP/tmux.sock
at_exit tmux -S "$SOCK" kill-server

src=$TESTTMP/tree
mkdir -p "$src" || fail "mkdir $src"
rnd 3000000 >"$src/big"
rnd 1000 >"$src/small"
img=$TESTTMP/img
mkimage "$src" "$img" ext4
# 2000 records of 1 KiB: the 3 MB tree needs a second volume.
ARGS="-0 -B 2000 -f $TESTTMP/vol $img"

# The screen so far, wrapped lines joined.
screen()
{
	tmux -S "$SOCK" capture-pane -p -J -S - -t "$1" 2>/dev/null
}

# wait_for PANE TEXT [COUNT [LINES]]: wait until one of the last LINES
# (default 1) lines on the screen has TEXT (a fixed string) and TEXT is
# there at least COUNT times.  A dump that ends first fails or, if it does
# not ask for volumes yet, skips.
wait_for()
{
	local pane=$1 text=$2 count=${3:-1} lines=${4:-1} i

	for ((i = 0; i < 200; i++)); do
		screen "$pane" >"$TESTTMP/$pane.screen"
		sed '/^$/d' "$TESTTMP/$pane.screen" | tail -n "$lines" |
		    grep -qF -- "$text" &&
		    [ "$(grep -cF -- "$text" "$TESTTMP/$pane.screen")" -ge \
		    "$count" ] && return 0
		if [ -s "$TESTTMP/$pane.rc" ]; then
			grep -q 'not supported yet' "$TESTTMP/$pane.screen" &&
			    skip "opdump does not ask for the next volume yet"
			show "$TESTTMP/$pane.screen"
			fail "$pane: the dump ended before '$text'"
		fi
		sleep 0.1
	done
	show "$TESTTMP/$pane.screen"
	fail "$pane: no '$text' (x$count) at the end of the screen after 20 s"
}

# start PANE: run the dump in a new tmux session named PANE; its exit
# status goes to $TESTTMP/PANE.rc.
start()
{
	rm -f "$TESTTMP/vol" "$TESTTMP/$1.rc"
	tmux -S "$SOCK" new-session -d -x 200 -y 50 -s "$1" \
	    "cd '$TESTTMP' && env -u OPDUMP_ANSWERS OPDUMP_ALERT_SECS=2 \
	    timeout --foreground 120 '$OPDUMP' $ARGS; echo \$? >'$TESTTMP/$1.rc'; sleep 600" ||
	    fail "cannot start tmux"
}

answer()
{
	tmux -S "$SOCK" send-keys -t "$1" "$2" Enter
}

# The exit status of the dump in PANE, once it has finished.
status()
{
	wait_rc "$TESTTMP/$1.rc"
}

MOUNT='Is the new volume mounted and ready to go?: ("yes" or "no")'
ABORT='Do you want to abort?: ("yes" or "no")'

start go
wait_for go "$MOUNT"
answer go maybe
wait_for go '  DUMP: "Yes" or "No"?' 1 2
wait_for go "$MOUNT" 2
answer go no
wait_for go "$ABORT"
answer go n
wait_for go "$MOUNT"
# Left unanswered, the question comes again.
n=$(screen go | grep -cF -- "$MOUNT")
wait_for go "$MOUNT" $((n + 1))
answer go yes
rc=$(status go)
screen go >"$TESTTMP/go.screen"
[ "$rc" = 0 ] || { show "$TESTTMP/go.screen"; fail "dump after yes: exit $rc"; }
grep -qF '  DUMP: DUMP IS DONE' "$TESTTMP/go.screen" ||
    { show "$TESTTMP/go.screen"; fail "no DUMP IS DONE after yes"; }
grep -qF 'Volume 2 started' "$TESTTMP/go.screen" ||
    { show "$TESTTMP/go.screen"; fail "no volume 2 after yes"; }

start stop
wait_for stop "$MOUNT"
answer stop no
wait_for stop "$ABORT"
answer stop Yes
rc=$(status stop)
screen stop >"$TESTTMP/stop.screen"
[ "$rc" = 3 ] || { show "$TESTTMP/stop.screen"; fail "abort: exit $rc, not 3"; }

# Without a controlling terminal: no question, an abort at once.
timeout 60 setsid "$OPDUMP" $ARGS </dev/null >/dev/null 2>"$TESTTMP/notty.err"
rc=$?
grep -q 'not supported yet' "$TESTTMP/notty.err" &&
    skip "opdump does not ask for the next volume yet"
[ $rc -eq 3 ] || { show "$TESTTMP/notty.err"; fail "no terminal: exit $rc"; }
grep -qF 'Cannot ask the operator "Is the new volume mounted and ready to go?": no terminal' \
    "$TESTTMP/notty.err" || { show "$TESTTMP/notty.err"; fail "no terminal: no message"; }
exit 0
