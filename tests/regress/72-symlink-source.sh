# SPDX-License-Identifier: BSD-2-Clause
# A source named through a symlink, as /dev/mapper and /dev/disk/by-* names
# are: it is identified and dumped like the file it points to.

. "$(dirname "$0")/lib.sh"

mkdir -p "$TESTTMP/tree/d"
echo hello >"$TESTTMP/tree/d/f"
mkimage "$TESTTMP/tree" "$TESTTMP/img" ext4 -b 4096
ln -s img "$TESTTMP/link"
run_opdump "$TESTTMP/vol" "$TESTTMP/link"
verify "$TESTTMP/vol" "$TESTTMP/tree"
