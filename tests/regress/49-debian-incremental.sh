# SPDX-License-Identifier: BSD-2-Clause
# Debian's dump and opdump make a level 0 and then a level 1 of the same
# filesystem, each with its own dumpdates file, on a loop device: the two
# level 1 volumes must hold the same inodes under the same names (same
# selection of changed inodes and of directories above them), and the two
# chains must restore to the same tree as the staging one.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/incr.sh"

DEBIAN_DUMP=${DEBIAN_DUMP:-/sbin/dump}
[ -x "$DEBIAN_DUMP" ] || skip "no $DEBIAN_DUMP (Debian package dump)"
command -v blockdev >/dev/null 2>&1 || skip "no blockdev"
S=$TESTTMP/stage
img=$TESTTMP/img

populate()
{
	set -e
	mkdir -p a/b/c quiet/deep moved gone
	rnd 1000 >a/b/c/file
	rnd 2000 >a/b/other
	rnd 3000 >quiet/deep/still
	rnd 100 >moved/m
	rnd 200 >gone/g
	rnd 300 >a/grow
	rnd 400 >a/mode
	rnd 500 >becomes
	set +e
}
mkdir "$S" || fail "mkdir"
(cd "$S" && populate) || fail "cannot build the staging tree"
find "$S" -exec touch -h -d @$T_MTIME {} + || fail "touch"
mkimage "$S" "$img" ext4 -b 4096
loop_attach "$img"

# both LEVEL: Debian's dump and opdump, one after the other, on the loop
# device, each recording in its own dumpdates file.
both()
{
	timeout 300 "$DEBIAN_DUMP" -"$1"u -D "$TESTTMP/dd.debian" \
	    -f "$TESTTMP/debian.$1" "$LOOPDEV" </dev/null >/dev/null \
	    2>"$TESTTMP/debian.$1.err"
	check_done $? "$TESTTMP/debian.$1.err" "$DEBIAN_DUMP -$1 $LOOPDEV"
	opdump_args /dev/null -"$1"u -D "$TESTTMP/dd.opdump" \
	    -f "$TESTTMP/opdump.$1" "$LOOPDEV"
}

tick
both 0
tick
(
	set -e
	cd "$S"
	rnd 50 >a/b/c/new
	rm -r gone
	mv moved renamed
	rnd 300 >>a/grow
	chmod 640 a/mode
	ln a/b/other a/link
	rm becomes
	mkdir becomes
) || fail "changes (staging)"
# The loop device is read-only and debugfs writes the image behind it.
dbg "$img" <<EOF
write $S/a/b/c/new /a/b/c/new
rm /gone/g
rmdir /gone
ln /moved /renamed
unlink /moved
rm /a/grow
write $S/a/grow /a/grow
ln /a/b/other /a/link
sif /a/b/other links_count 2
rm /becomes
mkdir /becomes
EOF
sync_inodes "$img" "$S" . a a/b a/b/c a/b/c/new renamed a/grow a/mode \
    a/b/other becomes
img_clean "$img"
blockdev --flushbufs "$LOOPDEV" || fail "blockdev --flushbufs"
tick
both 1

for who in debian opdump; do
	"$RESTORE" -t -f "$TESTTMP/$who.1" </dev/null 2>/dev/null |
	    sed -n '/^ *[0-9]/p' | sort -k2 >"$TESTTMP/$who.list"
done
diff -u "$TESTTMP/debian.list" "$TESTTMP/opdump.list" >"$TESTTMP/list.diff" ||
    { show "$TESTTMP/list.diff"; fail "the level 1 volumes hold different inodes"; }
unlisted "$TESTTMP/opdump.1" ./quiet ./quiet/deep/still
for who in debian opdump; do
	restore_chain "$TESTTMP/r.$who" "$TESTTMP/$who.0" "$TESTTMP/$who.1"
	compare "$S" "$TESTTMP/r.$who" --no-atime
done
