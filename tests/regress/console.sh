# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the console tests: opconsole runs in a tmux session of its
# own (80x24 unless told otherwise), the test types keys and reads the
# screen with capture-pane.  Sourced after lib.sh.

need tmux tmux
OPCONSOLE=${OPCONSOLE:-$(dirname "$OPDUMP")/opconsole}
[ -x "$OPCONSOLE" ] || fail "no opconsole at $OPCONSOLE"
TSOCK=$TESTTMP/tmux.sock
at_exit tmux -S "$TSOCK" kill-server
RUNDIR=$TESTTMP/run
mkdir -m 700 -p "$RUNDIR" || fail "mkdir $RUNDIR"
at_exit 'pkill -KILL -f -- "--control $RUNDIR/"'

# con_setup PLAN: the multi-volume corpus in $src, its image, and an empty
# library $lib whose plan is PLAN (printf format).
con_setup()
{
	src=$TESTTMP/tree
	mvcorpus "$src"
	lib=$TESTTMP/lib
	mkdir "$lib" || fail "mkdir $lib"
	# shellcheck disable=SC2059 # the plan is the format
	printf "$1" >"$lib/plan"
}

# con_start NAME [WIDTH HEIGHT] -- ARGS...: opconsole ARGS in session NAME;
# its exit status goes to $TESTTMP/NAME.rc.
con_start()
{
	local name=$1 w=80 h=24

	shift
	if [ "$1" != -- ]; then
		w=$1 h=$2
		shift 2
	fi
	shift
	rm -f "$TESTTMP/$name.rc"
	tmux -S "$TSOCK" new-session -d -x "$w" -y "$h" -s "$name" \
	    "cd '$TESTTMP' && env OPDUMP_RUNDIR='$RUNDIR' OPDUMP='$OPDUMP' \
	    TERM=${CON_TERM:-xterm} ${CON_ENV:-} \
	    timeout --foreground 300 '$OPCONSOLE' $*; \
	    echo \$? >'$TESTTMP/$name.rc'; sleep 600" ||
	    fail "cannot start tmux"
}

con_screen()
{
	tmux -S "$TSOCK" capture-pane -p -J -t "$1" 2>/dev/null
}

# con_wait NAME TEXT [SECS]: wait until the screen shows TEXT (a fixed
# string); the screen is left in $TESTTMP/NAME.screen.
con_wait()
{
	local name=$1 text=$2 secs=${3:-60} i

	for ((i = 0; i < secs * 10; i++)); do
		con_screen "$name" >"$TESTTMP/$name.screen"
		grep -qF -- "$text" "$TESTTMP/$name.screen" && return 0
		sleep 0.1
	done
	echo "--- screen of $name:" >&2
	cat "$TESTTMP/$name.screen" >&2
	fail "$name: no '$text' on the screen after $secs s"
}

# con_has NAME TEXT...: the last screen shows every TEXT.
con_has()
{
	local name=$1 t

	shift
	for t; do
		grep -qF -- "$t" "$TESTTMP/$name.screen" || {
			cat "$TESTTMP/$name.screen" >&2
			fail "$name: '$t' is not on the screen"
		}
	done
}

con_keys()
{
	tmux -S "$TSOCK" send-keys -t "$1" "${@:2}"
}

# con_rc NAME: opconsole's exit status once it has left.
con_rc()
{
	wait_rc "$TESTTMP/$1.rc"
}

# con_answer NAME KEY: pick a choice in the open dialog and confirm it.
con_answer()
{
	con_keys "$1" "$2"
	sleep 0.2
	con_keys "$1" Enter
}
