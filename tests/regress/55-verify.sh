# SPDX-License-Identifier: BSD-2-Clause
# --verify reads each volume back: a flipped byte in a header, a volume cut
# short and a volume swapped for another (faults the library injects after
# writing) are each caught, offered for rewrite, and the rewritten set
# restores exactly.  Good sets pass (every multi-volume test verifies).

. "$(dirname "$0")/lib.sh"

mvcorpus "$TESTTMP/src"
est=$(("$("$OPDUMP" -0 -S -b 10 "$TESTTMP/img")" / 1024))
cap=$((est * 6 / 10))

# run NAME FAULT WHY ANSWERS...: two volumes with FAULT once; WHY is what
# the verification must say.
run()
{
	local name=$1 lib=$TESTTMP/$1 why=$2

	shift 2
	mkdir "$lib"
	printf 'capacity %s\n%s\n' $cap "$FAULT" >"$lib/plan"
	printf '%s\n' "$@" >"$TESTTMP/answers"
	mvdump "$TESTTMP/$name.err" -0 --verify -b 10 -f "vtape:$lib" ||
	    { show "$TESTTMP/$name.err"; fail "$name: exit status $?"; }
	check_done 0 "$TESTTMP/$name.err" "$name"
	grep -q "failed verification: .*$why" "$TESTTMP/$name.err" ||
	    { show "$TESTTMP/$name.err"; fail "$name: not caught"; }
	grep -q "this dump volume will be rewritten" "$TESTTMP/$name.err" ||
	    fail "$name: not rewritten"
	mvcheck "$lib/vol" "$TESTTMP/src"
}

FAULT="flip 1 1040" run flip "bad header checksum" rewrite yes yes
FAULT="truncate 2 300" run truncate "" yes rewrite yes
FAULT="swap 2 1" run swap "volume 1 found, volume 2 expected" \
    yes rewrite yes
