# SPDX-License-Identifier: BSD-2-Clause
# --slaves N: one reader-writer process, or many taking turns, must produce a
# volume that restores to the same tree.

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
img=$TESTTMP/img
# 128-byte inodes put every xattr in the EA block: restore keeps only one EA
# record per directory (see 12-ext4), which is not what this test is about.
mkimage "$TESTTMP/corpus" "$img" ext4 -b 4096 -I 128
roundtrip "$img" "$TESTTMP/corpus" --slaves 1
roundtrip "$img" "$TESTTMP/corpus" --slaves 8
# Small blocks and many slaves: the token goes round many times.
roundtrip "$img" "$TESTTMP/corpus" --slaves 8 -b 1
