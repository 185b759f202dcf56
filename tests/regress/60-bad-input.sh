# SPDX-License-Identifier: BSD-2-Clause
# Bad sources, outputs and option values: opdump must refuse them with a
# message that names the culprit, or warn, and must never crash (exit status
# 128 or more) nor hang (the 60-second timeout).

. "$(dirname "$0")/lib.sh"

FAILED=

# attempt WHAT ARGS...: run opdump on bad input; leaves the status in RC and
# the messages in $TESTTMP/bad.err.  Crashes and hangs fail at once.
attempt()
{
	local what=$1

	shift
	timeout -k 5 60 "$OPDUMP" "$@" </dev/null >"$TESTTMP/bad.out" \
	    2>"$TESTTMP/bad.err"
	RC=$?
	if [ $RC -eq 124 ] || [ $RC -eq 137 ]; then
		FAILED+=" $what"
		echo "$what: hung (killed after 60 s)" >&2
		return 1
	fi
	if [ $RC -ge 128 ]; then
		FAILED+=" $what"
		echo "$what: crashed (exit status $RC)" >&2
		show "$TESTTMP/bad.err"
		return 1
	fi
	return 0
}

# refused WHAT PATTERN ARGS...: opdump must exit non-zero and say PATTERN
# (a fixed string) on stderr.
refused()
{
	local what=$1 pat=$2

	shift 2
	attempt "$what" "$@" || return
	if [ $RC -eq 0 ]; then
		FAILED+=" $what"
		echo "$what: accepted (exit status 0)" >&2
	elif ! grep -qF -- "$pat" "$TESTTMP/bad.err"; then
		FAILED+=" $what"
		echo "$what: exit status $RC but no message with '$pat'" >&2
		show "$TESTTMP/bad.err"
	fi
}

# survived WHAT ARGS...: damaged metadata: a non-zero exit, or a warning on
# stderr, and a finished dump when it claims success.
survived()
{
	local what=$1

	shift
	attempt "$what" "$@" || return
	[ $RC -ne 0 ] && return
	if ! grep -qiE 'warn|error|fail|bad|corrupt|invalid|checksum|short|cannot|truncat' \
	    "$TESTTMP/bad.err"; then
		FAILED+=" $what"
		echo "$what: exit status 0 and no warning" >&2
		show "$TESTTMP/bad.err"
	fi
}

# Damaged metadata without checksums may not be detectable: there we only
# ask for no crash, no hang and a finished dump if it says it succeeded.
no_crash()
{
	local what=$1

	shift
	attempt "$what" "$@" || return
	if [ $RC -eq 0 ] &&
	    [ "$(tail -n 1 "$TESTTMP/bad.err")" != "  DUMP: DUMP IS DONE" ]; then
		FAILED+=" $what"
		echo "$what: exit status 0 without DUMP IS DONE" >&2
		show "$TESTTMP/bad.err"
	fi
}

# Bytes 0..255 over and over: a fixed, reproducible scribble.
ramp()
{
	local i s=

	for i in $(seq 0 255); do
		s+=$(printf '\\%03o' "$i")
	done
	for i in $(seq "$1"); do
		printf "$s"
	done
}

# scribble IMG BYTE-OFFSET-IN-INODE-TABLE FILE: overwrite part of the first
# inode table with FILE.
scribble()
{
	local img=$1 off=$2 data=$3 it bs

	it=$(dumpe2fs "$img" 2>/dev/null |
	    sed -n 's/.*Inode table at \([0-9]*\)-.*/\1/p' | head -n 1)
	bs=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Block size: *//p')
	[ -n "$it" ] && [ -n "$bs" ] || fail "setup: no inode table in $img"
	dd if="$data" of="$img" bs=1 seek=$((it * bs + off)) conv=notrunc \
	    status=none || fail "setup: dd"
}

vol=$TESTTMP/vol
src=$TESTTMP/tree
mkdir -p "$src/d" || fail "mkdir"
for i in $(seq 1 40); do
	rnd $((i * 300)) >"$src/d/f$i"
done
ramp 16 >"$TESTTMP/ramp"
head -c 4096 /dev/zero | tr '\0' '\377' >"$TESTTMP/ones"

# Sources that are not ext2/3/4 at all.
refused missing-source "$TESTTMP/no/such/image" -0 -f "$vol" \
    "$TESTTMP/no/such/image"
need mkfs.vfat dosfstools
mkfs.vfat -C "$TESTTMP/fat.img" 8192 >/dev/null 2>&1 || fail "setup: mkfs.vfat"
refused fat-source FAT -0 -f "$vol" "$TESTTMP/fat.img"
rnd 4194304 >"$TESTTMP/random.img"
refused random-source "$TESTTMP/random.img" -0 -f "$vol" "$TESTTMP/random.img"

# Damaged ext4 (with metadata checksums) and ext2 (without).
img=$TESTTMP/ext4.img
mkimage "$src" "$img" ext4 -b 4096
cp "$img" "$TESTTMP/nosb.img"
dd if=/dev/zero of="$TESTTMP/nosb.img" bs=1024 seek=1 count=1 conv=notrunc \
    status=none
survived zeroed-superblock -0 -f "$vol" "$TESTTMP/nosb.img"
cp "$img" "$TESTTMP/scribbled4.img"
scribble "$TESTTMP/scribbled4.img" 2816 "$TESTTMP/ramp"
survived scribbled-ext4 -0 -f "$vol" "$TESTTMP/scribbled4.img"
# Cut the image just before the data of the last file.
blk=$(debugfs -R "bmap /d/f40 0" "$img" 2>/dev/null)
[ "${blk:-0}" -gt 0 ] || fail "setup: no block for /d/f40"
cp "$img" "$TESTTMP/truncated.img"
truncate -s $((blk * 4096)) "$TESTTMP/truncated.img"
survived truncated-ext4 -0 -f "$vol" "$TESTTMP/truncated.img"
img=$TESTTMP/ext2.img
mkimage "$src" "$img" ext2 -b 1024 -I 128
cp "$img" "$TESTTMP/scribbled2.img"
scribble "$TESTTMP/scribbled2.img" 1408 "$TESTTMP/ramp"
no_crash scribbled-ext2 -0 -f "$vol" "$TESTTMP/scribbled2.img"
cp "$img" "$TESTTMP/ones2.img"
scribble "$TESTTMP/ones2.img" 1408 "$TESTTMP/ones"
no_crash ones-ext2 -0 -f "$vol" "$TESTTMP/ones2.img"

# Bad outputs and option values, on a good image.
refused unwritable-output /nonexistent/dir/x -0 -f /nonexistent/dir/x "$img"
refused blocksize-0 block -0 -b 0 -f "$vol" "$img"
refused blocksize-1025 block -0 -b 1025 -f "$vol" "$img"
refused blocksize-2000 block -0 -b 2000 -f "$vol" "$img"
refused slaves-0 slaves -0 --slaves 0 -f "$vol" "$img"
# Writing the dump over the image being dumped would destroy it.
cp "$img" "$TESTTMP/self.img"
refused output-is-source "being dumped" -0 -f "$TESTTMP/self.img" \
    "$TESTTMP/self.img"
e2fsck -fn "$TESTTMP/self.img" >/dev/null 2>&1 ||
    { echo "output-is-source: the image was damaged" >&2; FAILED+=" self"; }
# A full disk: /dev/full says ENOSPC at once.
attempt full-disk -0 -f /dev/full "$img"
[ "$RC" -eq 3 ] && grep -q "End of media" "$TESTTMP/bad.err" ||
    { echo "full-disk: exit $RC" >&2; show "$TESTTMP/bad.err"; FAILED+=" full"; }

[ -z "$FAILED" ] || fail "mishandled:$FAILED"
