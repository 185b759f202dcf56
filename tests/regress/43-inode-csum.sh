# SPDX-License-Identifier: BSD-2-Clause
# Inode checksums (metadata_csum), which pass I checks with the processor's
# crc32c: a clean filesystem gives no warning; an inode whose stored
# checksum is damaged is named once and dumped as it is, and the set still
# restores exactly.

. "$(dirname "$0")/lib.sh"

src=$TESTTMP/tree
mkdir -p "$src/d" || fail "mkdir"
for i in 1 2 3 4 5 6; do rnd $((i * 3000)) >"$src/d/f$i"; done
touch -d @$T_MTIME "$src/d" "$src"
mkimage "$src" "$TESTTMP/img" ext4 -O metadata_csum -I 256
has_features "$TESTTMP/img" metadata_csum

roundtrip "$TESTTMP/img" "$src"
if grep -q "checksum does not match" "$TESTTMP/opdump.$SEQ.err"; then
	show "$TESTTMP/opdump.$SEQ.err"
	fail "a checksum warning on a clean filesystem"
fi

# Damage the stored checksum of /d/f4 (l_i_checksum_lo, byte 124 of the
# inode), found with debugfs imap: "located at block B, offset 0xO".
ino=$(debugfs -R "stat /d/f4" "$TESTTMP/img" 2>/dev/null |
    sed -n 's/^Inode: \([0-9]*\) .*/\1/p')
loc=$(debugfs -R "imap /d/f4" "$TESTTMP/img" 2>/dev/null |
    sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p')
[ -n "$ino" ] && [ -n "$loc" ] || fail "setup: debugfs cannot find /d/f4"
read -r blk off <<EOF2
$loc
EOF2
bs=$(dumpe2fs -h "$TESTTMP/img" 2>/dev/null | sed -n 's/^Block size: *//p')
pos=$((blk * bs + off + 124))
old=$(od -An -tu1 -j "$pos" -N 1 "$TESTTMP/img" | tr -d ' ')
printf "\\$(printf '%03o' $(((old + 1) % 256)))" |
    dd of="$TESTTMP/img" bs=1 seek="$pos" conv=notrunc 2>/dev/null ||
    fail "setup: dd"
e2fsck -fn "$TESTTMP/img" >"$TESTTMP/fsck.log" 2>&1 &&
    fail "setup: e2fsck finds nothing wrong with the damaged inode"

roundtrip "$TESTTMP/img" "$src"
n=$(grep -c "inode $ino: checksum does not match; dumped as it is" \
    "$TESTTMP/opdump.$SEQ.err")
[ "$n" -eq 1 ] || { show "$TESTTMP/opdump.$SEQ.err"; \
    fail "inode $ino named $n times, not once"; }
[ "$(grep -c "checksum does not match" "$TESTTMP/opdump.$SEQ.err")" -eq 1 ] ||
    { show "$TESTTMP/opdump.$SEQ.err"; fail "other inodes named too"; }
exit 0
