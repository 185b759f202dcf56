# SPDX-License-Identifier: BSD-2-Clause
# The engine under valgrind: no invalid access, no leak, in the master and
# in every slave (valgrind follows the forks), on the full corpus with
# xattrs, ACLs, an htree directory and holes.

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
OPDUMP=$TESTTMP/vgop run_opdump "$TESTTMP/vol" "$TESTTMP/img"
for log in "$TESTTMP"/vg.*.log; do
	[ -s "$log" ] || continue
	show "$log"
	fail "valgrind reported errors or leaks ($(basename "$log"))"
done
[ "$(ls "$TESTTMP"/vg.*.log | wc -l)" -ge 4 ] ||
    fail "valgrind did not follow the slaves"
verify "$TESTTMP/vol" "$TESTTMP/corpus"
