# SPDX-License-Identifier: BSD-2-Clause
# inline_data: files of 40 and 100 bytes and a small directory live inside
# their inodes (the 100-byte one spills into the system.data xattr).  They
# must restore with their real content; Debian's dump 0.4b47 writes only
# holes for them, so restore makes files of zeros.

. "$(dirname "$0")/lib.sh"

src=$TESTTMP/tree
mkdir -p "$src/inl/dir" || fail "mkdir"
rnd 40 >"$src/inl/f40"
rnd 100 >"$src/inl/f100"
rnd 20 >"$src/inl/dir/a"
ln -s ../f40 "$src/inl/dir/link"
rnd 9000 >"$src/inl/notinline"
touch -h -d @$T_MTIME "$src/inl/dir/link"
touch -d @$T_MTIME "$src/inl/f40" "$src/inl/f100" "$src/inl/dir/a" \
    "$src/inl/notinline" "$src/inl/dir" "$src/inl" "$src"

mkimage "$src" "$TESTTMP/img" ext4 -b 4096 -I 256 -O inline_data
has_features "$TESTTMP/img" inline_data

# The setup is only worth something if these really are inline.
for p in inl/f40 inl/f100 inl/dir; do
	debugfs -R "stat /$p" "$TESTTMP/img" 2>/dev/null |
	    grep -q 'Size of inline data' || fail "setup: /$p is not inline"
done
roundtrip "$TESTTMP/img" "$src"
