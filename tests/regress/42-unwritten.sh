# SPDX-License-Identifier: BSD-2-Clause
# An unwritten (fallocated) extent whose blocks still hold old data: the
# kernel reads it as zeros, so the dump must too.  Debian's dump reads the
# blocks raw and leaks their bytes onto the tape and into the restored file.

. "$(dirname "$0")/lib.sh"

src=$TESTTMP/tree
exp=$TESTTMP/expected
mkdir -p "$src" "$exp" || fail "mkdir"
yes SECRET | head -c 8192 >"$src/secret"
head -c 8192 /dev/zero >"$exp/secret"
rnd 5000 >"$src/plain"
cp "$src/plain" "$exp/plain"
for d in "$src" "$exp"; do
	touch -d @$T_MTIME "$d/secret" "$d/plain" "$d"
done

img=$TESTTMP/img
mkimage "$src" "$img" ext4 -b 4096
# The first extent lives in i_block[3..5]; the high bit of its 16-bit length
# (the low half of i_block[4]) marks it unwritten.  The file is 2 blocks and
# the image is small, so the upper half (start_hi) is 0.
debugfs -R "ex /secret" "$img" 2>/dev/null >"$TESTTMP/ex.before"
grep -Eq '^ *0/ *0 +1/ +1 +0 - +1 +[0-9]+ - +[0-9]+ +2 *$' \
    "$TESTTMP/ex.before" || { show "$TESTTMP/ex.before"; fail "setup: layout"; }
debugfs -w -R "sif /secret block[4] $((2 + 32768))" "$img" >/dev/null 2>&1
debugfs -R "ex /secret" "$img" 2>/dev/null >"$TESTTMP/ex.after"
grep -q 'Uninit' "$TESTTMP/ex.after" ||
    { show "$TESTTMP/ex.after"; fail "setup: extent not marked unwritten"; }
start=$(awk '$NF == "Uninit" { print $8 }' "$TESTTMP/ex.after")
dd if="$img" bs=4096 skip="$start" count=2 status=none | grep -q SECRET ||
    fail "setup: block $start does not hold the old data"
e2fsck -fn "$img" >"$TESTTMP/fsck.log" 2>&1 ||
    { show "$TESTTMP/fsck.log"; fail "setup: the image is not clean"; }
debugfs -R "cat /secret" "$img" 2>/dev/null | cmp -s - "$exp/secret" ||
    fail "setup: libext2fs does not read the extent as zeros"

# The setup's cmp moved the expected file's atime: take it back from the
# image's inode, which is what restore will set.
at=$(debugfs -R "stat /secret" "$img" 2>/dev/null |
    sed -n 's/^ *atime: 0x\([0-9a-f]*\).*/\1/p')
[ -n "$at" ] || fail "setup: no atime for /secret in the image"
touch -a -d "@$((16#$at))" "$exp/secret"

vol=$TESTTMP/vol
run_opdump "$vol" "$img"
grep -q SECRET "$vol" && leaked=yes || leaked=
run_restore "$vol" "$TESTTMP/restored"
# Compare first: grep's read would move the restored file's atime.
compare "$exp" "$TESTTMP/restored"
grep -q SECRET "$TESTTMP/restored/secret" &&
    fail "the restored file holds the unwritten blocks' old data"
[ -z "$leaked" ] || fail "the old data of the unwritten extent is on the volume"
