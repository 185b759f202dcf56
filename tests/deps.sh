#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Install what building and testing opdump needs, on Debian, when it is
# missing.  `make check', `make demo' and `make bench' run this first, so
# a fresh machine needs nothing done by hand.  Each entry is a file that
# proves the package is there, then the package that provides it.
set -eu

need="
/usr/bin/cc gcc
/usr/include/stdio.h libc6-dev
/usr/bin/pkg-config pkg-config
/usr/include/ext2fs/ext2fs.h libext2fs-dev
/usr/include/et/com_err.h comerr-dev
/usr/include/magic.h libmagic-dev
/usr/include/zlib.h zlib1g-dev
/usr/include/bzlib.h libbz2-dev
/usr/include/curses.h libncurses-dev
/sbin/mke2fs e2fsprogs
/sbin/debugfs e2fsprogs
/sbin/restore dump
/sbin/dump dump
/usr/sbin/rmt-dump dump
/usr/sbin/rmt-tar tar
/usr/bin/tmux tmux
/usr/bin/file file
/usr/bin/setfacl acl
/usr/bin/setfattr attr
/sbin/mkfs.vfat dosfstools
/usr/bin/valgrind valgrind
/usr/bin/time time
"

missing=$(echo "$need" | while read -r f pkg; do
	[ -n "$f" ] || continue
	[ -e "$f" ] || echo "$pkg"
done | sort -u | tr '\n' ' ')

[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages: $missing" >&2
	echo "deps: install them (as root: apt-get install $missing)" >&2
	exit 1
fi
echo "deps: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
