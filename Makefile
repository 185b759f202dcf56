# SPDX-License-Identifier: BSD-2-Clause
#
# opdump: a dump(8) for Linux ext2/3/4 with an operator console.
#
#	src/args.c	the command line, dump's letters and the old key form
#	src/main.c	main(): the order of a dump and the final report
#	src/dump.c	dump_exit(): how every engine process ends
#	src/msg.c	"  DUMP: " messages, warnings and dates
#	src/source.c	block device, image or mount point -> open filesystem
#	src/ident.c	libmagic: what a source holds
#	src/traverse.c	passes I-IV over the inode table
#	src/dumpino.c	one inode: headers, data runs, holes, inline data
#	src/dirconv.c	ext2 directories -> 4.4BSD directory chunks
#	src/xattr.c	extended attributes and ACLs as restore reads them
#	src/tapefmt.c	header checksum, inode image, map sizes
#	src/stream.c	record numbering, volume header, maps, trailer
#	src/ring.c	the slave ring: the master's side, in order
#	src/ring-slave.c the slaves: read, compress, wait, write tape blocks
#	src/compress.c	-z, -j: compressed blocks as restore reads them
#	src/media.c	the output: file, pipe or tape device
#	src/estimate.c	size estimate and the volume size model
#	src/dumpdates.c	dumpdates: the since-date of a level, -u atomically
#	src/lastdump.c	-W, -w: which filesystems need a dump
#	src/exclude.c	-e, -E: inodes left out by number
#	src/volume.c	volumes: checkpoint fork, end of media, rollforward, -F
#	src/media-vtl.c	the virtual tape library (vtape:DIR) with its fault plan
#	src/media-rmt.c	remote volumes through rmt(8): -f [user@]host:device
#	src/verify.c	--verify: read a volume back and check every record
#	src/inspect.c	what a volume holds before it is written
#	src/policy.c	the rotation policy and the guard before each volume
#	src/optr.c	questions for the operator (/dev/tty, scripts), -n
#	src/optr-chan.c	questions and broadcasts through the control channel
#	src/board.c	the shared status board every engine process updates
#	src/ctl-server.c the control server: sockets, --status-fd, answers
#	src/ctl-proto.c	the control protocol's lines (include/control.h)
#	ui/console.c	opconsole: start or attach, the main loop
#	ui/chan.c	opconsole: the connection and the model it feeds
#	ui/screen.c	opconsole: drawing the model with curses
#	ui/dialog.c	opconsole: questions as dialogs
#	ui/keys.c	opconsole: what each key does
#	ui/training.c	opconsole --training: hooks, the debrief screen
#	ui/training-scen.c	training scenario files
#	ui/training-setup.c	the scratch ground: tree, image, library
#	ui/training-verify.c	restore the trainee's set and compare it
#	ui/training-report.c	grade the answers, write the report
#
# Targets: all check bench demo install uninstall clean.  `make check' and
# `make demo' install what they need on Debian (tests/deps.sh).

CC		?= cc
CFLAGS		?= -O2 -g
WERROR		?= 1
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
BUILD		?= build
VERSION		= 0.1

WARNFLAGS	= -Wall -Wextra -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wformat=2
ifeq ($(WERROR),1)
WARNFLAGS	+= -Werror
endif
ifeq ($(SAN),1)
CFLAGS		+= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
LDFLAGS		+= -fsanitize=address,undefined
endif

PKGS		= ext2fs com_err
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lext2fs -lcom_err)
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE -DOPDUMP_VERSION='"$(VERSION)"' \
		  -Iinclude $(PKG_CFLAGS) $(WARNFLAGS) $(CFLAGS)
# bzip2 ships no pkg-config file on Debian bookworm: -lbz2 then.
Z_LIBS		:= $(shell pkg-config --libs zlib 2>/dev/null || echo -lz) \
		   $(shell pkg-config --libs bzip2 2>/dev/null || echo -lbz2)
LIBS		= $(PKG_LIBS) -lmagic $(Z_LIBS)

ENGINE_SRCS	= src/args.c src/msg.c src/source.c src/ident.c \
		  src/traverse.c src/dumpino.c src/dirconv.c src/xattr.c \
		  src/tapefmt.c src/stream.c src/ring.c src/ring-slave.c \
		  src/media.c \
		  src/estimate.c src/dumpdates.c src/lastdump.c src/exclude.c \
		  src/media-vtl.c src/verify.c src/optr.c src/volume.c \
		  src/dump.c src/ctl-proto.c src/board.c src/ctl-server.c \
		  src/optr-chan.c src/inspect.c src/policy.c src/compress.c \
		  src/media-rmt.c src/csum.c
ENGINE_OBJS	= $(ENGINE_SRCS:src/%.c=$(BUILD)/obj/%.o)
UI_SRCS		= $(wildcard ui/*.c)
UI_OBJS		= $(UI_SRCS:ui/%.c=$(BUILD)/ui/%.o) $(BUILD)/obj/ctl-proto.o
CURSES_CFLAGS	:= $(shell pkg-config --cflags ncursesw 2>/dev/null)
CURSES_LIBS	:= $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
UNIT_TESTS	= $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/*-test.c))

.PHONY: all check unit bench demo install uninstall clean deps

all: $(BUILD)/opdump $(BUILD)/opconsole $(BUILD)/treecmp $(BUILD)/tapels

$(BUILD)/obj/%.o: src/%.c include/opdump.h include/dumprestore.h \
    include/control.h include/board.h include/ring.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libengine.a: $(ENGINE_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/opdump: $(BUILD)/obj/main.o $(BUILD)/libengine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/ui/%.o: ui/%.c ui/console.h ui/training.h include/control.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iui $(CURSES_CFLAGS) -c -o $@ $<

$(BUILD)/opconsole: $(UI_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS)

$(BUILD)/tapels: tests/tapels.c include/dumprestore.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Iinclude $(WARNFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/treecmp: tests/treecmp.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/%-test: tests/unit/%-test.c tests/unit/testhelp.h $(BUILD)/libengine.a
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libengine.a $(LIBS)

# The console's model is tested without curses or an engine.
$(BUILD)/ui-model-test: tests/unit/ui-model-test.c tests/unit/testhelp.h \
    $(BUILD)/ui/chan.o $(BUILD)/obj/ctl-proto.o
	$(CC) $(ALL_CFLAGS) -Iui -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/ui/chan.o $(BUILD)/obj/ctl-proto.o

# The training scenario parser and report, without curses or an engine.
$(BUILD)/training-test: tests/unit/training-test.c tests/unit/testhelp.h \
    $(BUILD)/ui/training-scen.o $(BUILD)/ui/training-report.o \
    $(BUILD)/obj/ctl-proto.o
	$(CC) $(ALL_CFLAGS) -Iui -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/ui/training-scen.o $(BUILD)/ui/training-report.o \
	    $(BUILD)/obj/ctl-proto.o

unit: $(UNIT_TESTS)

deps:
	@sh tests/deps.sh

# Everything, twice: the normal build and the ASan/UBSan build.
check: deps
	$(MAKE) all unit
	$(MAKE) BUILD=build/asan SAN=1 all unit
	sh tests/run.sh $(BUILD) build/asan

bench: deps all
	sh tests/bench.sh $(BUILD)

demo: deps all
	sh tests/demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BUILD)/opdump $(DESTDIR)$(SBINDIR)/opdump
	install -m 755 $(BUILD)/opconsole $(DESTDIR)$(SBINDIR)/opconsole
	install -m 644 man/opdump.8 $(DESTDIR)$(MANDIR)/man8/opdump.8
	install -m 644 man/opconsole.8 $(DESTDIR)$(MANDIR)/man8/opconsole.8
	install -m 644 man/opdump-rotation.5 \
	    $(DESTDIR)$(MANDIR)/man5/opdump-rotation.5

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/opdump $(DESTDIR)$(MANDIR)/man8/opdump.8 \
	    $(DESTDIR)$(SBINDIR)/opconsole $(DESTDIR)$(MANDIR)/man8/opconsole.8 \
	    $(DESTDIR)$(MANDIR)/man5/opdump-rotation.5

clean:
	rm -rf $(BUILD) build
