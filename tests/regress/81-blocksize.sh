# SPDX-License-Identifier: BSD-2-Clause
# -b N, records per tape block, from 1 to the maximum 1024: the volume is a
# whole number of blocks, and restore finds the block size by itself (it
# needs no -b for a file or a pipe).

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
img=$TESTTMP/img
# 128-byte inodes put every xattr in the EA block: restore keeps only one EA
# record per directory (see 12-ext4), which is not what this test is about.
mkimage "$TESTTMP/corpus" "$img" ext4 -b 4096 -I 128
for b in 1 64 1024; do
	vol=$TESTTMP/vol.b$b
	run_opdump "$vol" -b "$b" "$img"
	size=$(stat -c %s "$vol")
	[ $((size % (b * 1024))) -eq 0 ] ||
	    fail "-b $b: the volume ($size bytes) is not a whole number of blocks"
	verify "$vol" "$TESTTMP/corpus"
done
