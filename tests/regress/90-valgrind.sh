# SPDX-License-Identifier: BSD-2-Clause
# The engine under valgrind: no invalid access, no leak, in the master and
# in every slave (valgrind follows the forks), on the full corpus with
# xattrs, ACLs, an htree directory and holes.  Then a two-volume dump to
# the virtual tape library with the status stream on, so the control
# server process and the questions through the status board run under it
# too.

. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null 2>&1 || skip "no valgrind"
case $OPDUMP in */asan/*) skip "valgrind and ASan do not mix" ;; esac
mkcorpus "$TESTTMP/corpus"
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext4 -b 4096
cat >"$TESTTMP/vgop" <<-EOF2
	#!/bin/sh
	exec valgrind -q --error-exitcode=99 --leak-check=full \\
	    --errors-for-leak-kinds=definite,indirect \\
	    --show-leak-kinds=definite,indirect \\
	    --log-file=$TESTTMP/vg.%p.log "$OPDUMP" "\$@"
	EOF2
chmod +x "$TESTTMP/vgop"

# vg_check [WHAT]: fail if any valgrind log of the last run is not empty.
vg_check()
{
	local log

	for log in "$TESTTMP"/vg.*.log; do
		[ -s "$log" ] || continue
		show "$log"
		fail "valgrind reported errors or leaks${1:+ $1} ($(basename "$log"))"
	done
}
OPDUMP=$TESTTMP/vgop run_opdump "$TESTTMP/vol" "$TESTTMP/img"
vg_check
[ "$(ls "$TESTTMP"/vg.*.log | wc -l)" -ge 4 ] ||
    fail "valgrind did not follow the slaves"
verify "$TESTTMP/vol" "$TESTTMP/corpus"

# -z: the slaves' compressor and the master's libmagic (the corpus has a
# file of 3 MiB) under valgrind too.
rm -f "$TESTTMP"/vg.*.log
OPDUMP=$TESTTMP/vgop run_opdump "$TESTTMP/zvol" -z "$TESTTMP/img"
vg_check "with -z"
run_restore "$TESTTMP/zvol" "$TESTTMP/zrestored"
grep -v '^Dump tape is compressed\.$' "$TESTTMP/restore.$SEQ.log" \
    >"$TESTTMP/restore.$SEQ.log.real"
[ -s "$TESTTMP/restore.$SEQ.log.real" ] || RESTORE_COMPLAINED=
compare "$TESTTMP/corpus" "$TESTTMP/zrestored"
rm -rf "$TESTTMP/zvol" "$TESTTMP/zrestored"

rm -f "$TESTTMP"/vg.*.log
mkdir "$TESTTMP/lib" && echo "capacity 4000" >"$TESTTMP/lib/plan"
echo yes >"$TESTTMP/answers"
OPDUMP_ANSWERS=$TESTTMP/answers "$TESTTMP/vgop" -0 -f "vtape:$TESTTMP/lib" \
    --status-fd 3 "$TESTTMP/img" 3>"$TESTTMP/status" </dev/null \
    >/dev/null 2>"$TESTTMP/log" || { show "$TESTTMP/log"; fail "status run"; }
vg_check "with --status-fd"
grep -q '^210 answered id=1 choice=yes' "$TESTTMP/status" ||
    fail "the status stream under valgrind has no answer"
tail -n 1 "$TESTTMP/status" | grep -q '^190 end status=0' ||
    fail "the status stream under valgrind does not end"
[ -f "$TESTTMP/lib/vol002" ] && [ ! -f "$TESTTMP/lib/vol003" ] ||
    fail "expected two volumes: $(ls "$TESTTMP/lib")"

# Volume inspection and the rotation policy: the first run's volume is
# read (header parsed, libmagic in its child) and, being volume 1 of a
# young set, refused with -q.
rm -f "$TESTTMP"/vg.*.log
printf 'set T-%%n\ncycle 2\nmin-age 1d\n' >"$TESTTMP/policy"
"$TESTTMP/vgop" -q -0 -L T-1 --policy "$TESTTMP/policy" -f "$TESTTMP/lib/vol001" \
    "$TESTTMP/img" </dev/null >/dev/null 2>"$TESTTMP/log"
[ $? = 3 ] || { show "$TESTTMP/log"; fail "policy run: not refused"; }
grep -q "it is protected" "$TESTTMP/log" || { show "$TESTTMP/log";
    fail "policy run: no protection"; }
vg_check "with a policy"
exit 0
