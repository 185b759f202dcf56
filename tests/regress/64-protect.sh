# SPDX-License-Identifier: BSD-2-Clause
# Rotation safety.  Before a volume is written opdump reads what it holds
# and logs it; with a rotation policy (--policy) a dump younger than the
# policy's min-age, volume 1 of the last good level 0, or a volume of the
# set being written is not overwritten unless an operator says so on a
# terminal: -q and an answers file cannot, and the old volume is left
# byte for byte.  Without a policy such a volume only gets a warning.
# Bad policy files and labels outside the policy are refused.

. "$(dirname "$0")/lib.sh"

need tmux tmux
mvcorpus "$TESTTMP/src"
cd "$TESTTMP" || fail "cd"
printf 'set TRAIN-%%n\ncycle 3\nmin-age 7d\n' >policy

# expect LOG TEXT...: LOG has every TEXT (fixed strings).
expect()
{
	local log=$1 t

	shift
	for t; do
		grep -qF -- "$t" "$log" || { show "$log"; fail "no '$t' in $log"; }
	done
}

# An old set to protect: TRAIN-2, level 0, recorded in dumpdates.
mvdump old.err -0 -u -D dd -L TRAIN-2 -f old.dump ||
    { show old.err; fail "the first dump: exit $?"; }
cp old.dump keep.dump

# Without a policy: logged, warned, overwritten, and it restores.
cp keep.dump plain.dump
mvdump plain.err -0 -D dd -L TRAIN-1 -f plain.dump ||
    { show plain.err; fail "no policy: exit $?"; }
check_done 0 plain.err "no policy"
expect plain.err "Volume 1 (plain.dump) holds a dump: TRAIN-2 volume 1, level 0 of $TESTTMP/img on" \
    "Warning: writing volume 1 over that dump (no rotation policy protects it)"
verify "$TESTTMP/plain.dump" "$TESTTMP/src"

# A new file and a blank one are logged as holding nothing.
mvdump new.err -0 -D dd -L TRAIN-1 --policy policy -f new.dump ||
    { show new.err; fail "new file: exit $?"; }
expect new.err "Volume 1 (new.dump) holds nothing (no such file yet)"
: >blank.dump
mvdump blank.err -0 -D dd -L TRAIN-1 --policy policy -f blank.dump ||
    { show blank.err; fail "blank file: exit $?"; }
expect blank.err "Volume 1 (blank.dump) holds nothing (empty)"
# Other data is described in libmagic's words and written over.
printf '%s\n' "just some text" >text.dump
mvdump text.err -0 -D dd -L TRAIN-1 --policy policy -f text.dump ||
    { show text.err; fail "text file: exit $?"; }
expect text.err "Volume 1 (text.dump) holds other data (ASCII text)"

# With the policy: the young level 0 is protected; -q aborts.
mvdump q.err -q -0 -D dd -L TRAIN-1 --policy policy -f old.dump
rc=$?
[ $rc = 3 ] || { show q.err; fail "-q on a protected volume: exit $rc"; }
expect q.err "it is volume 1 of the last good level 0 of $TESTTMP/img: it is protected"
cmp -s old.dump keep.dump || fail "-q: the protected volume was written"

# An answers file may retry or abort but not override.
printf 'override\n' >answers
mvdump ans.err -0 -D dd -L TRAIN-1 --policy policy -f old.dump
rc=$?
[ $rc = 3 ] || { show ans.err; fail "answers file override: exit $rc"; }
expect ans.err 'unknown answer "override"' 'expected "retry" or "abort"'
cmp -s old.dump keep.dump || fail "answers file: the protected volume was written"
rm -f answers

# Younger than min-age: a dump not recorded in dumpdates.
mvdump young1.err -0 -L TRAIN-3 -D dd2 -f young.dump || fail "young dump"
cp young.dump young.keep
mvdump young.err -q -0 -D dd -L TRAIN-1 --policy policy -f young.dump
[ $? = 3 ] || { show young.err; fail "young: not refused"; }
expect young.err "the policy keeps TRAIN-3 for 7 days: it is protected"
cmp -s young.dump young.keep || fail "young: the protected volume was written"

# A volume of the set being written: one file for every volume, the
# operator says "yes" without moving volume 1 away, then gives up.
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))
printf 'yes\nretry\nabort\n' >answers
mvdump set.err -0 -b 10 -B $((est * 10 / 25)) -D dd -L TRAIN-1 \
    --policy policy -f set.dump
rc=$?
[ $rc = 3 ] || { show set.err; fail "this set: exit $rc"; }
expect set.err "Volume 2 now holds a dump: TRAIN-1 volume 1" \
    "it is volume 1 of the set being written: it is protected"
[ "$(grep -c 'it is volume 1 of the set being written' set.err)" -ge 2 ] ||
    { show set.err; fail "this set: retry did not look again"; }
rm -f answers

# On a terminal: "no" to retrying and aborting, "yes" to overwriting.
SOCK=$TESTTMP/tmux.sock
at_exit tmux -S "$SOCK" kill-server
tmux -S "$SOCK" new-session -d -x 200 -y 50 -s tty \
    "cd '$TESTTMP' && env -u OPDUMP_ANSWERS timeout --foreground 120 \
    '$OPDUMP' -0 -D dd -L TRAIN-1 --policy policy -f old.dump '$TESTTMP/img' \
    2>tty.err; echo \$? >tty.rc; sleep 600" || fail "cannot start tmux"
for q in "Is another volume mounted now?" "Do you want to abort dump?" \
    "Do you want to overwrite this protected volume?"; do
	for ((i = 0; i < 200; i++)); do
		grep -qF "$q" tty.err 2>/dev/null && break
		sleep 0.1
	done
	grep -qF "$q" tty.err || { show tty.err; fail "tty: no '$q'"; }
	case $q in
	*overwrite*) tmux -S "$SOCK" send-keys -t tty yes Enter ;;
	*) tmux -S "$SOCK" send-keys -t tty no Enter ;;
	esac
done
[ "$(wait_rc tty.rc)" = 0 ] || { show tty.err; fail "tty override: exit status"; }
check_done 0 tty.err "tty override"
expect tty.err "Volume 1: overwritten on the operator's word (it is volume 1 of the last good level 0"
verify "$TESTTMP/old.dump" "$TESTTMP/src"

# Bad policies and labels are refused before anything is read.
bad()
{
	local what=$1 text=$2

	shift 2
	printf '%b' "$what" >bad.policy
	timeout 60 "$OPDUMP" -0 -L TRAIN-1 --policy bad.policy -f bad.out \
	    img </dev/null >/dev/null 2>bad.err
	rc=$?
	[ $rc = 1 ] || { show bad.err; fail "policy '$what': exit $rc"; }
	expect bad.err "$text"
	[ ! -e bad.out ] || fail "policy '$what': the output was written"
}
bad 'set X-%n\nmin-age 2d\n' "bad.policy:1: set X-%n numbers its sets (%n) but has no cycle"
bad 'set TRAIN-%n\ncycle 3\n' "bad.policy:1: set TRAIN-%n has no min-age"
bad 'cycle 3\n' 'bad.policy:1: "cycle" before any "set" line'
bad 'set TRAIN-%n\ncycle 3\nmin-age 2y\n' 'bad.policy:3: min-age "2y"'
bad 'set TRAIN-%n\ncycle 0\n' 'bad.policy:2: cycle "0"'
bad 'set TRAIN-%n\nkeep 3\n' 'bad.policy:2: unknown keyword "keep"'
bad '# nothing\n' "bad.policy: no \"set\" line"
bad 'set TRAIN-%n extra\n' 'bad.policy:1: "set" takes one value'
printf 'set TRAIN-%%n\ncycle 3\nmin-age 7d\n' >bad.policy
for l in TRAIN-4 TRAIN-0 TRAIN-01 WEEK; do
	timeout 60 "$OPDUMP" -0 -L $l --policy bad.policy -f bad.out img \
	    </dev/null >/dev/null 2>bad.err
	[ $? = 1 ] || fail "label $l: accepted"
	expect bad.err "Label \"$l\" is not a set of the rotation policy bad.policy (TRAIN-1 .. TRAIN-3)"
done
timeout 60 "$OPDUMP" -0 --policy bad.policy -f bad.out img </dev/null \
    >/dev/null 2>bad.err
[ $? = 1 ] || fail "no label: accepted"
expect bad.err "give this set's label with -L"
timeout 60 "$OPDUMP" -0 -L X --policy missing.policy -f bad.out img \
    </dev/null >/dev/null 2>bad.err
[ $? = 1 ] || fail "missing policy: accepted"
expect bad.err "Cannot read the rotation policy missing.policy: No such file or directory"
exit 0
