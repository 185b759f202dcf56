# SPDX-License-Identifier: BSD-2-Clause
# -A: the table of contents restore -t and -i read instead of the volume:
# the volume header, both maps, every directory, and the trailer whose
# inode table restore prints ("Starting inode numbers by volume"), with no
# file data.  Also on an incremental, and an unwritable -A path refused.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/incr.sh"

mkcorpus "$TESTTMP/corpus"
img=$TESTTMP/img
mkimage "$TESTTMP/corpus" "$img" ext4 -b 4096

# toc_matches VOL TOC [small]: restore -t lists the same from both, the
# table of contents with the volume table restore finds in its trailer
# (reading a volume, restore -t stops before the trailer).  With "small",
# the table of contents must be under a tenth of the volume: no file data.
toc_matches()
{
	local vol=$1 toc=$2 small=${3:-} f

	for f in "$vol" "$toc"; do
		"$RESTORE" -t -f "$f" </dev/null >"$f.t" 2>"$f.terr" ||
		    { show "$f.terr"; fail "restore -t -f $(basename "$f")"; }
	done
	grep -qxF 'Starting inode numbers by volume:' "$toc.t" &&
	    grep -qxP '\tVolume 1:\s+2' "$toc.t" ||
	    { show "$toc.t"; fail "$(basename "$toc"): no volume table"; }
	grep -v -e '^Starting inode numbers' -e '^.Volume 1:' "$toc.t" |
	    diff -u "$vol.t" - >"$TESTTMP/toc.diff" ||
	    { show "$TESTTMP/toc.diff"; fail "the table of contents lists otherwise"; }
	[ -z "$small" ] ||
	    [ "$(stat -c %s "$toc")" -lt $(($(stat -c %s "$vol") / 10)) ] ||
	    fail "the table of contents holds file data"
	# restore -t -A reads the table of contents and not the volume.
	"$RESTORE" -t -A "$toc" -f /nonexistent </dev/null >"$toc.A" 2>&1 ||
	    { show "$toc.A"; fail "restore -t -A"; }
	diff -u "$toc.t" "$toc.A" >"$TESTTMP/toc.diff" ||
	    { show "$TESTTMP/toc.diff"; fail "restore -t -A lists otherwise"; }
}

tick
opdump_args /dev/null -0u -D "$TESTTMP/dd" -A "$TESTTMP/toc0" \
    -f "$TESTTMP/vol0" "$img"
grep -qxF "  DUMP: Archiving dump to $TESTTMP/toc0" "$TESTTMP/opdump.$SEQ.err" ||
    { show "$TESTTMP/opdump.$SEQ.err"; fail "no 'Archiving dump to'"; }
toc_matches "$TESTTMP/vol0" "$TESTTMP/toc0" small
verify "$TESTTMP/vol0" "$TESTTMP/corpus"

# An incremental's table of contents: the directories it carries.
tick
dbg "$img" <<EOF
write /etc/hostname /names/added
EOF
opdump_args /dev/null -1u -D "$TESTTMP/dd" -A "$TESTTMP/toc1" \
    -f "$TESTTMP/vol1" "$img"
listed "$TESTTMP/toc1" ./names/added
toc_matches "$TESTTMP/vol1" "$TESTTMP/toc1"

"$OPDUMP" -0 -A "$TESTTMP/no/such/dir/toc" -f "$TESTTMP/x.vol" "$img" \
    2>"$TESTTMP/A.err"
[ $? -eq 1 ] && grep -q "^  DUMP: Cannot open $TESTTMP/no/such/dir/toc for writing: " \
    "$TESTTMP/A.err" || { show "$TESTTMP/A.err"; fail "-A: unwritable path taken"; }
[ -e "$TESTTMP/x.vol" ] && fail "-A: a volume was written"
exit 0
