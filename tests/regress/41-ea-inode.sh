# SPDX-License-Identifier: BSD-2-Clause
# ea_inode: with 1 KiB blocks a 2000-byte xattr value cannot fit in the EA
# block, so ext4 keeps it in an inode of its own and the EA block only points
# there.  The value must restore exactly; Debian's dump copies the EA block
# raw and the value is lost.

. "$(dirname "$0")/lib.sh"

need setfattr attr
src=$TESTTMP/tree
mkdir -p "$src" || fail "mkdir"
rnd 2000 >"$TESTTMP/value"
rnd 123 >"$src/f"
setfattr -n user.huge -v "0x$(od -An -tx1 -v "$TESTTMP/value" | tr -d ' \n')" \
    "$src/f" || fail "setup: setfattr"
setfattr -n user.tag -v small "$src/f"
touch -d @$T_MTIME "$src/f" "$src"

mkimage "$src" "$TESTTMP/img" ext4 -b 1024 -I 256 -O ea_inode
has_features "$TESTTMP/img" ea_inode

# Find the EA inode (flag EXT4_EA_INODE_FL, 0x200000) and check that it holds
# the value: otherwise the test would prove nothing.
found=
for i in $(seq 12 40); do
	echo "stat <$i>"
done >"$TESTTMP/cmds"
for i in $(debugfs -f "$TESTTMP/cmds" "$TESTTMP/img" 2>/dev/null |
    sed -n 's/^Inode: \([0-9]*\).*Flags: \(0x[0-9a-f]*\).*/\1 \2/p' |
    while read -r ino flags; do
	    (( flags & 0x200000 )) && echo "$ino"
    done); do
	debugfs -R "cat <$i>" "$TESTTMP/img" 2>/dev/null |
	    cmp -s - "$TESTTMP/value" && found=$i
done
[ -n "$found" ] || fail "setup: the value is not in an EA inode"

roundtrip "$TESTTMP/img" "$src"
