#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every option opdump parses is documented in man/opdump.8, and the page
# formats without warnings.
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
if command -v groff >/dev/null 2>&1; then
	warn=$(groff -mandoc -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$warn" ] || { echo "groff: $warn" >&2; bad=1; }
fi
exit $bad
