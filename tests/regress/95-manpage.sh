#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every option opdump parses is documented in man/opdump.8, every option
# and key of opconsole in man/opconsole.8, and both pages format without
# warnings.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
page="$top/man/opdump.8"
letters=$(sed -n 's/^#define OPTSTRING "\(.*\)"$/\1/p' "$top/src/args.c" | tr -d ':0-9')
[ -n "$letters" ] || { echo "cannot find OPTSTRING in src/args.c" >&2; exit 1; }
bad=0
for ((i = 0; i < ${#letters}; i++)); do
	l=${letters:i:1}
	grep -q "Fl $l\b\|Fl $l,\|Fl $l)" "$page" ||
	    grep -q "^\.Fl $l\b\|Fl ( $l\b\|^\.Fl $l \|^\.It Fl $l" "$page" ||
	    { echo "option -$l is not in $page" >&2; bad=1; }
done
for long in $(grep -o '{ "[a-z-]*",' "$top/src/args.c" | tr -d '{",' ); do
	case $long in help|version) continue ;; esac
	grep -q "Fl -$long" "$page" || { echo "option --$long is not in $page" >&2; bad=1; }
done
cpage="$top/man/opconsole.8"
for long in $(grep -o 'strcmp(argv\[1\], "--[a-z]*")' "$top/ui/console.c" |
    sed 's/.*"--\([a-z]*\)")/\1/'); do
	grep -q "Fl -$long" "$cpage" || { echo "opconsole --$long is not in $cpage" >&2; bad=1; }
done
# The key table's names, e.g. { 'd', "d", ...: each has its .It Ic line.
n=0
while IFS= read -r name; do
	n=$((n + 1))
	first=${name%%,*}
	[ "$first" = "?" ] && first='\\&?'
	grep -q "^\.It Ic $first\b\|^\.It Ic $first\$\|^\.It Ic $first " "$cpage" ||
	    { echo "opconsole key '$name' is not in $cpage" >&2; bad=1; }
done < <(sed -n "s/^[[:space:]]*{ [^,]*, \"\([^\"]*\)\", \".*/\1/p" "$top/ui/keys.c")
[ "$n" -ge 8 ] || { echo "found only $n keys in ui/keys.c" >&2; bad=1; }
# Every keyword the policy parser knows has its entry in the policy's page.
rpage="$top/man/opdump-rotation.5"
kw=$(grep -o 'strcmp(key, "[a-z-]*")' "$top/src/policy.c" | sed 's/.*"\(.*\)")/\1/')
[ "$(echo "$kw" | wc -w)" -ge 3 ] || { echo "found only: $kw in src/policy.c" >&2; bad=1; }
for k in $kw; do
	grep -q "^\.It Cm $k\b" "$rpage" || { echo "policy keyword $k is not in $rpage" >&2; bad=1; }
done
if command -v groff >/dev/null 2>&1; then
	for p in "$page" "$cpage" "$rpage"; do
		warn=$(groff -mandoc -Tutf8 -ww -z "$p" 2>&1)
		[ -z "$warn" ] || { echo "groff: $p: $warn" >&2; bad=1; }
	done
fi
exit $bad
