# SPDX-License-Identifier: BSD-2-Clause
# The oracle first: treecmp must find no difference between the corpus and
# a faithful copy, and must report each of a set of deliberate breakages
# (a byte, a mode, an xattr, an ACL, a hole filled with zeros, a split hard
# link group...) with its own line.  Needs no opdump.

LIB_NO_OPDUMP=1
. "$(dirname "$0")/lib.sh"

exp=$TESTTMP/corpus
act=$TESTTMP/copy
mkcorpus "$exp"
atimes_save "$exp" "$TESTTMP/atimes"
cp -a "$exp" "$act" || fail "setup: cp -a"
atimes_restore "$TESTTMP/atimes"

# run_treecmp STATUS [options]: treecmp must exit with STATUS.
run_treecmp()
{
	local want=$1

	shift
	"$TREECMP" "$@" >"$TESTTMP/out" 2>"$TESTTMP/err"
	[ $? -eq "$want" ] ||
	    { show "$TESTTMP/out" "$TESTTMP/err"; fail "treecmp $*: not status $want"; }
}

run_treecmp 0 "$exp" "$act"
grep -qx 'treecmp: 0 differences' "$TESTTMP/out" || fail "no closing line"
run_treecmp 2 "$exp"
run_treecmp 2 "$exp" "$TESTTMP/nonexistent"
run_treecmp 2 -x "$exp" "$act"

# Each breakage leaves the times as they were, so that only it shows.
a=$act
# Flip every bit of byte 5000: a fixed value would be no change once in 256
# runs, whenever the random content already held it.
b=$(od -An -tu1 -j 5000 -N 1 "$a/files/size10000" | tr -d ' ')
printf "\\$(printf '%03o' $((b ^ 255)))" |
    dd of="$a/files/size10000" bs=1 seek=5000 count=1 conv=notrunc status=none
chmod 0640 "$a/modes/private"
chmod 4750 "$a/modes/suid"
setfattr -n user.colour -v green "$a/xattr/small"
setfattr -x user.shape "$a/xattr/small"
setfattr -n user.extra -v 1 "$a/xattr/big"
setfacl -x u:1234 "$a/acl/dir"
setfacl -k "$a/acl/dir"
dd if=/dev/zero of="$a/files/sparse" bs=4096 seek=300 count=1 conv=notrunc \
    status=none
cp "$a/links/b/hard2" "$a/links/b/tmp" && mv "$a/links/b/tmp" "$a/links/b/hard2"
ln -sf ../files/size0 "$a/sym/fast"
rm "$a/dev/null" && mknod "$a/dev/null" c 1 5
rm "$a/dev/fifo" && echo >"$a/dev/fifo"
chown 70001 "$a/owners/high"
chgrp 5679 "$a/owners/mid"
touch -m -d @1 "$a/deep/1/2/3/4/5/leaf"
touch -a -d @2 "$a/files/size4096"
truncate -s 1024 "$a/files/size1025"
rm "$a/names/with space"
echo >"$a/names/extra"
echo >"$a/restoresymtable"
for p in . files/size10000 files/sparse files/size1025 links/a/hard1 links/b \
    links/b/hard2 dev dev/null dev/fifo names sym sym/fast; do
	touch -h -r "$exp/$p" "$a/$p" || fail "setup: touch $p"
done

run_treecmp 1 -i restoresymtable "$exp" "$a"
expect()
{
	grep -qF -- "$1" "$TESTTMP/out" || { show "$TESTTMP/out"; fail "not reported: $1"; }
}
expect 'files/size10000: content: expected byte 0x'
expect 'modes/private: mode: expected 0600, got 0640'
expect 'modes/suid: mode: expected 4755, got 4750'
expect 'xattr/small: xattr user.colour: expected 4 bytes, got 5'
expect 'xattr/small: xattr: expected user.shape, got nothing'
expect 'xattr/big: xattr: expected nothing, got user.extra'
expect 'acl/dir: mode: expected 0775, got 0755'
expect 'acl/dir: xattr system.posix_acl_access: '
expect 'acl/dir: xattr: expected system.posix_acl_default, got nothing'
expect 'files/sparse: hole: expected a hole at offset 1228800, got data'
expect 'files/hard3: hard links: expected 3 name(s) led by files/hard3, got 2'
expect 'links/a/hard1: hard links: expected 3 name(s) led by files/hard3, got 2'
expect 'links/b/hard2: hard links: expected 3 name(s) led by files/hard3, got 1'
expect "sym/fast: symlink target: expected '../files/size1', got '../files/size0'"
expect 'dev/null: device: expected 1:3, got 1:5'
expect 'dev/fifo: type: expected fifo, got regular file'
expect 'owners/high: uid: expected 70000, got 70001'
expect 'owners/mid: gid: expected 5678, got 5679'
expect 'deep/1/2/3/4/5/leaf: mtime: expected 981173106, got 1'
expect 'files/size4096: atime: expected 1015125071, got 2'
expect 'files/size1025: size: expected 1025, got 1024'
expect 'names/with space: presence: expected regular file, got nothing'
expect 'names/extra: presence: expected nothing, got regular file'
n=$(grep -vc '^treecmp: ' "$TESTTMP/out")
[ "$n" -eq 23 ] || { show "$TESTTMP/out"; fail "expected 23 differences, got $n"; }
grep -qx "treecmp: $n differences" "$TESTTMP/out" || fail "wrong closing line"
grep -q restoresymtable "$TESTTMP/out" && fail "-i restoresymtable ignored"

run_treecmp 1 --no-atime -i restoresymtable "$exp" "$a"
grep -q 'atime' "$TESTTMP/out" && fail "--no-atime still compares atimes"
run_treecmp 1 "$exp" "$a"
grep -q '^restoresymtable: presence' "$TESTTMP/out" || fail "extra file missed"
