# SPDX-License-Identifier: BSD-2-Clause
# restore -t must list every path of the corpus with the right inode numbers,
# the three names of a hard link under one number, and the label given with
# -L; file(1) must recognise the volume as a dump.

. "$(dirname "$0")/lib.sh"

need file file
mkcorpus "$TESTTMP/corpus"
mkimage "$TESTTMP/corpus" "$TESTTMP/img" ext4 -b 4096
vol=$TESTTMP/vol
run_opdump "$vol" -L corpuslabel "$TESTTMP/img"

timeout 120 "$RESTORE" -tf "$vol" </dev/null >"$TESTTMP/list.raw" \
    2>"$TESTTMP/list.err" || { show "$TESTTMP/list.err"; fail "restore -t failed"; }
grep -q '^Label: corpuslabel$' "$TESTTMP/list.raw" "$TESTTMP/list.err" ||
    { show "$TESTTMP/list.raw"; fail "restore -t does not show the label"; }
grep -q '^Level 0 dump of ' "$TESTTMP/list.raw" "$TESTTMP/list.err" ||
    { show "$TESTTMP/list.raw"; fail "restore -t does not say level 0"; }

# The listing is "<inode>\t<path>", paths starting with "./".
sed -n 's/^ *\([0-9][0-9]*\)\t\.\/\(.*\)$/\2/p' "$TESTTMP/list.raw" |
    grep -v '^lost+found' | sort >"$TESTTMP/listed"
(cd "$TESTTMP/corpus" && find . -mindepth 1 | sed 's|^\./||' | sort) \
    >"$TESTTMP/expected"
[ "$(wc -l <"$TESTTMP/expected")" -gt 3000 ] || fail "the corpus is too small"
if ! diff -u "$TESTTMP/expected" "$TESTTMP/listed" >"$TESTTMP/list.diff"; then
	show "$TESTTMP/list.diff"
	fail "restore -t does not list the corpus exactly"
fi

# Inode numbers must be the image's: compare a few with debugfs.
for p in files/size10000 sym/slow many/entry-3000 "names/with space"; do
	want=$(debugfs -R "stat \"/$p\"" "$TESTTMP/img" 2>/dev/null |
	    sed -n 's/^Inode: *\([0-9]*\).*/\1/p')
	got=$(awk -F '\t' -v p="./$p" '$2 == p { print $1 + 0 }' \
	    "$TESTTMP/list.raw")
	[ -n "$want" ] && [ "$want" = "$got" ] ||
	    fail "$p: restore -t shows inode '$got', the image has '$want'"
done
n=$(awk -F '\t' '$2 ~ /\/hard[123]$/ { print $1 + 0 }' "$TESTTMP/list.raw" |
    sort -u | wc -l)
[ "$n" -eq 1 ] || fail "the three hard links show $n different inode numbers"

file "$vol" >"$TESTTMP/file.out"
grep -q 'new-fs dump file' "$TESTTMP/file.out" ||
    { show "$TESTTMP/file.out"; fail "file(1) does not see a dump volume"; }
grep -q 'Label corpuslabel' "$TESTTMP/file.out" ||
    { show "$TESTTMP/file.out"; fail "file(1) does not see the label"; }
