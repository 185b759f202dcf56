# SPDX-License-Identifier: BSD-2-Clause
# -S prints the size estimate in bytes, alone, on standard output; -f -
# writes the volume to standard output, for a file or a pipe into restore.

. "$(dirname "$0")/lib.sh"

mkcorpus "$TESTTMP/corpus"
img=$TESTTMP/img
# 128-byte inodes put every xattr in the EA block: restore keeps only one EA
# record per directory (see 12-ext4), which is not what this test is about.
mkimage "$TESTTMP/corpus" "$img" ext4 -b 4096 -I 128

timeout 60 "$OPDUMP" -0 -S "$img" </dev/null >"$TESTTMP/S.out" \
    2>"$TESTTMP/S.err" || { show "$TESTTMP/S.err"; fail "-S: exit status $?"; }
[ "$(wc -l <"$TESTTMP/S.out")" -eq 1 ] &&
    grep -Eq '^[0-9]+$' "$TESTTMP/S.out" ||
    { show "$TESTTMP/S.out"; fail "-S must print one number and nothing else"; }
est=$(cat "$TESTTMP/S.out")

run_opdump "$TESTTMP/vol" "$img"
size=$(stat -c %s "$TESTTMP/vol")
[ "$est" -ge $((size / 2)) ] && [ "$est" -le $((size * 2)) ] ||
    fail "-S says $est bytes, the dump is $size bytes"
verify "$TESTTMP/vol" "$TESTTMP/corpus"

# To standard output, redirected to a file; restore reads it on its stdin.
opdump_args "$TESTTMP/stdout.vol" -0 -f - "$img"
cmp -s <(head -c 1024 "$TESTTMP/stdout.vol") <(head -c 1024 /dev/zero) &&
    fail "-f -: the volume starts with zeros"
dir=$TESTTMP/from-stdin
mkdir "$dir" || fail "mkdir"
(cd "$dir" && timeout 300 "$RESTORE" -rf - <"$TESTTMP/stdout.vol") \
    >"$TESTTMP/restore.$SEQ.log" 2>&1 ||
    { show "$TESTTMP/restore.$SEQ.log"; fail "restore -rf - <file failed"; }
restore_check "$TESTTMP/restore.$SEQ.log" "restore -rf - <file"
compare "$TESTTMP/corpus" "$dir"

# Through a pipe: reads come back short, the way restore sees a tape drive.
SEQ=$((SEQ + 1))
dir=$TESTTMP/from-pipe
mkdir "$dir" || fail "mkdir"
timeout 300 "$OPDUMP" -0 -f - "$img" </dev/null 2>"$TESTTMP/opdump.$SEQ.err" |
    (cd "$dir" && timeout 300 "$RESTORE" -rf - >"$TESTTMP/restore.$SEQ.log" 2>&1)
st=("${PIPESTATUS[@]}")
check_done "${st[0]}" "$TESTTMP/opdump.$SEQ.err" "opdump -0 -f - | restore"
[ "${st[1]}" -eq 0 ] ||
    { show "$TESTTMP/restore.$SEQ.log"; fail "restore -rf - from a pipe failed"; }
restore_check "$TESTTMP/restore.$SEQ.log" "restore -rf - from a pipe"
compare "$TESTTMP/corpus" "$dir"
