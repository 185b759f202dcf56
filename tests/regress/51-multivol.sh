# SPDX-License-Identifier: BSD-2-Clause
# Sets of 2, 5 and 20+ volumes (-M files, and the virtual tape library with
# the operator's answers), each read back by --verify and restored with
# restore -M: the tree equals the source, including a file several
# volumes long and an inode whose header ends one volume while its data
# starts the next.

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
# Volume sizes from the size of the dump: -S prints it in bytes.
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))
[ "$est" -gt 2000 ] || fail "estimate $est"

# Two volumes of files.
mvdump "$TESTTMP/m2.err" -0 --verify -b 10 -B $((est * 6 / 10)) -M -f "$TESTTMP/m2." ||
    { show "$TESTTMP/m2.err"; fail "2 volumes: exit $?"; }
check_done 0 "$TESTTMP/m2.err" "2 volumes"
[ -f "$TESTTMP/m2.002" ] && [ ! -e "$TESTTMP/m2.003" ] ||
    fail "not 2 volumes: $(ls "$TESTTMP")"
grep -q "Volume 2 verified" "$TESTTMP/m2.err" || fail "volume 2 not verified"
mvcheck "$TESTTMP/m2." "$TESTTMP/src"

# Five volumes on the library, each change answered by the operator.
mkdir "$TESTTMP/lib5"
echo "capacity $((est * 10 / 46))" >"$TESTTMP/lib5/plan"
printf 'yes\n%.0s' 1 2 3 4 5 6 >"$TESTTMP/answers"
mvdump "$TESTTMP/l5.err" -0 --verify -b 10 -f "vtape:$TESTTMP/lib5" ||
    { show "$TESTTMP/l5.err"; fail "5 volumes: exit $?"; }
check_done 0 "$TESTTMP/l5.err" "5 volumes"
[ -f "$TESTTMP/lib5/vol005" ] && [ ! -e "$TESTTMP/lib5/vol006" ] ||
    fail "not 5 volumes: $(ls "$TESTTMP/lib5")"
[ "$(grep -c 'Is the new volume mounted and ready to go?: yes' \
    "$TESTTMP/l5.err")" -eq 4 ] || { show "$TESTTMP/l5.err";
    fail "4 volume changes expected"; }
grep -q "End of tape detected" "$TESTTMP/l5.err" ||
    fail "the library's capacity did not end a volume"
rm "$TESTTMP/answers"
mvcheck "$TESTTMP/lib5/vol" "$TESTTMP/src"

# Twenty-odd volumes, and a header whose data continues on the next one.
mvdump "$TESTTMP/m20.err" -0 --verify -b 10 -B $((est / 22)) -M -f "$TESTTMP/m20." ||
    { show "$TESTTMP/m20.err"; fail "20 volumes: exit $?"; }
check_done 0 "$TESTTMP/m20.err" "20+ volumes"
n=$(ls "$TESTTMP"/m20.* | wc -l)
[ "$n" -ge 20 ] || fail "only $n volumes"
straddle=
for ((i = 2; i <= n; i++)); do
	prev=$(printf '%s/m20.%03d' "$TESTTMP" $((i - 1)))
	cur=$(printf '%s/m20.%03d' "$TESTTMP" $i)
	# The last header of the previous volume and this one's TS_TAPE.
	last=$("$TAPELS" "$prev" | grep -v DATA | tail -n 1)
	tape=$("$TAPELS" "$cur" | head -n 1)
	set -- $last
	lino=$3 ltype=$2
	set -- $tape
	if [ "$ltype" = INODE ] && [ "$3" = "$lino" ] && [ "$4" -gt 0 ]; then
		straddle="$straddle $lino"
	fi
done
[ -n "$straddle" ] || fail "no inode with its header and data on two volumes"
note "inodes straddling a volume boundary:$straddle"
mvcheck "$TESTTMP/m20." "$TESTTMP/src"
