#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# `make demo': build a small ext4 image from generated content (mke2fs -d,
# nothing mounted).  On a terminal, opconsole dumps it to a three-volume
# set in the virtual tape library, the operator answering each volume
# change in a dialog; without one, opdump dumps it to a file.  Either way
# restore -t lists what was written, and the script says where it all is.
set -eu

build=$(cd "${1:-build}" && pwd)
demo="$build/demo"
rm -rf "$demo"
mkdir -p "$demo/tree/docs" "$demo/tree/src/lib" "$demo/tree/var/log"

# Generated content: text, a binary file, a sparse file, links, a FIFO.
i=1
while [ $i -le 40 ]; do
	seq 1 $((i * 50)) > "$demo/tree/docs/notes-$i.txt"
	printf 'int f%d(void) { return %d; }\n' $i $i > "$demo/tree/src/lib/f$i.c"
	i=$((i + 1))
done
head -c 3000000 /dev/urandom > "$demo/tree/var/blob.bin"
truncate -s 64M "$demo/tree/var/sparse.img"
printf 'data in the middle' | dd of="$demo/tree/var/sparse.img" bs=1 \
    seek=33554432 conv=notrunc 2>/dev/null
ln "$demo/tree/docs/notes-1.txt" "$demo/tree/docs/hardlink.txt"
ln -s ../docs/notes-2.txt "$demo/tree/src/symlink"
mkfifo "$demo/tree/var/log/fifo"
setfattr -n user.comment -v "set by make demo" "$demo/tree/docs/notes-3.txt" \
    2>/dev/null || true

mke2fs -q -F -t ext4 -L demo -d "$demo/tree" "$demo/demo.img" 32M
if [ -t 0 ] && [ -t 1 ] && [ -z "${DEMO_PLAIN:-}" ]; then
	# 1200 KiB tapes on a 1 MB/s drive: three volumes, slow enough to
	# watch the slaves take turns.
	lib="$demo/lib"
	mkdir -p "$lib"
	printf 'capacity 1200\nrate 1024\n' >"$lib/plan"
	echo "== opconsole -0 -L demo -f vtape:$lib $demo/demo.img"
	echo "Answer each volume change: y, then Enter.  q leaves at the end."
	sleep 2
	rc=0
	OPDUMP="$build/opdump" "$build/opconsole" -0 -L demo -f "vtape:$lib" \
	    "$demo/demo.img" || rc=$?
	echo "== restore -t -M -f $lib/vol"
	/sbin/restore -t -M -f "$lib/vol" </dev/null || true
	echo
	echo "The demo image is $demo/demo.img"
	echo "The volumes are $lib/vol001, vol002, vol003 (opconsole exit $rc)"
	echo "Restore them with:  mkdir /tmp/r && cd /tmp/r && restore -r -M -f $lib/vol"
	exit 0
fi
echo "== opdump -0 -L demo -f $demo/demo.dump $demo/demo.img"
"$build/opdump" -0 -L demo -f "$demo/demo.dump" "$demo/demo.img"
echo "== restore -tf $demo/demo.dump"
/sbin/restore -tf "$demo/demo.dump"
echo "== file $demo/demo.dump"
file "$demo/demo.dump"
echo
echo "The demo image is $demo/demo.img"
echo "The dump volume is $demo/demo.dump"
echo "Restore it with:  mkdir /tmp/r && cd /tmp/r && restore -rf $demo/demo.dump"
