#!/bin/bash
# Benchmark opdump against Debian's dump(8) on the same ext4 filesystems.
#
# Usage: tests/bench.sh BUILD_DIR
#   BUILD_DIR/opdump is the program measured (OPDUMP=path overrides it, which
#   is how the script is exercised with /sbin/dump standing in for opdump).
#   The table is printed and also written to BUILD_DIR/bench.txt.
#
# Environment:
#   OPDUMP        program to measure instead of BUILD_DIR/opdump
#   BENCH_CACHE   where the generated images are kept (default
#                 /var/tmp/opdump-bench); they are rebuilt only when missing
#                 or when GEN_VERSION or an image's parameters change
#   BENCH_RUNS    timed runs per program and configuration (default 5)
#   BENCH_ZRUNS   timed runs per program of the compressed dumps (default 3)
#   BENCH_CRUNS   timed runs each way of the console's cost (default 9)
#
# Needs root for losetup; without it only opdump is measured (on the image
# file) and the comparison columns show "-".
#
# No pipefail: the one pipeline that matters (seeded_stream | populate) ends
# with openssl killed by SIGPIPE by design, and populate checks for itself
# that it got every byte it needed.
set -eu

# Bump whenever the image recipe below changes: the cached images are keyed
# on it, so a stale cache can never be compared with a new one by accident.
GEN_VERSION=2

DUMP=/sbin/dump
RESTORE=/sbin/restore
TIME=/usr/bin/time
RUNS=${BENCH_RUNS:-5}
ZRUNS=${BENCH_ZRUNS:-3}
CRUNS=${BENCH_CRUNS:-9}
CACHE=${BENCH_CACHE:-/var/tmp/opdump-bench}

# Filled in as the run goes; the EXIT trap tidies whatever was set up.
LOOPDEV=
SCRATCH=
SHMOUT=
READER=

say() {
	printf '%s\n' "$*" >&2
}

die() {
	say "bench: $*"
	exit 1
}

now_ns() {
	date +%s%N
}

# Seconds (3 decimals) between two now_ns stamps, for progress lines.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

cleanup() {
	# A reader of a FIFO that no dump opened would wait for ever.
	if [ -n "$READER" ]; then
		kill "$READER" 2>/dev/null || true
	fi
	# Detach first: a loop device left behind would pin the image and leak
	# a device node on a shared machine.
	if [ -n "$LOOPDEV" ]; then
		losetup -d "$LOOPDEV" 2>/dev/null || say "bench: could not detach $LOOPDEV"
		LOOPDEV=
	fi
	if [ -n "$SHMOUT" ]; then
		rm -f "$SHMOUT"
	fi
	if [ -n "$SCRATCH" ]; then
		tmux -S "$SCRATCH/tmux" kill-server 2>/dev/null || true
		rm -rf "$SCRATCH"
	fi
}

# Install the Debian package that provides a missing tool; a fresh machine
# may lack /usr/bin/time (package "time") or dump/restore (package "dump").
need_tool() {
	local tool="$1" pkg="$2"
	[ -x "$tool" ] && return 0
	say "bench: $tool missing, installing package $pkg"
	[ "$(id -u)" -eq 0 ] || die "$tool is missing and installing $pkg needs root"
	apt-get update -q >/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null ||
		die "apt-get install $pkg failed"
	[ -x "$tool" ] || die "$tool still missing after installing $pkg"
}

# ---------------------------------------------------------------------------
# Image generation
# ---------------------------------------------------------------------------

# A deterministic stream of incompressible bytes: AES-CTR over zeros with a
# fixed key is reproducible on every machine and far faster than a PRNG in a
# scripting language. The IV selects an independent stream per image.
seeded_stream() {
	openssl enc -aes-128-ctr -nosalt \
		-K 0f1e2d3c4b5a69788796a5b4c3d2e1f0 -iv "$1" -in /dev/zero 2>/dev/null
}

# Write the file tree in one process (one process per file would make the
# 120k-file image take minutes). File sizes and placement come from a
# xorshift32 generator written out here rather than Perl's rand(), whose
# sequence may differ between Perl builds; the contents come from stdin.
#   populate DIR NBIG BIGSIZE NSMALL MINSIZE MAXSIZE NTOP NSUB SEED
# makes NTOP*NSUB directories topNN/subNN, NBIG files of BIGSIZE bytes in
# big/, and NSMALL files of MINSIZE..MAXSIZE bytes spread over the directories.
populate() {
	perl -e '
		use strict; use warnings;
		my ($root, $nbig, $bigsize, $nsmall, $min, $max, $ntop, $nsub, $seed) = @ARGV;
		my $x = $seed & 0xffffffff;
		sub rnd {
			$x ^= ($x << 13) & 0xffffffff;
			$x ^= $x >> 17;
			$x ^= ($x << 5) & 0xffffffff;
			return $x;
		}
		sub take {
			my ($n) = @_;
			my $buf = "";
			while (length($buf) < $n) {
				my $got = read(STDIN, $buf, $n - length($buf), length($buf));
				die "populate: data stream ended early\n" unless $got;
			}
			return $buf;
		}
		sub spit {
			my ($path, $data) = @_;
			open(my $fh, ">:raw", $path) or die "populate: $path: $!\n";
			print $fh $data or die "populate: $path: $!\n";
			close($fh) or die "populate: $path: $!\n";
		}
		binmode(STDIN);
		if ($nbig > 0) {
			mkdir("$root/big") or die "populate: mkdir big: $!\n";
			spit(sprintf("%s/big/big%02d", $root, $_), take($bigsize)) for 1 .. $nbig;
		}
		my @dirs;
		for my $t (1 .. $ntop) {
			my $top = sprintf("%s/top%02d", $root, $t);
			mkdir($top) or die "populate: mkdir $top: $!\n";
			for my $s (1 .. $nsub) {
				my $d = sprintf("%s/sub%02d", $top, $s);
				mkdir($d) or die "populate: mkdir $d: $!\n";
				push(@dirs, $d);
			}
		}
		for my $i (1 .. $nsmall) {
			my $size = $min + rnd() % ($max - $min + 1);
			my $dir = $dirs[rnd() % @dirs];
			spit(sprintf("%s/f%06d", $dir, $i), take($size));
		}
	' "$@"
}

# build_image NAME SIZE_MIB INODES IV KIND populate-args...
# Builds CACHE/NAME.img unless it exists with a matching stamp. The image is
# made by mke2fs -d from a staging tree (never mounted), under a temporary
# name so an interrupted build is never mistaken for a finished one.  KIND
# raw fills the files with the seeded stream; text with its hex dump (about
# 2:1 with zlib) and adds big/raw, 8 MiB of the raw stream, that does not
# compress, for the compressed rows.
build_image() {
	local name="$1" size="$2" inodes="$3" iv="$4" kind="$5" img stamp want
	local staging t0
	shift 5
	img=$CACHE/$name.img
	stamp=$CACHE/$name.stamp
	want="gen=$GEN_VERSION size=${size}M inodes=$inodes iv=$iv args=$*"
	[ "$kind" = raw ] || want="$want kind=$kind"
	if [ -f "$img" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		say "bench: image $name cached: $img"
		return 0
	fi
	say "bench: building image $name ($want)"
	t0=$(now_ns)
	rm -f "$img" "$stamp"
	staging=$CACHE/$name.staging
	rm -rf "$staging" "$img.tmp"
	mkdir -p "$staging"
	if [ "$kind" = text ]; then
		seeded_stream "$iv" | od -An -tx1 -v | populate "$staging" "$@"
		mkdir -p "$staging/big"
		seeded_stream "$(printf '%032x' $((0x${iv#????????????????} + 1)))" |
			head -c 8388608 >"$staging/big/raw"
	else
		seeded_stream "$iv" | populate "$staging" "$@"
	fi
	# Fixed UUID and hash seed make the directory hashes, and so the order
	# in which both dumps walk the tree, the same on every machine.  4 KiB
	# blocks for every size: mke2fs would pick 1 KiB under 512 MiB, and the
	# scale series would then change shape halfway.
	mke2fs -q -F -t ext4 -b 4096 -N "$inodes" -L "bench-$name" \
		-U "6f706475-6d70-4265-6e63-${iv#????????????????????}" \
		-E hash_seed=6f706475-6d70-4265-6e63-680000000000 \
		-d "$staging" "$img.tmp" "${size}M" >/dev/null
	rm -rf "$staging"
	# Push the new image to disk now: otherwise its writeback runs during the
	# first timed runs and skews them.
	sync "$img.tmp"
	mv "$img.tmp" "$img"
	printf '%s\n' "$want" >"$stamp"
	say "bench: image $name built in $(elapsed "$t0" "$(now_ns)")s"
}

# The scale series: opdump alone on three sizes of one shape, growing the
# data at a fixed file count (d1-d3: 4, 8, 16 files of 32 MiB) or the file
# count at a fixed file size (i1-i3: 25000, 50000, 100000 files of 1-4 KiB,
# with inode tables to match).
SCALE_DATA="d1:4:256:8192 d2:8:448:8192 d3:16:832:8192"
SCALE_FILES="i1:25000:192:32768 i2:50000:384:65536 i3:100000:768:131072"

build_images() {
	local spec name n size inodes k=16
	mkdir -p "$CACHE"
	# Two benchmarks started together must not build into the same staging
	# tree; the lock is dropped before measuring so no child inherits it.
	exec 9>"$CACHE/lock"
	flock 9
	# big: 8 x 24 MiB incompressible files plus 30000 files of 1-8 KiB in
	# 300 directories; the large files measure streaming, the rest the
	# per-inode cost on a realistic mix.
	build_image big 640 65536 00000000000000000000000000000001 raw \
		8 25165824 30000 1024 8192 15 20 1
	# small: 120000 files of 1-4 KiB in 400 directories, so per-inode work
	# (headers, inode and directory reads) dominates.
	build_image small 768 131072 00000000000000000000000000000002 raw \
		0 0 120000 1024 4096 20 20 2
	# long: 8 x 256 MiB plus the small files of big, a dump of a few
	# seconds, so that the console's cost is measured on a steady dump and
	# not on its first milliseconds.
	build_image long 2560 65536 00000000000000000000000000000003 raw \
		8 268435456 30000 1024 8192 15 20 3
	# text: for the compressed dumps, 2 x 8 MiB and 3000 files of 1-16 KiB
	# of text, plus the 8 MiB of raw bytes.
	build_image text 96 8192 00000000000000000000000000000004 text \
		2 8388608 3000 1024 16384 5 10 4
	for spec in $SCALE_DATA; do
		IFS=: read -r name n size inodes <<-EOF
		$spec
		EOF
		build_image "$name" "$size" "$inodes" \
			"$(printf '%032x' $k)" raw "$n" 33554432 0 1 1 1 1 "$k"
		k=$((k + 1))
	done
	for spec in $SCALE_FILES; do
		IFS=: read -r name n size inodes <<-EOF
		$spec
		EOF
		build_image "$name" "$size" "$inodes" \
			"$(printf '%032x' $k)" raw 0 0 "$n" 1024 4096 20 20 "$k"
		k=$((k + 1))
	done
	exec 9>&-
}

# ---------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------

# Read the image once so that every timed run finds it in the page cache.
warm_cache() {
	cat "$1" >/dev/null
}

# The loop device has a page cache of its own in front of the image file's.
# Debian's dump empties it when it starts (it issues BLKFLSBUF on the
# device), so a program that does not would find the blocks the previous run
# left there and look faster for it. Emptying it before every timed run puts
# dump, opdump and dd on the same footing: loop cache cold, image file warm.
flush_loop() {
	if [ -n "$LOOPDEV" ]; then
		blockdev --flushbufs "$LOOPDEV"
	fi
}

# The "N blocks" of dump's closing "  DUMP: N blocks (X.XXMB) on 1
# volume(s)" line (without the volumes to a pipe), in 1 KiB units; for
# /dev/null and a FIFO there is no file to stat.
dump_blocks() {
	sed -n 's/^  DUMP: \([0-9][0-9]*\) blocks ([^)]*)\( on [0-9][0-9]* volume(s)\)\{0,1\}$/\1/p' \
		"$1" | tail -n 1
}

# run_dump PROG BFACTOR OUT SOURCE TAG [OPTION]
# One timed run, with OPTION (-z, -j) if given. Leaves the wall time in ns in $SCRATCH/TAG.ns (appended),
# the peak RSS in KiB in $SCRATCH/TAG.rss (appended), the bytes written in
# $SCRATCH/TAG.bytes (last run wins) and stderr in $SCRATCH/TAG.err.
run_dump() {
	local prog="$1" bf="$2" out="$3" src="$4" tag="$5" z="${6:-}" bopt t0 t1
	local blocks size
	if [ "$bf" = default ]; then
		bopt=
	else
		bopt="-b $bf"
	fi
	[ "$out" = /dev/null ] || [ -p "$out" ] || rm -f "$out"
	flush_loop
	# A FIFO needs a reader for the whole dump.
	[ ! -p "$out" ] || { cat "$out" >/dev/null & READER=$!; }
	t0=$(now_ns)
	# shellcheck disable=SC2086 # $bopt, $z: empty or words on purpose
	if ! "$TIME" -f %M -o "$SCRATCH/$tag.time" \
		"$prog" -0 $bopt $z -f "$out" "$src" </dev/null >/dev/null 2>"$SCRATCH/$tag.err"; then
		cat "$SCRATCH/$tag.err" >&2
		die "$prog -0 $bopt -f $out $src failed"
	fi
	t1=$(now_ns)
	[ ! -p "$out" ] || wait "$READER"
	echo $((t1 - t0)) >>"$SCRATCH/$tag.ns"
	# time -o writes the %M figure on the last line (after any notices).
	tail -n 1 "$SCRATCH/$tag.time" >>"$SCRATCH/$tag.rss"
	blocks=$(dump_blocks "$SCRATCH/$tag.err")
	[ -n "$blocks" ] || die "$prog printed no '  DUMP: N blocks' line"
	if [ "$out" = /dev/null ] || [ -p "$out" ]; then
		echo $((blocks * 1024)) >"$SCRATCH/$tag.bytes"
	else
		size=$(stat -c %s "$out")
		# Worth knowing if a program's own count disagrees with what it
		# wrote; the file size is what is used.
		if [ -z "$z" ] && [ "$size" -ne $((blocks * 1024)) ]; then
			say "bench: note: $prog reported $blocks blocks but wrote $size bytes"
		fi
		echo "$size" >"$SCRATCH/$tag.bytes"
	fi
}

# run_dd SOURCE OUT MIB TAG: the copy limit, i.e. moving as many MiB as the
# dump wrote from the same device to the same place with no work in between.
run_dd() {
	local t0 t1
	[ "$2" = /dev/null ] || [ -p "$2" ] || rm -f "$2"
	flush_loop
	[ ! -p "$2" ] || { cat "$2" >/dev/null & READER=$!; }
	t0=$(now_ns)
	LC_ALL=C dd if="$1" of="$2" bs=1M count="$3" iflag=fullblock \
		2>"$SCRATCH/$4.err" || die "dd from $1 failed"
	t1=$(now_ns)
	[ ! -p "$2" ] || wait "$READER"
	echo $((t1 - t0)) >>"$SCRATCH/$4.ns"
	# The device may be shorter than the dump was, so use what dd copied.
	sed -n 's/^\([0-9][0-9]*\) bytes .*copied.*/\1/p' "$SCRATCH/$4.err" >"$SCRATCH/$4.bytes"
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# "min/median/max" seconds of a .ns file: the spread shows how far a
# difference between the two programs can be trusted on this machine.
spread() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END { printf "%.2f/%.2f/%.2f", v[1] / 1e9, v[int((NR + 1) / 2)] / 1e9, v[NR] / 1e9 }'
}

maximum() {
	sort -n "$1" | tail -n 1
}

# mbps BYTES NS: decimal megabytes (10^6 bytes) per second.
mbps() {
	awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / (t / 1e9) }'
}

# A progress line, kept too for the details section of bench.txt.
detail() {
	say "bench: $*"
	printf '  %s\n' "$*" >>"$SCRATCH/details"
}

row() {
	printf '%-6s %-7s %-9s %10s %10s %7s %10s %11s %11s\n' "$@"
}

# bench_config IMAGE SOURCE BFACTOR OUTKIND OUT
# Runs dump and opdump alternately RUNS times, then dd, and appends one row.
bench_config() {
	local image="$1" src="$2" bf="$3" kind="$4" out="$5" t0 i ref mib
	local o_ns o_mbps o_rss c_ns c_mbps d_ns d_mbps d_rss ratio d_time
	rm -f "$SCRATCH"/d.* "$SCRATCH"/o.* "$SCRATCH"/c.*
	t0=$(now_ns)
	i=1
	while [ "$i" -le "$RUNS" ]; do
		# Alternate so drift (thermal, other load) hits both alike.
		if [ -n "$LOOPDEV" ]; then
			run_dump "$DUMP" "$bf" "$out" "$src" d
		fi
		run_dump "$OPDUMP" "$bf" "$out" "$src" o
		i=$((i + 1))
	done
	# Only the last run's output is still there; check that it restores.
	if [ "$out" != /dev/null ] && [ ! -p "$out" ]; then
		"$RESTORE" -tf "$out" </dev/null >/dev/null 2>"$SCRATCH/restore.err" || {
			cat "$SCRATCH/restore.err" >&2
			die "restore -tf cannot list opdump's output ($image -b $bf $kind)"
		}
	fi
	if [ -n "$LOOPDEV" ]; then
		ref=d
	else
		ref=o
	fi
	mib=$((($(cat "$SCRATCH/$ref.bytes") + 1048575) / 1048576))
	i=1
	while [ "$i" -le "$RUNS" ]; do
		run_dd "$src" "$out" "$mib" c
		i=$((i + 1))
	done
	[ "$out" = /dev/null ] || [ -p "$out" ] || rm -f "$out"

	o_ns=$(median "$SCRATCH/o.ns")
	o_mbps=$(mbps "$(cat "$SCRATCH/o.bytes")" "$o_ns")
	o_rss=$(maximum "$SCRATCH/o.rss")
	c_ns=$(median "$SCRATCH/c.ns")
	c_mbps=$(mbps "$(cat "$SCRATCH/c.bytes")" "$c_ns")
	if [ -n "$LOOPDEV" ]; then
		d_ns=$(median "$SCRATCH/d.ns")
		d_mbps=$(mbps "$(cat "$SCRATCH/d.bytes")" "$d_ns")
		d_rss=$(maximum "$SCRATCH/d.rss")
		# Both dumped the same filesystem: the ratio of their times is
		# the speedup, whatever each wrote (opdump leaves out the blocks
		# past the end of files, so it writes less).
		ratio=$(awk -v o="$o_ns" -v d="$d_ns" 'BEGIN { printf "%.2f", d / o }')
		d_time="dump $(spread "$SCRATCH/d.ns")"
		# MB/s is per program's own output: say when the sizes differ.
		if [ "$(cat "$SCRATCH/o.bytes")" != "$(cat "$SCRATCH/d.bytes")" ]; then
			detail "note: $image -b $bf $kind: opdump wrote" \
				"$(cat "$SCRATCH/o.bytes") bytes, dump $(cat "$SCRATCH/d.bytes")"
		fi
	else
		d_mbps=- d_rss=- ratio=- d_time="dump skipped"
	fi
	detail "$image -b $bf $kind: $d_time, opdump $(spread "$SCRATCH/o.ns")," \
		"dd $(spread "$SCRATCH/c.ns") s min/med/max; $mib MiB;" \
		"took $(elapsed "$t0" "$(now_ns)")s"
	row "$image" "$bf" "$kind" "$d_mbps" "$o_mbps" "$ratio" "$c_mbps" \
		"$d_rss" "$o_rss" >>"$SCRATCH/table"
}

# The "N" of "  DUMP: Wrote NkB uncompressed, MkB compressed, R:1": the
# KiB the compressed dump stands for.
dump_unckib() {
	sed -n 's/^  DUMP: Wrote \([0-9][0-9]*\)kB uncompressed, .*/\1/p' "$1" | tail -n 1
}

# bench_zconfig IMAGE SOURCE OPTION OUT: compressed dumps (-z, -j) by both
# programs, alternately ZRUNS times, each with its own default blocking
# factor; one row: size ratio (KiB dumped / KiB written) and MB/s of
# uncompressed dump data per second of wall time.
bench_zconfig() {
	local image="$1" src="$2" z="$3" out="$4" t0 i p unc bytes r m
	local ratio_d=- ratio_o mbps_d=- mbps_o speed=- d_time="dump skipped"
	rm -f "$SCRATCH"/d.* "$SCRATCH"/o.*
	t0=$(now_ns)
	i=1
	while [ "$i" -le "$ZRUNS" ]; do
		if [ -n "$LOOPDEV" ]; then
			run_dump "$DUMP" default "$out" "$src" d "$z"
		fi
		run_dump "$OPDUMP" default "$out" "$src" o "$z"
		i=$((i + 1))
	done
	"$RESTORE" -tf "$out" </dev/null >/dev/null 2>"$SCRATCH/restore.err" || {
		cat "$SCRATCH/restore.err" >&2
		die "restore -tf cannot list opdump's $z output ($image)"
	}
	rm -f "$out"
	for p in o d; do
		[ -f "$SCRATCH/$p.ns" ] || continue
		unc=$(dump_unckib "$SCRATCH/$p.err")
		[ -n "$unc" ] || die "no 'Wrote NkB uncompressed' line ($p, $z)"
		bytes=$(cat "$SCRATCH/$p.bytes")
		r=$(awk -v u="$unc" -v b="$bytes" 'BEGIN { printf "%.3f", u * 1024 / b }')
		m=$(mbps $((unc * 1024)) "$(median "$SCRATCH/$p.ns")")
		if [ $p = o ]; then
			ratio_o=$r mbps_o=$m
		else
			ratio_d=$r mbps_d=$m
		fi
	done
	if [ -n "$LOOPDEV" ]; then
		speed=$(awk -v o="$(median "$SCRATCH/o.ns")" \
			-v d="$(median "$SCRATCH/d.ns")" 'BEGIN { printf "%.2f", d / o }')
		d_time="dump $(spread "$SCRATCH/d.ns")"
	fi
	detail "$image $z: $d_time, opdump $(spread "$SCRATCH/o.ns") s" \
		"min/med/max; took $(elapsed "$t0" "$(now_ns)")s"
	printf '%-6s %-4s %10s %12s %10s %12s %7s\n' "$image" "$z" "$ratio_d" \
		"$ratio_o" "$mbps_d" "$mbps_o" "$speed" >>"$SCRATCH/ztable"
}

# console_run WRAPPER FIFO SOURCE RUNDIR N: one dump under opconsole, into
# FIFO (read by cat meanwhile), in a session of the tmux server already
# running, timed by WRAPPER into con.ns, which then holds N lines; the
# console's own CPU time (in ns, from /proc/PID/schedstat) is appended to
# con.cpu just before it quits.
console_run() {
	local n=0 pid
	flush_loop
	cat "$2" >/dev/null &
	READER=$!
	tmux -S "$SCRATCH/tmux" new-session -d -x 80 -y 24 -s "con$5" \
		"env OPDUMP='$1' OPDUMP_RUNDIR='$4' \
		'$OPCONSOLE' -0 -b 10 -f '$2' '$3'" ||
		die "cannot start opconsole in tmux"
	until [ "$(cat "$SCRATCH/con.ns" 2>/dev/null | wc -l)" -ge "$5" ]; do
		n=$((n + 1))
		[ "$n" -lt 1200 ] || die "the dump under opconsole did not end in 120 s"
		sleep 0.1
	done
	wait "$READER"
	pid=$(tmux -S "$SCRATCH/tmux" list-panes -t "con$5" -F '#{pane_pid}')
	cut -d ' ' -f 1 "/proc/$pid/schedstat" >>"$SCRATCH/con.cpu"
	tmux -S "$SCRATCH/tmux" send-keys -t "con$5" q
	sleep 0.3
	tmux -S "$SCRATCH/tmux" kill-session -t "con$5" 2>/dev/null || true
}

# bench_console IMAGE SOURCE: the same dump, into a FIFO that cat empties
# (a pipe, as to ssh or a tape host, that moves the bytes at a steady rate
# without filling the page cache), run plainly and under
# opconsole (in an 80x24 tmux session, the console attached from the
# start), alternately CRUNS times.  Under the console the engine is timed
# by a wrapper that opconsole starts in its place, so the console's own
# start and exit are not counted; the tmux server is started once, before
# the first run, so that its start is not counted either.  Appends one row
# to the console table: the throughput both ways, the cost in wall time
# (medians), and the console process's own CPU time per dump.
bench_console() {
	local image="$1" src="$2" out="$SCRATCH/console.fifo" i w run_dir o_ns
	local c_ns o_mbps c_mbps cost
	local cpu
	w=$SCRATCH/timed-opdump
	run_dir=$SCRATCH/run
	mkdir -p -m 700 "$run_dir"
	cat >"$w" <<-EOF
	#!/bin/sh
	t0=\$(date +%s%N)
	"$OPDUMP" "\$@"
	rc=\$?
	echo \$((\$(date +%s%N) - t0)) >>"$SCRATCH/con.ns"
	exit \$rc
	EOF
	chmod +x "$w"
	# opconsole starts the engine in a session of its own, and with the
	# scheduler's autogroups a session shares the CPUs fairly with the
	# others, here with cat's: the plain dump gets a session of its own too.
	printf '#!/bin/sh\nexec setsid -w "%s" "$@"\n' "$OPDUMP" >"$SCRATCH/plain-opdump"
	chmod +x "$SCRATCH/plain-opdump"
	rm -f "$SCRATCH"/o.* "$SCRATCH"/con.* "$out"
	mkfifo "$out"
	tmux -S "$SCRATCH/tmux" new-session -d -x 80 -y 24 -s idle "sleep 86400" ||
		die "cannot start tmux"
	i=1
	while [ "$i" -le "$CRUNS" ]; do
		# Alternate which goes first: the first of a pair runs after a
		# pause and finds the machine in another state.
		if [ $((i % 2)) = 1 ]; then
			run_dump "$SCRATCH/plain-opdump" 10 "$out" "$src" o
			console_run "$w" "$out" "$src" "$run_dir" "$i"
		else
			console_run "$w" "$out" "$src" "$run_dir" "$i"
			run_dump "$SCRATCH/plain-opdump" 10 "$out" "$src" o
		fi
		i=$((i + 1))
	done
	tmux -S "$SCRATCH/tmux" kill-server 2>/dev/null || true
	o_ns=$(median "$SCRATCH/o.ns")
	c_ns=$(median "$SCRATCH/con.ns")
	o_mbps=$(mbps "$(cat "$SCRATCH/o.bytes")" "$o_ns")
	c_mbps=$(mbps "$(cat "$SCRATCH/o.bytes")" "$c_ns")
	cost=$(awk -v o="$o_ns" -v c="$c_ns" 'BEGIN { printf "%+.1f%%", (c - o) * 100 / o }')
	# The console's CPU time per dump, as a share of the plain dump's time.
	cpu=$(awk -v o="$o_ns" '{ t += $1 } END {
		printf "%.1f ms (%.1f%%)", t / NR / 1e6, t / NR * 100 / o }' \
		"$SCRATCH/con.cpu")
	detail "$image console: plain $(spread "$SCRATCH/o.ns"), under opconsole" \
		"$(spread "$SCRATCH/con.ns") s min/med/max"
	printf '%-6s %-9s %14s %18s %8s %18s\n' "$image" pipe "$o_mbps" \
		"$c_mbps" "$cost" "$cpu" >>"$SCRATCH/contable"
}

# attach IMAGE: SRC becomes a loop device on IMAGE (LOOPDEV, so that the
# EXIT trap detaches it), or IMAGE itself when losetup fails; the image is
# read once so that every timed run finds it in the page cache.
attach() {
	SRC=$1
	if LOOPDEV=$(losetup -f --show -r "$1" 2>"$SCRATCH/losetup.err"); then
		SRC=$LOOPDEV
		say "bench: $1 on $LOOPDEV"
	else
		LOOPDEV=
		detail "losetup failed ($(cat "$SCRATCH/losetup.err")):" \
			"comparison with $DUMP skipped, opdump reads $1 directly"
	fi
	warm_cache "$1"
}

detach() {
	if [ -n "$LOOPDEV" ]; then
		losetup -d "$LOOPDEV"
		LOOPDEV=
	fi
}

# bench_scale SERIES SPEC...: opdump alone, at its default settings, on each
# image of a series to /dev/null (tmpfs pages would add their own noise),
# medians of RUNS; one row per image with the time per unit of the series'
# dimension (s per GiB written, or ms per 1000 files), over the whole dump
# and from the previous size to this one (the slope, which leaves out what
# every dump costs whatever its size: starting, libmagic, closing), and the
# peak RSS.  Linear growth shows as a flat slope.
bench_scale() {
	local series="$1" spec name n size inodes ns bytes rss per t0 i
	local pns=0 pbytes=0 pn=0 slope
	shift
	for spec in "$@"; do
		IFS=: read -r name n size inodes <<-EOF
		$spec
		EOF
		attach "$CACHE/$name.img"
		rm -f "$SCRATCH"/s.*
		t0=$(now_ns)
		i=1
		while [ "$i" -le "$RUNS" ]; do
			run_dump "$OPDUMP" default /dev/null "$SRC" s
			i=$((i + 1))
		done
		detach
		ns=$(median "$SCRATCH/s.ns")
		bytes=$(cat "$SCRATCH/s.bytes")
		rss=$(maximum "$SCRATCH/s.rss")
		if [ "$series" = data ]; then
			per=$(awk -v t="$ns" -v b="$bytes" \
				'BEGIN { printf "%.3f s/GiB", t / 1e9 / (b / 1073741824) }')
			slope=$(awk -v t="$((ns - pns))" -v b="$((bytes - pbytes))" \
				'BEGIN { printf "%.3f s/GiB", t / 1e9 / (b / 1073741824) }')
		else
			per=$(awk -v t="$ns" -v f="$n" \
				'BEGIN { printf "%.2f ms/1000", t / 1e6 / (f / 1000) }')
			slope=$(awk -v t="$((ns - pns))" -v f="$((n - pn))" \
				'BEGIN { printf "%.2f ms/1000", t / 1e6 / (f / 1000) }')
		fi
		[ "$pns" -ne 0 ] || slope=-
		pns=$ns pbytes=$bytes pn=$n
		detail "scale $name: opdump $(spread "$SCRATCH/s.ns") s" \
			"min/med/max; took $(elapsed "$t0" "$(now_ns)")s"
		printf '%-6s %7s %8s %8s %7s %8s %14s %14s %8s\n' "$name" "$n" \
			"$inodes" "$((bytes / 1048576))" \
			"$(awk -v t="$ns" 'BEGIN { printf "%.3f", t / 1e9 }')" \
			"$(mbps "$bytes" "$ns")" "$per" "$slope" "$rss" >>"$SCRATCH/stable"
	done
}

# Prefer tmpfs for file output so the benchmark measures the programs, not
# the disk; fall back to the scratch directory, and say which was used.
pick_file_output() {
	local need_kib
	need_kib=$(($(stat -c %s "$CACHE/long.img") * 3 / 2 / 1024))
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
		[ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt "$need_kib" ]; then
		SHMOUT=/dev/shm/opdump-bench.$$.dump
		FILEOUT=$SHMOUT
	else
		FILEOUT=$SCRATCH/out.dump
	fi
	FILEKIND=$(stat -f -c %T "$(dirname "$FILEOUT")")
}

main() {
	local build_dir start image bf z
	[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
	build_dir=$1
	[ -d "$build_dir" ] || die "$build_dir is not a directory"
	OPDUMP=${OPDUMP:-$build_dir/opdump}
	case $RUNS in
	'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer" ;;
	esac
	[ -x "$OPDUMP" ] || die "$OPDUMP is not an executable (build first, or set OPDUMP)"
	need_tool "$TIME" time
	need_tool "$DUMP" dump
	need_tool "$RESTORE" dump
	need_tool /usr/bin/tmux tmux
	OPCONSOLE=${OPCONSOLE:-$build_dir/opconsole}
	[ -x "$OPCONSOLE" ] || die "$OPCONSOLE is not an executable"
	command -v openssl >/dev/null || die "openssl is needed to generate the images"
	command -v mke2fs >/dev/null || die "mke2fs is needed to generate the images"
	command -v blockdev >/dev/null || die "blockdev (util-linux) is needed"
	command -v flock >/dev/null || die "flock (util-linux) is needed"

	start=$(now_ns)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/opdump-bench.XXXXXX")
	build_images
	pick_file_output
	: >"$SCRATCH/details"
	: >"$SCRATCH/contable"
	: >"$SCRATCH/ztable"
	: >"$SCRATCH/stable"
	FIFOOUT=$SCRATCH/out.fifo
	mkfifo "$FIFOOUT"

	{
		echo "opdump benchmark: $(hostname), $(nproc) cpus," \
			"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
			"kernel $(uname -sr), $(date '+%Y-%m-%d %H:%M:%S %z')"
		echo "opdump: $OPDUMP   dump: $DUMP   file output: $FILEOUT ($FILEKIND)"
		echo "MB/s = 10^6 bytes written / median wall time of $RUNS runs;" \
			"RSS = max over runs of /usr/bin/time %M"
		row image "-b" output "dump MB/s" "opdump MB/s" ratio "copy MB/s" \
			"dump RSS K" "opdump RSS K"
	} >"$SCRATCH/table"

	for image in big small; do
		attach "$CACHE/$image.img"
		for bf in 10 64; do
			bench_config "$image" "$SRC" "$bf" "$FILEKIND" "$FILEOUT"
			bench_config "$image" "$SRC" "$bf" /dev/null /dev/null
			# A pipe (dump -f - | ssh ...): a FIFO that cat empties.
			[ "$image" != big ] ||
				bench_config "$image" "$SRC" "$bf" pipe "$FIFOOUT"
		done
		bench_config "$image" "$SRC" default "$FILEKIND" "$FILEOUT"
		detach
	done

	attach "$CACHE/text.img"
	for z in -z -j; do
		bench_zconfig text "$SRC" "$z" "$FILEOUT"
	done
	detach

	# Into a pipe: 2.5 GB written to tmpfs each run, or read through a loop
	# device whose cache is emptied, is itself the largest source of noise
	# on a small machine (the host hands memory back and forth); a pipe is
	# steady and the dump lasts long enough (2-3 s) for the console's start,
	# which overlaps the engine's, not to count as its cost per byte.
	warm_cache "$CACHE/long.img"
	bench_console long "$CACHE/long.img"

	bench_scale data $SCALE_DATA
	bench_scale files $SCALE_FILES

	{
		echo
		echo "The console's cost: the same dump (-b 10) plain and" \
			"under opconsole at 80x24 in tmux, into a pipe that cat empties" \
			"(median of $CRUNS, alternating);" \
			"console CPU = the opconsole process's own CPU time per dump" \
			"(mean), and its share of the plain dump's time"
		printf '%-6s %-9s %14s %18s %8s %18s\n' image output "plain MB/s" \
			"opconsole MB/s" cost "console CPU"
		cat "$SCRATCH/contable"
		echo
		echo "Scale: opdump alone at its default settings to /dev/null," \
			"medians of $RUNS; d1-d3 grow the data (files of 32 MiB)," \
			"i1-i3 the number of files (1-4 KiB each) and inodes;" \
			"per unit = time / size, slope = its growth from the previous size" \
			"(data: s per GiB written, files: ms per 1000 files)"
		printf '%-6s %7s %8s %8s %7s %8s %14s %14s %8s\n' image files inodes \
			"MiB out" "time s" "MB/s" "per unit" "slope" "RSS K"
		cat "$SCRATCH/stable"
		echo
		echo "Compressed dumps (level 2, each program's default -b) of the" \
			"text image to $FILEKIND, medians of $ZRUNS, alternating;" \
			"size = KiB dumped / KiB written, MB/s = 10^6 bytes dumped" \
			"(uncompressed) per second"
		printf '%-6s %-4s %10s %12s %10s %12s %7s\n' image opt "dump size" \
			"opdump size" "dump MB/s" "opdump MB/s" ratio
		cat "$SCRATCH/ztable"
		echo
		echo "RSS: the master's ru_maxrss as time(1) reports it, which" \
			"is the largest of the master and its reaped descendants (not a sum)"
		echo "ratio: dump's median time / opdump's median time on the same" \
			"filesystem and output (above 1: opdump is faster)"
		echo "-b default: each program's own default blocking factor"
		echo "copy MB/s: dd bs=1M of as many MiB as dump wrote, from the same" \
			"source to the same output (the limit for any dump)"
		echo "details (wall times in s, min/median/max of $RUNS runs):"
		cat "$SCRATCH/details"
	} >>"$SCRATCH/table"
	cp "$SCRATCH/table" "$build_dir/bench.txt"
	cat "$SCRATCH/table"
	say "bench: total $(elapsed "$start" "$(now_ns)")s; table in $build_dir/bench.txt"
}

main "$@"
