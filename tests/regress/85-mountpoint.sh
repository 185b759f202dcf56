# SPDX-License-Identifier: BSD-2-Clause
# A mount point as the source: opdump finds its device in /proc/self/mounts,
# names the mount point in its messages and in the volume header, and the
# dump restores exactly.  Needs a loop device and a read-only mount; skipped
# where the machine allows neither.

. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "not root: cannot mount"
mkcorpus "$TESTTMP/corpus"
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext4 -b 4096
loop_attach "$TESTTMP/img"
mkdir "$TESTTMP/mnt"
mount -o ro,noload "$LOOPDEV" "$TESTTMP/mnt" 2>"$TESTTMP/mount.err" ||
    skip "cannot mount: $(head -n 1 "$TESTTMP/mount.err")"
at_exit umount "$TESTTMP/mnt"

run_opdump "$TESTTMP/vol" "$TESTTMP/mnt"
grep -q "^  DUMP: Dumping $LOOPDEV ($TESTTMP/mnt) to $TESTTMP/vol\$" \
    "$TESTTMP/opdump.$SEQ.err" || { show "$TESTTMP/opdump.$SEQ.err";
    fail "the messages do not name the device and the mount point"; }
file "$TESTTMP/vol" | grep -q "Filesystem $TESTTMP/mnt, Device $LOOPDEV" ||
    fail "volume header: $(file "$TESTTMP/vol")"
verify "$TESTTMP/vol" "$TESTTMP/corpus"

# The device itself, mounted: the header still names the mount point.
run_opdump "$TESTTMP/vol2" "$LOOPDEV"
file "$TESTTMP/vol2" | grep -q "Filesystem $TESTTMP/mnt," ||
    fail "device of a mounted fs: $(file "$TESTTMP/vol2")"

# A directory that is not a mount point is refused, with a reason.
"$OPDUMP" -0 -f "$TESTTMP/vol3" "$TESTTMP/mnt/files" 2>"$TESTTMP/sub.err" &&
    fail "a subdirectory was accepted"
grep -q "not a mount point" "$TESTTMP/sub.err" || { show "$TESTTMP/sub.err";
    fail "no reason given for refusing a subdirectory"; }
exit 0
