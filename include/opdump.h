// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's shared context and the functions each src/ file exports,
 * listed under the file that defines them.  main() builds one struct dump,
 * freezes its options after parsing and passes it first to everything.
 */
#ifndef OPDUMP_H
#define OPDUMP_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <ext2fs/ext2fs.h>

#include "dumprestore.h"

/* Exit codes, as dump(8) documents them. */
#define X_FINOK		0
#define X_STARTUP	1
#define X_REWRITE	2	/* reserved for the per-volume checkpoint */
#define X_ABORT		3

#define NSLAVES_DEFAULT	3
#define NSLAVES_MAX	32
#define NTREC_TAPE	10	/* dump's default for tapes */
#define NTREC_FILE	64	/* our default for files and pipes */
#define NTREC_ZFILE	32	/* compressed: restore's default buffer */

/* Output kinds; the ring writes to all of them the same way. */
enum out_kind {
	OUT_FILE,
	OUT_PIPE,		/* stdout, a FIFO or a socket */
	OUT_TAPE,		/* a character device: one write per block */
};

/* Inode numbers given with -e and -E. */
struct inolist {
	uint32_t	*ino;
	size_t		 n, cap;
};

struct options {
	int		 level;		/* -0 .. -9 */
	int		 ntrec;		/* -b: records per tape block */
	int		 bflag;		/* -b was given */
	const char	*tape;		/* -f, TAPE, or the default */
	const char	*label;		/* -L, or NULL */
	int		 qflag;		/* -q: abort instead of asking */
	int		 verbose;	/* -v */
	int		 estimate_only;	/* -S */
	int		 honor_level;	/* -h: nodump honoured from here */
	int		 update;	/* -u */
	const char	*dumpdates;	/* -D */
	int		 nslaves;	/* --slaves */
	int		 maxreaderr;	/* -I */
	int		 unlimited;	/* -a, or no size option */
	int		 cartridge;	/* -c */
	long		 density;	/* -d, bytes per 0.1 inch */
	long		 tsize;		/* -s, in 0.1 inch */
	long		 blocksperfile;	/* -B, records; 0 = none */
	const char	*source;	/* as given on the command line */
	char		**keyargv;	/* the expanded old key form, owned */
	int		 keyowned;	/* its words 1..keyowned are ours */
	int		 Tflag;		/* -T was given */
	time_t		 Tdate;		/* -T: dump what changed since */
	int		 lastdump;	/* 'W' or 'w': report, dump nothing */
	const char	*archive;	/* -A: table of contents file */
	struct inolist	 exclude;	/* -e, -E */
	long		*volsizes;	/* -B list: records per volume, owned */
	int		 nvolsizes;	/* the last size repeats */
	char		**tapes;	/* -f a,b,c split, owned */
	int		 ntapes;
	int		 multifile;	/* -M: tape is a prefix for NNN */
	const char	*eot_script;	/* -F: run at each end of volume */
	int		 notify;	/* -n: tell the operator group */
	int		 verify;	/* --verify: read each volume back */
	const char	*control;	/* --control: the console's socket */
	int		 statusfd;	/* --status-fd, or -1 */
	const char	*policy;	/* --policy, or NULL for the default */
	int		 zmethod;	/* -z, -j: ZM_*; ZM_NONE = plain */
	int		 zlevel;	/* their level, 1-9 */
};

/* Compression methods (-z, -j). */
#define ZM_NONE		0
#define ZM_ZLIB		1
#define ZM_BZIP2	2
#define ZLEVEL_DEFAULT	2	/* dump's default level */

/* What the source turned out to be, and the open filesystem. */
struct source {
	char		*device;	/* what we open: device or image */
	char		*filesys;	/* mount point, or "an unlisted ..." */
	char		*magic;		/* libmagic's description */
	ext2_filsys	 fs;
	unsigned	 blocksize;
	ext2_ino_t	 maxino;	/* s_inodes_count */
};

/* Inode maps in the tape layout: inode i is bit i-1, LSB first. */
struct maps {
	uint8_t		*used;		/* TS_CLRI: in use at dump time */
	uint8_t		*dump;		/* TS_BITS: on this dump */
	uint8_t		*dir;		/* directories not excluded */
	uint8_t		*excl;		/* excluded (nodump, reserved) */
	size_t		 size;		/* bytes, a multiple of TP_BSIZE */
};

struct ring;
struct vtl;
struct zskip;
struct optr;
struct policy;
struct onmedia;

/* Where the slaves write: write(2) on fd, or write(arg, fd, ...). */
struct ring_out {
	int		 fd;
	enum out_kind	 kind;
	ssize_t		(*write)(void *, int, const void *, size_t);
	void		*arg;
	int		 zmethod;	/* ZM_*: the slaves compress blocks */
	int		 zlevel;
};

/* A record that did not reach a volume, to go on the next one. */
struct replay {
	int		 kind;		/* RING_REC_* */
	uint64_t	 off;		/* RING_REC_DISK: source offset */
	size_t		 data;		/* inline: offset in replay_buf */
};

/* The state of a tape block's start, kept while the block may fail. */
struct blksnap {
	struct s_spcl	 hdr;		/* the header whose data runs on */
	uint32_t	 left;		/* its data records still to come */
	uint32_t	 tapea;		/* number of the block's first record */
};

/* The volume being written, and what carries over to the next. */
struct volume {
	unsigned	 number;	/* 1-based; 0 before the first */
	char		*name;		/* what was opened, for messages */
	enum out_kind	 kind;
	int		 fd;
	struct ring_out	 out;		/* what the slaves write through */
	uint64_t	 records;	/* records queued on it */
	time_t		 start;		/* when writing it began */
	uint64_t	 physrecs;	/* whole records on earlier volumes */
	uint64_t	 bytes;		/* bytes on all finished volumes */
	struct blksnap	*snap;		/* one per block that may be in flight */
	size_t		 nsnap;
	struct s_spcl	 hdr;		/* the last header queued */
	uint32_t	 left;		/* its data records still to come */
	/* Set when a volume ends, used when the next one starts. */
	struct s_spcl	 cont;		/* the header interrupted by the break */
	uint32_t	 cont_left;	/* its data records on the next volume */
	uint32_t	 cont_tapea;	/* c_tapea of the next TS_TAPE */
	int		 cont_eom;	/* the break was an end of media */
	uint32_t	 cont_dups;	/* records of the cut block it holds */
	uint32_t	 firstrec;	/* c_firstrec of the next TS_TAPE */
	uint32_t	 rtapea;	/* number of the next record replayed */
	uint32_t	 first_tapea;	/* c_tapea of this volume's TS_TAPE */
	struct replay	*replay;	/* records to write again */
	size_t		 nreplay, capreplay;
	uint8_t		*replay_buf;	/* their inline bytes */
	size_t		 lenreplay_buf, capreplay_buf;
	struct vtl	*vtl;		/* -f vtape:DIR */
	struct rmt	*rmt;		/* -f host:path: the open session */
	int		 noverify;	/* verification was given up */
	struct verify	*verify;
	time_t		 tschedule;	/* next progress line */
};

struct stats {
	time_t		 start;		/* c_date */
	time_t		 vol_start;	/* when volume 1 started */
	time_t		 end;
	int64_t		 estimate;	/* records */
	uint64_t	 dirs, files;
	unsigned	 warnings;
	unsigned	 readerrs;
	time_t		 waited;	/* seconds spent waiting for the operator */
};

struct dump {
	struct options	 opt;
	struct source	 src;
	struct maps	 map;
	struct ring	*ring;
	enum out_kind	 out_kind;
	int		 outfd;
	struct s_spcl	 spcl;		/* the persistent header */
	uint32_t	 tapea;		/* records queued so far */
	long		 vol_records;	/* volume size limit, 0 = none */
	char		*host;
	struct stats	 st;
	time_t		 ddate;		/* c_ddate: changes since; 0 = all */
	int		 lastlevel;	/* level ddate comes from; -1 for -T */
	int		 tocfd;		/* -A output, or -1 */
	int		 tocon;		/* records go to the -A output too */
	struct optr	*optr;		/* who answers questions */
	struct volume	 vol;
	int		 quiet_exit;	/* the abort was already announced */
	time_t		 fulldate;	/* last level 0 in dumpdates, or 0 (-T) */
	struct policy	*policy;	/* rotation policy, or NULL */
	const struct onmedia *asking;	/* what the volume asked about holds */
	int		 zraw;		/* data queued now is compressed already */
	struct zskip	*zskip;		/* libmagic, for compress_skip_file() */
};

#define MAP_SET(m, ino)	((m)[((ino) - 1) / 8] |= 1U << (((ino) - 1) % 8))
#define MAP_CLR(m, ino)	((m)[((ino) - 1) / 8] &= ~(1U << (((ino) - 1) % 8)))
#define MAP_TST(m, ino)	(((m)[((ino) - 1) / 8] >> (((ino) - 1) % 8)) & 1U)

/* args.c */
int	 args_parse(struct options *, int, char **);
void	 args_usage(void);
void	 args_free(struct options *);

/* msg.c */
void	 msg_silence(int);
void	 msg(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 msgdate(const char *, time_t);
void	 warnmsg(struct dump *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 verbose(struct dump *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
const char *ctime_nonl(time_t, char *, size_t);

/* source.c */
#define SOURCE_UUIDLEN	37		/* 36 characters and the NUL */
int	 source_open(struct dump *);
void	 source_uuid(const struct dump *, char *, size_t);
void	 source_close(struct dump *);

/* ring-slave.c: all of a write, exactly len bytes of a read (0, 1 at end
 * of file, or -1), EINTR retried; the ring's pipes and rmt's use them. */
int	 ring_write_full(int, const void *, size_t);
int	 ring_read_full(int, void *, size_t);

/* csum.c */
extern const int csum_native;
uint32_t csum_crc32c(uint32_t, const void *, size_t);
int	 csum_inode_ok(ext2_filsys, ext2_ino_t, const struct ext2_inode_large *);

/* ident.c */
char	*ident_describe(const char *);
char	*ident_describe_buf(const void *, size_t);
int	 ident_is_ext(const char *);

/* inspect.c: what a volume holds before it is written */
enum holds {
	HOLDS_UNKNOWN,		/* not read: a pipe, standard output */
	HOLDS_EMPTY,		/* no file, an empty file, a blank tape */
	HOLDS_UNREADABLE,	/* the read failed: why is in desc */
	HOLDS_DUMP,		/* a dump volume: the header fields below */
	HOLDS_OTHER,		/* something else: libmagic's desc */
};
struct onmedia {
	enum holds	 what;
	char		 desc[256];	/* libmagic's words, or the error */
	char		 label[LBLSIZE];
	char		 filesys[NAMELEN];
	char		 dev[NAMELEN];
	char		 host[NAMELEN];
	time_t		 date;		/* c_date */
	int		 level;
	int		 volume;
	const char	*protect;	/* CTL_PR_* word, or NULL */
	char		 text[512];	/* one line for the log and dialogs */
};
int	 inspect_volume(struct dump *, const char *, unsigned,
	     struct onmedia *);
int	 inspect_buffer(const void *, size_t, struct onmedia *);
int	 inspect_same(const struct onmedia *, const struct onmedia *);

/* policy.c: the rotation policy and the guard before each volume */
int	 policy_load(struct dump *);
void	 policy_free(struct dump *);
const char *policy_path(const struct dump *);
const char *policy_check(struct dump *, struct onmedia *, char *, size_t);
void	 policy_guard(struct dump *);
void	 policy_peek(struct dump *, unsigned, struct onmedia *);

/* tapefmt.c */
void	 tapefmt_checksum(struct s_spcl *);
int	 tapefmt_valid(const struct s_spcl *);
void	 tapefmt_dinode(struct tape_dinode *, const struct ext2_inode_large *);
size_t	 tapefmt_mapsize(ext2_ino_t);
uint8_t	 tapefmt_dtype(int);

/* dirconv.c */
struct dirconv {
	uint8_t		*buf;
	size_t		 len;		/* bytes used */
	size_t		 cap;
	size_t		 last;		/* offset of the last entry */
	int		 nent;
};
void	 dirconv_init(struct dirconv *);
int	 dirconv_add(struct dirconv *, uint32_t, const char *, unsigned,
	     uint8_t);
size_t	 dirconv_finish(struct dirconv *);
void	 dirconv_free(struct dirconv *);

/* estimate.c */
int64_t	 estimate_inode(struct dump *, struct ext2_inode_large *);
void	 estimate_report(struct dump *);
void	 estimate_volume(struct dump *);
int	 estimate_volume_full(struct dump *, uint64_t);
int	 estimate_volume_full_bytes(struct dump *, uint64_t, uint64_t);
long	 estimate_volsize(const struct dump *, unsigned);
int	 estimate_progress(const struct dump *, time_t, char *, size_t);

/* traverse.c */
int	 traverse_map(struct dump *);
int	 traverse_dump(struct dump *, int);

/* dumpino.c */
int	 dumpino_dir(struct dump *, ext2_ino_t, struct ext2_inode_large *);
int	 dumpino_file(struct dump *, ext2_ino_t, struct ext2_inode_large *);

/* xattr.c */
int	 xattr_dump(struct dump *, ext2_ino_t, struct ext2_inode_large *);
int	 xattr_index(const char *, const char **);
size_t	 xattr_encode(uint8_t *, size_t, const char *const *, const void *const *,
	     const size_t *, int);

/* dump.c */
void	 dump_exit(struct dump *, int) __attribute__((noreturn));

/* stream.c */
void	 stream_init(struct dump *);
#define PUSH_NEW	0	/* a new record, numbered d->tapea */
#define PUSH_REPLAY	1	/* written again: keeps its number */
#define PUSH_VOLHDR	2	/* TS_TAPE after an end of media */
#define PUSH_DUP	3	/* a copy of a record the last volume holds */
int	 stream_push(struct dump *, int, const void *, uint64_t, int);
int	 stream_tape_next(struct dump *);
int	 stream_pad_end(struct dump *);
int	 stream_header(struct dump *, int, uint32_t);
int	 stream_record(struct dump *, const void *);
int	 stream_disk(struct dump *, uint64_t);
int	 stream_tape(struct dump *);
int	 stream_maps(struct dump *);
int	 stream_end(struct dump *);
int	 stream_toc_open(struct dump *);
void	 stream_toc_close(struct dump *, int);

/* media.c */
enum out_kind media_kind(const char *);
void	 media_probe(struct dump *);
const char *media_name(const struct dump *);
int	 media_open(struct dump *);
int	 media_close(struct dump *);
int	 media_readback(struct dump *);
int	 media_is_source(const struct dump *, const char *);

/* volume.c */
int	 volume_first(struct dump *);
char	*volume_name_of(struct dump *, unsigned);
int	 volume_full(struct dump *);
int	 volume_switch(struct dump *, int);
int	 volume_last(struct dump *);
void	 volume_progress(struct dump *);
void	 volume_announce(struct dump *);
void	 volume_free(struct dump *);

/* ring.c */
struct ring_status {
	int		 failed;	/* RING_* */
	int		 err;		/* errno of the failure */
	int		 slave;		/* which slave, for messages */
	int		 pid;
	int		 wstatus;	/* waitpid status of a dead slave */
	uint64_t	 bytes;		/* bytes written so far */
	uint64_t	 blocks;	/* whole blocks written so far */
	uint64_t	 records;	/* records on the volume (compressed:
					   those of whole blocks) */
	uint32_t	 dups;		/* whole records of the block cut short */
	unsigned	 readerrs;
	uint64_t	 readerr_off;	/* source offset of the last one */
};
#define RING_OK		0
#define RING_EOM	1
#define RING_WERR	2
#define RING_DIED	3
#define RING_SYSERR	4

#define RING_OFF_RAW	(1ULL << 62)	/* a disk offset: store, do not compress */
#define RING_REC_DISK	0	/* read from the source at an offset */
#define RING_REC_INLINE	1	/* data the master supplied */
#define RING_REC_HEADER	2	/* a header the master supplied */
typedef int (*ring_replay_fn)(void *, int, const void *, uint64_t);

struct ring *ring_start(const struct ring_out *, const char *, int, int);
int	 ring_batch(int, enum out_kind);
int	 ring_put_inline(struct ring *, const void *, int);
int	 ring_put_disk(struct ring *, uint64_t);
int	 ring_finish(struct ring *);
void	 ring_abort(struct ring *);
const struct ring_status *ring_status(const struct ring *);
void	 ring_free(struct ring *);
int	 ring_slave_pid(const struct ring *, int);
int	 ring_replay(struct ring *, ring_replay_fn, void *);
uint64_t ring_capacity(const struct ring *);
uint64_t ring_pending(const struct ring *);
int	 ring_flush(struct ring *);

/* compress.c: -z and -j, the slaves' block compression */
struct zctx;
/* A slave's compression work: a request's blocks in their written form. */
struct zwork {
	struct zctx	*z;
	uint8_t		*buf;		/* the blocks, one after the other */
	uint32_t	*len;		/* bytes of each */
	int		 nblk;
	int		 first;		/* the volume's first block is next */
};
int	 compress_work_open(struct zwork *, int, int, int, int, int);
void	 compress_work_close(struct zwork *);
void	 compress_work(struct zwork *, const uint8_t *, const int64_t *, int,
	     int);
const char *compress_name(int);
int	 compress_arg(struct options *, int, const char *);
struct zctx *compress_open(int, int);
void	 compress_close(struct zctx *);
size_t	 compress_block(struct zctx *, const uint8_t *, size_t, uint8_t *);
size_t	 compress_store(struct zctx *, const uint8_t *, size_t, uint8_t *);
int	 compress_skip_file(struct dump *, uint64_t, int64_t);
void	 compress_skip_free(struct dump *);
size_t	 compress_prefix(const uint8_t *, size_t);
size_t	 compress_decode(const uint8_t *, uint8_t *, size_t, const char **);
int	 compress_volume_full(struct dump *);
void	 compress_report_start(const struct dump *);
void	 compress_report_ratio(const struct dump *, const char *, uint64_t,
	     uint64_t);

/* media-vtl.c: the virtual tape library, -f vtape:DIR */
#define VTL_PREFIX	"vtape:"
struct vtl *vtl_open(const char *);
void	 vtl_free(struct vtl *);
char	*vtl_path(const struct vtl *, unsigned);
int	 vtl_load(struct vtl *, unsigned);
ssize_t	 vtl_write(struct vtl *, unsigned, int, const void *, size_t);
int	 vtl_unload(struct vtl *, unsigned, int);
int	 vtl_readback(struct vtl *, unsigned);
long	 vtl_capacity(const struct vtl *, unsigned);

/* media-rmt.c: remote volumes through rmt(8), -f [user@]host:path */
struct rmt;
int	 rmt_is_remote(const char *);
int	 rmt_check(const char *);
int	 rmt_check_rsh(void);
const char *rmt_host(const char *, char *, size_t);
const char *rmt_path(const char *);
struct rmt *rmt_open(const char *, int);
ssize_t	 rmt_write(struct rmt *, const void *, size_t);
ssize_t	 rmt_read(struct rmt *, void *, size_t);
int	 rmt_ioctl(struct rmt *, int, int);
int	 rmt_close(struct rmt *);
void	 rmt_free(struct rmt *);
void	 rmt_hook(struct rmt *, struct ring_out *);
int	 rmt_fd(const struct rmt *);
int	 rmt_readback(const char *, size_t);
ssize_t	 rmt_readfirst(const char *, void *, size_t);

/* verify.c: read a finished volume back and check every record */
struct verify {
	int32_t		 date, ddate;	/* of this dump */
	int		 ntrec;
	int		 compressed;	/* blocks after the first are prefixed */
	unsigned	 volume;	/* volumes checked so far */
	uint64_t	 records;	/* whole records read from them */
	uint32_t	 next_tapea;	/* c_tapea due for the next record */
	int		 slack;		/* the next header may be one further */
	uint32_t	 left;		/* data records due for the last header */
	uint32_t	 tail_left;	/* left where the tail begins */
	uint32_t	 ino;		/* inode of the last TS_INODE */
	int		 phase;		/* -2, -1: the maps; 0: directories;
					   1: the rest */
	int		 ended;		/* TS_END seen */
	uint8_t		*tail;		/* records after the last whole block */
	size_t		 ntail;		/* records in tail */
};
void	 verify_init(struct verify *, int32_t, int32_t, int);
int	 verify_volume(struct verify *, int, unsigned, int, uint64_t, char *,
	     size_t);
void	 verify_free(struct verify *);

/* optr.c: questions for the operator and broadcasts to operators */
enum optr_kind {
	Q_MOUNT = 1,		/* mount the next volume */
	Q_OPEN,			/* the output cannot be opened */
	Q_WRITE,		/* write error on a volume */
	Q_VERIFY,		/* a volume failed verification */
	Q_TOOSMALL,		/* nothing fits on a volume */
	Q_ABORT,		/* the operator interrupted the dump */
	Q_SCRIPT,		/* the -F script asked for the operator */
	Q_PROTECT,		/* the volume holds a protected dump */
};
struct optr_choice {
	const char	*word;		/* the answer's name: "yes", "rewrite" */
	const char	*prompt;	/* dump's yes/no question for it */
};
int	 optr_init(struct dump *);
int	 optr_ask(struct dump *, enum optr_kind, const char *,
	     const struct optr_choice *, int);
void	 optr_broadcast(struct dump *, const char *);
int	 optr_choice(const struct optr_choice *, int, const char *);
int	 optr_console(const struct dump *);
int	 optr_notify(const char *, const char *, const char *, const char *);
void	 optr_free(struct dump *);

/* optr-chan.c: questions through the console's control channel */
int	 optr_chan_ask(struct dump *, enum optr_kind, const char *,
	     const struct optr_choice *, int);
int64_t	 optr_chan_post(struct dump *, enum optr_kind, const char *,
	     const struct optr_choice *, int);
void	 optr_chan_settle(int64_t, int, const char *);

/* board.c: the shared status board (include/board.h) */
struct board;
int	 board_init(struct dump *);
struct board *board_get(void);
void	 board_hello(struct dump *);
void	 board_state(int);
int	 board_get_state(void);
void	 board_pass(int);
void	 board_ino(uint32_t);
void	 board_tapea(uint64_t, uint64_t);
void	 board_times(const struct stats *);
void	 board_slave(int, int, int);
void	 board_slave_io(int, int64_t, int64_t);
void	 board_volume_start(unsigned, const char *, long, uint32_t, uint32_t,
	     time_t);
void	 board_volume_done(unsigned, const char *, time_t, time_t, uint64_t);
void	 board_log(const char *);
void	 board_alert(const char *);
const char *board_abort_requested(void);
void	 board_end(int);

/* ctl-server.c: the control server (--control, --status-fd) */
int	 ctl_server_start(struct dump *);
void	 ctl_server_stop(int);

/* dumpdates.c */
struct ddent {
	char		*name;		/* the filesystem argument as given */
	int		 level;
	time_t		 date;
};
struct ddates {
	struct ddent	*ent;
	size_t		 n, cap;
};
int	 dumpdates_parse_date(const char *, time_t *);
int	 dumpdates_parse_line(const char *, size_t *, int *, time_t *);
int	 dumpdates_read(const char *, int, struct ddates *);
const struct ddent *dumpdates_last(const struct ddates *, const char *, int);
void	 dumpdates_free(struct ddates *);
int	 dumpdates_since(struct dump *);
int	 dumpdates_update(struct dump *);

/* lastdump.c */
int	 lastdump_report(const struct options *);

/* exclude.c */
int	 exclude_list(struct inolist *, const char *);
int	 exclude_file(struct inolist *, const char *);
void	 exclude_free(struct inolist *);
void	 exclude_apply(struct dump *);

#endif
