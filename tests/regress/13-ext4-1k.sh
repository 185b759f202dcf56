# SPDX-License-Identifier: BSD-2-Clause
# Full corpus round trip through ext4 with 1 KiB blocks: extent trees over
# small blocks, 256 records per header for the 3 MiB file, and an EA block
# no larger than one tape record.

. "$(dirname "$0")/lib.sh"

# A 1 KiB EA block holds about 900 bytes of value, not 1500.
mkcorpus "$TESTTMP/corpus" 800
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext4 -b 1024
has_features "$TESTTMP/img" extent 64bit metadata_csum dir_index
dumpe2fs -h "$TESTTMP/img" 2>/dev/null | grep -q '^Block size:[[:space:]]*1024$' ||
    fail "the image does not have 1 KiB blocks"
htree_dir "$TESTTMP/img" /many
roundtrip "$TESTTMP/img" "$TESTTMP/corpus"
