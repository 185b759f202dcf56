# SPDX-License-Identifier: BSD-2-Clause
# The historical bundled-key syntax that scripts still use: the first word
# holds the level and option letters, and the letters' values follow in
# order ("0f VOL", "0sf FEET -").

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
img=$TESTTMP/img
# 128-byte inodes put every xattr in the EA block: restore keeps only one EA
# record per directory (see 12-ext4), which is not what this test is about.
mkimage "$TESTTMP/corpus" "$img" ext4 -b 4096 -I 128

opdump_args "$TESTTMP/key.out" 0f "$TESTTMP/vol1" "$img"
[ -s "$TESTTMP/key.out" ] && fail "0f VOL wrote to standard output"
verify "$TESTTMP/vol1" "$TESTTMP/corpus"

# 1048576 feet of tape: one volume, written to standard output.
opdump_args "$TESTTMP/vol2" 0sf 1048576 - "$img"
verify "$TESTTMP/vol2" "$TESTTMP/corpus"
