# SPDX-License-Identifier: BSD-2-Clause
# Full corpus round trip through ext2 with 1 KiB blocks and 128-byte inodes:
# block-mapped files with indirect blocks, no extents, no journal, and every
# xattr in the EA block because the inode has no room for any.

. "$(dirname "$0")/lib.sh"

# A 1 KiB EA block holds about 900 bytes of value, not 1500.
mkcorpus "$TESTTMP/corpus" 800
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext2 -b 1024 -I 128
has_features "$TESTTMP/img" ext_attr filetype
dumpe2fs -h "$TESTTMP/img" 2>/dev/null | grep -q '^Block size:[[:space:]]*1024$' ||
    fail "the image does not have 1 KiB blocks"
htree_dir "$TESTTMP/img" /many
roundtrip "$TESTTMP/img" "$TESTTMP/corpus"
