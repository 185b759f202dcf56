# SPDX-License-Identifier: BSD-2-Clause
# opconsole --training: every scenario in contrib/training runs end to end
# under tmux, answered correctly with scripted keys, and ends on the
# debrief screen with a report that lists each question, the trainee's
# answer and its response time, no mistakes, and a set that restore
# rebuilds exactly.  Then wrong answers are graded as mistakes (override
# of the protected volume, abort of a write error that a rewrite gets
# past), and bad scenario files are refused with their file and line.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console.sh"

SCEN=$TOPDIR/contrib/training
# Training engines listen in their own scratch directory's run/.
at_exit 'pkill -KILL -f -- "--control $TESTTMP/"'

# tr_start NAME SCENARIO: the scenario's training in session NAME, its
# scratch directory $TESTTMP/NAME, its report copied to $TESTTMP/NAME.txt.
tr_start()
{
	con_start "$1" -- --training "$SCEN/$2.scenario" \
	    --scratch "$TESTTMP/$1" --report "$TESTTMP/$1.txt"
}

# tr_mount NAME VOLUME...: answer yes to each volume's mount dialog, which
# names the set's label and the volume.
tr_mount()
{
	local name=$1 v

	shift
	for v; do
		con_wait "$name" "Mount TRAIN-1 volume $v"
		con_answer "$name" y
	done
}

# tr_passed NAME QUESTIONS RC: the debrief says passed, the report has
# QUESTIONS questions all answered by the trainee with a time, no mistakes,
# an exact restore; q leaves with status RC and prints the report's path.
tr_passed()
{
	local name=$1 nq=$2 r=$TESTTMP/$1/report.txt rc

	con_wait "$name" "Training debrief" 120
	con_has "$name" "PASSED, 0 mistakes; the set restores exactly" \
	    "Report: $r"
	[ -s "$r" ] || fail "$name: no report at $r"
	cmp -s "$r" "$TESTTMP/$name.txt" || fail "$name: --report copy differs"
	grep -q "^Questions and answers ($nq)\$" "$r" ||
	    { cat "$r" >&2; fail "$name: not $nq questions in the report"; }
	[ "$(grep -cE '^     Answer: [a-z]+, by trainee, after [0-9]+\.[0-9] s$' \
	    "$r")" = "$nq" ] ||
	    { cat "$r" >&2; fail "$name: answers or response times missing"; }
	grep -Eq "^Answers:  $nq, in [0-9]+\.[0-9] s on average; the slowest" \
	    "$r" &&
	grep -q '^Mistakes (0)$' "$r" &&
	    grep -q '^Restore:  restores exactly: [0-9]* files' "$r" &&
	    grep -q '^Verdict:  PASSED' "$r" ||
	    { cat "$r" >&2; fail "$name: the report does not say passed"; }
	con_keys "$name" q
	rc=$(con_rc "$name")
	[ "$rc" = "$3" ] || fail "$name: opconsole exit status $rc, not $3"
	con_screen "$name" | grep -qF "training report: $r" ||
	    fail "$name: the report's path is not printed on exit"
}

# A clean three-volume dump: two volume changes.
tr_start clean clean-3-volumes
con_wait clean "Mount TRAIN-1 volume 2"
con_keys clean d		# no detach in training: the dialog stays
sleep 0.5
con_wait clean "d would leave the dump without its debrief"
tr_mount clean 2 3
tr_passed clean 2 0
grep -q '(exit 0), 3 volumes (the scenario plans 3)' "$TESTTMP/clean.txt" ||
    fail "clean: not three volumes"
ls "$TESTTMP/clean/library/vol003" >/dev/null || fail "clean: no vol003"

# Early end of media: volume 2 ends short, a fourth volume is needed.
tr_start eom early-eom
tr_mount eom 2 3 4
tr_passed eom 3 0
grep -q '4 volumes' "$TESTTMP/eom.txt" || fail "eom: not four volumes"
grep -q '^  Vol 2     400 KiB .* ended early: 400 of 1200 KiB$' "$TESTTMP/eom.txt" ||
    { cat "$TESTTMP/eom.txt" >&2; fail "eom: volume 2 is not shown short"; }

# A write error on volume 1: rewrite, then the volume change.
tr_start werr write-error
con_wait werr "Write error on volume 1"
con_answer werr r
tr_mount werr 2
tr_passed werr 2 0
grep -A4 '1\. at .*write, volume 1' "$TESTTMP/werr.txt" |
    grep -q 'Answer: rewrite, by trainee' ||
    fail "werr: the write error's answer is not in the report"

# A protected volume in slot 2: the mount dialog says what it holds, the
# protect dialog is answered retry, the robot shelves the cartridge and
# the dump goes on onto a blank one.
tr_start prot protected-volume
con_wait prot "Mount TRAIN-1 volume 2"
con_has prot "On the device now: a dump: TRAIN-2 volume 1, level 0" \
    "PROTECTED ("
con_answer prot y
con_wait prot "Volume 2 holds a protected dump"
con_has prot "[r] retry" "[o] override" "[a] abort"
con_answer prot r
tr_passed prot 2 0
r=$TESTTMP/prot.txt
grep -q '^     Answer: retry, by trainee' "$r" &&
    grep -q '^     Protected: lastfull\|^     Protected: young' "$r" &&
    grep -q 'training: the cartridge in slot 2 went to the shelf' "$r" ||
    { cat "$r" >&2; fail "prot: the retry and the swap are not reported"; }
ls "$TESTTMP"/prot/shelf/vol002.* >/dev/null 2>&1 ||
    fail "prot: the protected cartridge is not on the shelf"
"$RESTORE" -t -f "$(ls "$TESTTMP"/prot/shelf/vol002.*)" </dev/null \
    2>/dev/null | grep -q 'archive.bin' ||
    fail "prot: the shelved cartridge no longer holds its dump"

# The same, answered override: the earlier dump is lost, a mistake.
tr_start over protected-volume
tr_mount over 2
con_wait over "Volume 2 holds a protected dump"
con_answer over o
con_wait over "Training debrief" 120
con_has over "NOT PASSED, 1 mistake; the set restores exactly"
r=$TESTTMP/over/report.txt
grep -q '^     MISTAKE: overwrote a protected volume' "$r" &&
    grep -q '^Verdict:  NOT PASSED: 1 mistake, and the set restores exactly' \
    "$r" || { cat "$r" >&2; fail "over: the override is not a mistake"; }
con_keys over q
rc=$(con_rc over)
[ "$rc" = 0 ] || fail "over: opconsole exit status $rc, not 0"

# The write error answered abort: a mistake, and no set to restore.
tr_start wrong write-error
con_wait wrong "Write error on volume 1"
con_answer wrong a
con_wait wrong "Training debrief" 120
con_has wrong "NOT PASSED, 1 mistake; the set was not finished"
r=$TESTTMP/wrong/report.txt
grep -q 'MISTAKE: aborted a dump that could go on; the answer was rewrite' "$r" &&
    grep -q '^Mistakes (1)$' "$r" &&
    grep -q '^  - question 1 (write): aborted a dump' "$r" &&
    grep -q '^Restore:  not tried' "$r" &&
    grep -q '^Verdict:  NOT PASSED' "$r" ||
    { cat "$r" >&2; fail "wrong: the abort is not graded as a mistake"; }
con_keys wrong q
rc=$(con_rc wrong)
[ "$rc" = 3 ] || fail "wrong: opconsole exit status $rc, not 3"

# Bad scenario files: refused with file:line, before anything is built.
bad=$TESTTMP/bad.scenario
check_bad()
{
	local want=$1 out rc=0

	out=$("$OPCONSOLE" --training "$bad" --scratch "$TESTTMP/bad" 2>&1) ||
	    rc=$?
	[ "$rc" = 1 ] || fail "bad scenario ($want): exit status $rc"
	case $out in
	*"$bad:$want"*) ;;
	*) fail "bad scenario: '$out' does not say '$bad:$want'" ;;
	esac
	[ ! -e "$TESTTMP/bad" ] || fail "bad scenario: a scratch dir was made"
}
printf 'name x\nseed 1\ncapacity 0 1200\n' >"$bad"
check_bad "3: capacity: '0' is not a volume"
printf 'name x\n\n# fine\nwerror 1 300 sometimes\n' >"$bad"
check_bad "4: werror: 'sometimes' is neither once nor always"
printf 'name x\ndata 3X\n' >"$bad"
check_bad "2: data wants a size"
printf 'name x\nfrobnicate 3\n' >"$bad"
check_bad "2: unknown keyword 'frobnicate'"
printf 'seed 2\n' >"$bad"
check_bad "1: no name line"
printf 'name x\nprotect 2 TRAIN-2\n' >"$bad"
check_bad "2: protect needs a rotation policy"
out=$("$OPCONSOLE" --training "$TESTTMP/none.scenario" 2>&1) &&
    fail "a missing scenario file is accepted"
case $out in *"none.scenario: No such file"*) ;;
*) fail "missing scenario: '$out'" ;; esac
exit 0
