# SPDX-License-Identifier: BSD-2-Clause
# Compressed dumps (-z zlib, -j bzip2) at several levels, restored exactly
# by /sbin/restore: one volume to a file and to a pipe, volumes sized with
# -B (compressed KiB), the virtual tape library's capacity and an end of
# media inside a volume, each read back by --verify; data that does not
# compress (stored blocks) restores too; a damaged block is caught by
# --verify; bad levels are refused.  The format is checked byte by byte
# where it matters: TS_TAPE flags 0x83, the first block plain, then prefix
# words that name the method.

. "$(dirname "$0")/lib.sh"

# restore announces every compressed set; that line is no complaint.
eval "orig_$(declare -f restore_check)"
restore_check()
{
	ZSAID=$(grep -c '^Dump tape is compressed\.$' "$1")
	grep -v "^Dump tape is compressed\\.$" "$1" >"$1.z"
	mv "$1.z" "$1"
	orig_restore_check "$@"
}

# The corpus (random data, every kind of inode) plus text and zeros that
# compress, so that blocks of both kinds are written.
src=$TESTTMP/src
mkcorpus "$src"
mkdir "$src/text"
seq 1 300000 >"$src/text/seq"
cat "$TOPDIR"/src/*.c >"$src/text/code"
head -c 1048576 /dev/zero >"$src/text/zeros"
rnd $((3 * 1024 * 1024 + 123)) >"$src/huge"
corpus_times "$src"
mkimage "$src" "$TESTTMP/img" ext4 -b 4096

# word FILE OFFSET: the little-endian 32-bit word at OFFSET.
word()
{
	od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '
}

# One volume, each method at two levels; the plain dump for the sizes.
run_opdump "$TESTTMP/plain" "$TESTTMP/img"
plain=$(stat -c %s "$TESTTMP/plain")
for z in -z -z9 -j -j1; do
	vol=$TESTTMP/vol$z
	run_opdump "$vol" "$z" "$TESTTMP/img"
	lvl=${z#-?}
	name=$([ "${z:1:1}" = z ] && echo zlib || echo bzlib)
	grep -q "Compressing output at transformation level ${lvl:-2} ($name)" \
	    "$TESTTMP/opdump.$SEQ.err" || { show "$TESTTMP/opdump.$SEQ.err";
	    fail "$z: no compression message"; }
	grep -q "Wrote [0-9]*kB uncompressed, [0-9]*kB compressed" \
	    "$TESTTMP/opdump.$SEQ.err" || fail "$z: no ratio line"
	size=$(stat -c %s "$vol")
	[ "$size" -lt $((plain * 9 / 10)) ] ||
	    fail "$z: $size bytes, plain $plain: nothing compressed"
	# TS_TAPE c_flags, c_ntrec 32 (restore needs no -b), then the
	# second block's prefix: method bits 1-3 are 0 (zlib) or 1 (bzip2).
	[ "$(word "$vol" 888)" = $((0x83)) ] || fail "$z: TS_TAPE flags"
	[ "$(word "$vol" 896)" = 32 ] || fail "$z: c_ntrec"
	w=$(word "$vol" 32768)
	[ $((w >> 1 & 7)) = "$([ $name = zlib ] && echo 0 || echo 1)" ] ||
	    fail "$z: prefix word $w names the wrong method"
	verify "$vol" "$src"
	[ "$ZSAID" = 1 ] || fail "$z: restore did not see a compressed dump"
	note "$z: $size bytes of $plain"
done
rm -f "$TESTTMP/plain"

# -A: the table of contents is written plain, and says so in its header.
run_opdump "$TESTTMP/avol" -z -A "$TESTTMP/toc" "$TESTTMP/img"
[ "$(word "$TESTTMP/toc" 888)" = 3 ] || fail "-A: TS_TAPE flags of the toc"
"$RESTORE" -t -f "$TESTTMP/toc" >"$TESTTMP/toc.list" 2>"$TESTTMP/toc.err" ||
    { show "$TESTTMP/toc.err"; fail "restore -t cannot read the -A file"; }
grep -q '\./text/seq$' "$TESTTMP/toc.list" || fail "-A: text/seq not listed"
rm -f "$TESTTMP/avol" "$TESTTMP/toc"

# Through a pipe into restore.
dir=$TESTTMP/piped
mkdir "$dir"
"$OPDUMP" -0 -j -f - "$TESTTMP/img" 2>"$TESTTMP/pipe.err" |
    (cd "$dir" && "$RESTORE" -rf - >"$TESTTMP/pipe.log" 2>&1) ||
    { show "$TESTTMP/pipe.err" "$TESTTMP/pipe.log"; fail "pipe"; }
restore_check "$TESTTMP/pipe.log" "restore -rf -"
compare "$src" "$dir"
rm -rf "$dir"

# stored VOL: walk the prefix words of a volume written with -b 32; the
# number of blocks stored as they are in $stored.
stored()
{
	local off=32768 size w

	size=$(stat -c %s "$1")
	stored=0
	while [ $off -lt "$size" ]; do
		w=$(word "$1" $off)
		[ $((w & 1)) = 0 ] && stored=$((stored + 1))
		off=$((off + 4 + (w >> 4)))
	done
	[ $off = "$size" ] || fail "$1: prefixes do not add up to the file"
}

# Random data only: blocks are stored as they are, and restore exactly.
mkdir "$TESTTMP/rnd"
for i in 1 2 3; do rnd $((1024 * 1024 + i * 777)) >"$TESTTMP/rnd/r$i"; done
touch -d @$T_MTIME "$TESTTMP/rnd"/* "$TESTTMP/rnd"
mkimage "$TESTTMP/rnd" "$TESTTMP/rimg" ext4 -b 4096
run_opdump "$TESTTMP/rvol" -z9 "$TESTTMP/rimg"
stored "$TESTTMP/rvol"
[ $stored -ge 90 ] || fail "random data: only $stored blocks stored"
note "random data: $stored blocks stored as they are"
verify "$TESTTMP/rvol" "$TESTTMP/rnd"

# A file libmagic calls gzip data is stored without trying.  Only its
# first bytes are a gzip header: the rest is hex text, which zlib halves,
# so a block stored here was not tried.  A text file of the same size is
# compressed.
mkdir "$TESTTMP/gz"
{ printf '\037\213\010\000\000\000\000\000\000\003'
  rnd 1000000 | od -An -tx1 -v | head -c 2500000; } >"$TESTTMP/gz/data.gz"
rnd 1000000 | od -An -tx1 -v | head -c 2500000 >"$TESTTMP/gz/text"
touch -d @$T_MTIME "$TESTTMP/gz"/* "$TESTTMP/gz"
file -b "$TESTTMP/gz/data.gz" | grep -q '^gzip compressed data' ||
    fail "libmagic does not call the test file gzip: $(file -b "$TESTTMP/gz/data.gz")"
gzsize=$(stat -c %s "$TESTTMP/gz/data.gz")
mkimage "$TESTTMP/gz" "$TESTTMP/gzimg" ext4 -b 4096
run_opdump "$TESTTMP/gzvol" -z "$TESTTMP/gzimg"
stored "$TESTTMP/gzvol"
[ $stored -ge $((gzsize / 32768 - 2)) ] &&
    [ $stored -le $((gzsize / 32768 + 2)) ] ||
    fail "gzip file: $stored blocks stored, $((gzsize / 32768)) expected"
note "gzip file: $stored blocks stored without trying"
verify "$TESTTMP/gzvol" "$TESTTMP/gz"

# Volumes of -B KiB of compressed output: none larger, at least three.
run_opdump "$TESTTMP/one" -z "$TESTTMP/img"
zsize=$(stat -c %s "$TESTTMP/one")
rm -f "$TESTTMP/one"
B=$((zsize / 1024 * 4 / 10))
mvdump "$TESTTMP/B.err" -0 -z --verify -B $B -M -f "$TESTTMP/mb." ||
    { show "$TESTTMP/B.err"; fail "-B: exit status $?"; }
check_done 0 "$TESTTMP/B.err" "-B"
n=0
for v in "$TESTTMP"/mb.*; do
	n=$((n + 1))
	[ "$(stat -c %s "$v")" -le $((B * 1024)) ] ||
	    fail "$v: $(stat -c %s "$v") bytes, more than -B $B KiB"
done
[ $n -ge 3 ] || fail "-B $B: $n volumes"
[ "$(grep -c 'verified' "$TESTTMP/B.err")" = $n ] || fail "-B: not verified"
mvcheck "$TESTTMP/mb." "$src"
note "-B $B: $n volumes"

# The library: its capacity ends volumes (bzip2), then an end of media in
# the middle of volume 1 (zlib); whole blocks only, pieces cut off.
printf 'yes\n%.0s' $(seq 10) >"$TESTTMP/answers"
zrun()
{
	local name=$1 lib=$TESTTMP/$1 z=$2

	mkdir "$lib"
	printf '%s\n' "$3" >"$lib/plan"
	mvdump "$TESTTMP/$name.err" -0 "$z" --verify -f "vtape:$lib" ||
	    { show "$TESTTMP/$name.err"; fail "$name: exit status $?"; }
	check_done 0 "$TESTTMP/$name.err" "$name"
	grep -q "End of tape detected" "$TESTTMP/$name.err" ||
	    fail "$name: no end of media"
	[ -f "$lib/vol002" ] || fail "$name: one volume only"
	mvcheck "$lib/vol" "$src"
	note "$name: $(ls "$lib" | grep -c vol) volumes"
}
zrun capacity -j "capacity $((zsize / 1024 / 3))"
zrun eom -z5 "eom 1 $((zsize / 1024 / 2 + 7))
eom 2 100"

# A damaged compressed block fails --verify and the volume is rewritten:
# the second block (maps, directories) always compresses.
mkdir "$TESTTMP/flip"
echo "flip 1 32800" >"$TESTTMP/flip/plan"
echo rewrite >"$TESTTMP/answers"
mvdump "$TESTTMP/flip.err" -0 -z --verify -f "vtape:$TESTTMP/flip" ||
    { show "$TESTTMP/flip.err"; fail "flip: exit status $?"; }
grep -q "failed verification: .*\(data error\|compressed block\|prefix\)" \
    "$TESTTMP/flip.err" || { show "$TESTTMP/flip.err"; fail "flip: not caught"; }
grep -q "Volume 1 verified" "$TESTTMP/flip.err" || fail "flip: not rewritten"
rm -f "$TESTTMP/answers"
verify "$TESTTMP/flip/vol001" "$src"

# Bad levels: refused before anything is written.
for bad in -z10 -zx -j0 "-z -j"; do
	# shellcheck disable=SC2086
	"$OPDUMP" -0 $bad -f "$TESTTMP/bad" "$TESTTMP/img" \
	    >/dev/null 2>"$TESTTMP/bad.err"
	rc=$?
	[ $rc = 1 ] || fail "$bad: exit status $rc"
	grep -q "compression level\|cannot be used together" \
	    "$TESTTMP/bad.err" || { show "$TESTTMP/bad.err"; fail "$bad: message"; }
	[ ! -e "$TESTTMP/bad" ] || fail "$bad: wrote a volume"
done
