# SPDX-License-Identifier: BSD-2-Clause
# Full corpus round trip through an ext4 image with mke2fs 1.47's default
# ext4 features (extents, 64bit, metadata_csum, huge_file, dir_index, 256-byte
# inodes) and 4 KiB blocks: in-inode and block xattrs, an htree directory.
# acl/dir's ACLs do not all fit in its inode; restore keeps only the last EA
# record of a directory, so the dump must write all of a directory's xattrs
# as one record (Debian's dump writes two and the access ACL is lost).

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext4 -b 4096
has_features "$TESTTMP/img" extent 64bit metadata_csum huge_file dir_index \
    flex_bg extra_isize
dumpe2fs -h "$TESTTMP/img" 2>/dev/null | grep -q '^Inode size:[[:space:]]*256$' ||
    fail "the image does not have 256-byte inodes"
htree_dir "$TESTTMP/img" /many
roundtrip "$TESTTMP/img" "$TESTTMP/corpus"
