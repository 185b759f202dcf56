# SPDX-License-Identifier: BSD-2-Clause
# A 5 GiB sparse file with data at 0, just past 4 GiB and in its last bytes:
# sizes and offsets above 32 bits must survive, and the holes must stay
# holes (a restored file of 5 GiB of written zeros fails treecmp).

. "$(dirname "$0")/lib.sh"

src=$TESTTMP/tree
mkdir -p "$src/big" || fail "mkdir"
f=$src/big/sparse5g
rnd 4096 >"$f"
rnd 100 | dd of="$f" bs=1 seek=$((4 * 1024 * 1024 * 1024 + 17)) \
    conv=notrunc status=none
truncate -s 5G "$f"
rnd 10 | dd of="$f" bs=1 seek=$((5 * 1024 * 1024 * 1024 - 10)) \
    conv=notrunc status=none
rnd 10 >"$src/big/small"
[ "$(stat -c %s "$f")" -eq $((5 * 1024 * 1024 * 1024)) ] ||
    fail "setup: wrong size"
[ "$(stat -c %b "$f")" -lt 1000 ] || skip "$TESTTMP cannot hold sparse files"
touch -d @$T_MTIME "$f" "$src/big/small" "$src/big" "$src"

mkimage "$src" "$TESTTMP/img" ext4 -b 4096
has_features "$TESTTMP/img" extent huge_file large_file
roundtrip "$TESTTMP/img" "$src"
