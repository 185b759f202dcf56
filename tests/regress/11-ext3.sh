# SPDX-License-Identifier: BSD-2-Clause
# Full corpus round trip through ext3: 4 KiB blocks, a journal (inode 8,
# which must not be dumped), block-mapped files and 256-byte inodes (so
# acl/dir has xattrs both in its inode and in an EA block: see 12-ext4).

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext3 -b 4096
has_features "$TESTTMP/img" has_journal ext_attr dir_index
dumpe2fs -h "$TESTTMP/img" 2>/dev/null | grep -q 'features:.*extent' &&
    fail "an ext3 image should not have extents"
htree_dir "$TESTTMP/img" /many
roundtrip "$TESTTMP/img" "$TESTTMP/corpus"
