# SPDX-License-Identifier: BSD-2-Clause
# --status-fd: a three-volume dump to the virtual tape library, answered
# from a file, writes its state to descriptor 3 as protocol lines.  Every
# line is well formed; the stream starts with hello, shows pass IV (pass
# III by its message), three slaves with pids, the volumes being written
# and then finished, both questions with their answers, the engine's messages, and
# ends with "190 end status=0"; the set restores exactly.  A dump that
# cannot start ends its stream with status 1, and bad --status-fd values
# are refused.

. "$(dirname "$0")/lib.sh"

src=$TESTTMP/tree
mvcorpus "$src"
lib=$TESTTMP/lib
mkdir "$lib" || fail "mkdir $lib"
printf "capacity 3600\nrate 3000\n" >"$lib/plan"  # slow enough to sample
printf 'yes\nyes\n' >"$TESTTMP/answers"
st=$TESTTMP/status

mvdump "$TESTTMP/log" -0 --slaves 3 -f "vtape:$lib" --status-fd 3 3>"$st" ||
    { show "$TESTTMP/log"; fail "the dump failed"; }
[ -f "$lib/vol003" ] && [ ! -f "$lib/vol004" ] ||
    fail "expected 3 volumes: $(ls "$lib")"

# Every line: a type, a name, key=value fields with no raw spaces.
bad=$(grep -Evc '^[0-9]{3} [a-z]+( [a-z_0-9]+=[^ ]*)*$' "$st")
[ "$bad" = 0 ] || { grep -Ev '^[0-9]{3} [a-z]+( [a-z_0-9]+=[^ ]*)*$' "$st" |
    head -3 >&2; fail "$bad malformed status lines"; }
head -n 1 "$st" | grep -q '^100 hello version=1 ' || fail "no hello first"
grep -q "^100 hello .*device=$TESTTMP/img" "$st" || fail "hello: no device"
grep -q '^100 hello .*volname=opdump-test\|^100 hello .* nslaves=3' "$st" ||
    fail "hello: no slaves"
# Pass III may be over between two samples; its message is in the log.
grep -q "^110 status .*pass=4 " "$st" || fail "no status in pass IV"
grep -q "^150 log .*(Pass%20III)" "$st" || fail "no pass III message"

for n in 0 1 2; do
	grep -Eq "^120 slave n=$n pid=[1-9][0-9]* " "$st" ||
	    fail "no row for slave $n"
done
for v in 1 2 3; do
	grep -q "^130 tape volume=$v device=$lib/vol00$v " "$st" ||
	    fail "no tape line for volume $v"
	grep -Eq "^140 volume volume=$v device=$lib/vol00$v .*records=[1-9]" \
	    "$st" || fail "no history row for volume $v"
done
grep -q '^200 question id=1 kind=mount volume=2 .*c0=yes c1=abort' "$st" ||
    fail "no question for volume 2"
grep -q '^200 question id=2 kind=mount volume=3 ' "$st" ||
    fail "no question for volume 3"
[ "$(grep -c '^210 answered id=[12] choice=yes by=answers%20file' "$st")" = 2 ] ||
    fail "the answers are not in the stream"
grep -q '^150 log .*text=DUMP%20IS%20DONE' "$st" || fail "no log lines"
grep -q '^160 alert .*text=CHANGE%20DUMP%20VOLUMES!' "$st" || fail "no alert"
tail -n 1 "$st" | grep -q '^190 end status=0 text=DUMP%20IS%20DONE$' ||
    fail "the stream does not end with the end line: $(tail -n 1 "$st")"
mvcheck "$lib/vol" "$src"

# A source that is not a filesystem: the stream still ends, with status 1.
head -c 1048576 /dev/zero >"$TESTTMP/zero"
"$OPDUMP" -0 -f "$TESTTMP/x" --status-fd 3 "$TESTTMP/zero" 3>"$st" \
    2>"$TESTTMP/log" && fail "a zero-filled source was accepted"
tail -n 1 "$st" | grep -q '^190 end status=1 ' ||
    fail "no end line for a dump that did not start: $(tail -n 1 "$st")"

# Bad values.
for v in 9 x -1 1024; do
	"$OPDUMP" -0 -f "$TESTTMP/x" --status-fd "$v" "$TESTTMP/img" \
	    2>"$TESTTMP/log" 9>&- && fail "--status-fd $v was accepted"
	grep -q 'status' "$TESTTMP/log" || { show "$TESTTMP/log";
	    fail "--status-fd $v: no message"; }
done
exit 0
