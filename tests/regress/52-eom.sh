# SPDX-License-Identifier: BSD-2-Clause
# End of media injected by the virtual tape library at the positions that
# matter: right after the header block of a volume, inside a file's data
# (mid-block, so records are written twice), inside a TS_ADDR run, at a
# block that starts with a header, right before the trailer.  Every set
# passes --verify and restores exactly.

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
printf 'yes\n%.0s' $(seq 10) >"$TESTTMP/answers"

# Where things are, from a dump on one volume.
mkdir "$TESTTMP/ref"
mvdump "$TESTTMP/ref.err" -0 -b 10 -f "vtape:$TESTTMP/ref" ||
    { show "$TESTTMP/ref.err"; fail "reference dump"; }
"$TAPELS" "$TESTTMP/ref/vol001" >"$TESTTMP/map" || fail "tapels"
total=$(($(stat -c %s "$TESTTMP/ref/vol001") / 1024))
# The image numbers inodes itself: huge is the inode with full headers.
hugehdr=$(awk '$2 == "INODE" && $5 == 512 { print $1; exit }' "$TESTTMP/map")
addr=$(awk '$2 == "ADDR" { print $1; exit }' "$TESTTMP/map")
end=$(awk '$2 == "END" { print $1; exit }' "$TESTTMP/map")
athdr=$(awk '$2 == "INODE" && $1 % 10 == 0 && $1 > 100 { print $1; exit }' \
    "$TESTTMP/map")
[ -n "$hugehdr" ] && [ -n "$addr" ] && [ -n "$end" ] && [ -n "$athdr" ] ||
    { cat "$TESTTMP/map" >&2; fail "positions not found"; }

# run NAME PLAN: one dump on a library with that plan, checked.  restore
# is told the block size: reading a volume file shorter than its buffer
# (32 KiB unless -b), it counts records that are not there.
run()
{
	local name=$1 lib=$TESTTMP/$1

	mkdir "$lib"
	printf '%s\n' "$2" >"$lib/plan"
	mvdump "$TESTTMP/$name.err" -0 --verify -b 10 -f "vtape:$lib" ||
	    { show "$TESTTMP/$name.err"; fail "$name: exit status $?"; }
	check_done 0 "$TESTTMP/$name.err" "$name"
	grep -q "End of tape detected" "$TESTTMP/$name.err" ||
	    fail "$name: no end of media"
	[ -f "$lib/vol002" ] || fail "$name: one volume only"
	mvcheck "$lib/vol" "$src" -b 10
	note "$name: $(ls "$lib" | grep -c vol) volumes"
}

src=$TESTTMP/src
half=$((total / 2))
run header "capacity $half
eom 2 10"
run data "eom 1 $((hugehdr + 203))"
run addr "eom 1 $((addr + 5))"
run athdr "eom 1 $athdr"
# restore 0.4b47 loses the attributes of an inode when the medium ends
# inside its EA record or right after it (see BUGS in opdump(8)), and the
# corpus ends with such an inode: the trailer cases use a tree without.
mkdir "$TESTTMP/plain"
cp "$TESTTMP/src/huge" "$TESTTMP/plain/"
for i in $(seq 40); do rnd $((i * 300)) >"$TESTTMP/plain/f$i"; done
touch -d @$T_MTIME "$TESTTMP/plain"/* "$TESTTMP/plain"
mkimage "$TESTTMP/plain" "$TESTTMP/img" ext4 -b 4096
rm -rf "$TESTTMP/ref"
mkdir "$TESTTMP/ref"
mvdump "$TESTTMP/ref2.err" -0 -b 10 -f "vtape:$TESTTMP/ref" ||
    { show "$TESTTMP/ref2.err"; fail "reference dump"; }
end=$("$TAPELS" "$TESTTMP/ref/vol001" | awk '$2 == "END" { print $1; exit }')
src=$TESTTMP/plain
run trailer "eom 1 $end"
run trailer-dups "eom 1 $((end - 1))"
run before-trailer "eom 1 $((end - 3))"
