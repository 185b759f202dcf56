// SPDX-License-Identifier: BSD-2-Clause
/*
 * The control protocol between the engine (opdump --control) and the
 * console (opconsole), and the status stream (opdump --status-fd).  Both
 * carry the same messages: one line each, "NNN name key=value ...", where
 * NNN is the message type below, and values are percent-encoded (space,
 * control characters, '%' and bytes >= 0x7f become %XX) so a line splits
 * on spaces.  Unknown keys and unknown types are ignored, so either side
 * can grow; CTL_VERSION changes only when a meaning changes.
 *
 * Each type has one struct; ctl_encode() and ctl_decode() convert between
 * a struct and a line with the field table in ctl-proto.c.
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <stddef.h>
#include <stdint.h>

#define CTL_VERSION	1
#define CTL_LINEMAX	4096		/* longest line, newline included */
#define CTL_MAXCHOICE	4
#define CTL_STRLEN	256		/* most string fields */
#define CTL_TEXTLEN	1024		/* log lines, question context */

/* 100-199: the dump's state, engine to console. */
#define CTL_HELLO	100	/* once per connection, and when it changes */
#define CTL_STATUS	110	/* pass, inode, progress: at most 4 a second */
#define CTL_SLAVE	120	/* one slave's row */
#define CTL_TAPE	130	/* the volume being written */
#define CTL_VOLUME	140	/* a finished volume, for the history */
#define CTL_LOG		150	/* one of the engine's messages */
#define CTL_ALERT	160	/* a broadcast: ring the bell */
#define CTL_END		190	/* the dump is over */
/* 200-299: questions, engine to console. */
#define CTL_QUESTION	200	/* asked; waits for an answer */
#define CTL_ANSWERED	210	/* settled (by this or another console) */
/* 300-399: the console to the engine. */
#define CTL_ANSWER	300	/* the operator's choice */
#define CTL_ABORT	310	/* the operator confirmed an abort */

struct ctl_hello {
	int64_t		 version;	/* CTL_VERSION */
	int64_t		 pid;		/* the engine's first process */
	int64_t		 uid;		/* who runs it */
	int64_t		 level;
	int64_t		 date;		/* c_date */
	int64_t		 ddate;		/* c_ddate: changes since, 0 = all */
	int64_t		 ntrec;		/* records per tape block */
	int64_t		 nslaves;
	int64_t		 blocksize;	/* of the filesystem */
	char		 host[CTL_STRLEN];
	char		 device[CTL_STRLEN];	/* what is read */
	char		 filesys[CTL_STRLEN];	/* mount point, or as given */
	char		 magic[CTL_STRLEN];	/* libmagic's description */
	char		 volname[CTL_STRLEN];	/* the superblock's name */
	char		 uuid[CTL_STRLEN];
	char		 label[CTL_STRLEN];	/* -L */
	char		 tape[CTL_STRLEN];	/* -f as given */
	char		 policy[CTL_STRLEN];	/* rotation policy file, or "" */
};

/* Overall states, as words in ctl_status.state. */
#define CTL_ST_STARTING	"starting"
#define CTL_ST_MAPPING	"mapping"	/* passes I and II */
#define CTL_ST_DUMPING	"dumping"	/* passes III and IV */
#define CTL_ST_WAITING	"waiting"	/* a question is open */
#define CTL_ST_VOLUME	"changing"	/* between volumes */
#define CTL_ST_FINISHING "finishing"
#define CTL_ST_DONE	"done"
#define CTL_ST_ABORTED	"aborted"

struct ctl_status {
	int64_t		 pass;		/* 1-4, 0 before pass I */
	int64_t		 ino;		/* the inode being dumped */
	int64_t		 tapea;		/* records queued in the whole dump */
	int64_t		 estimate;	/* records the dump is estimated at */
	int64_t		 permille;	/* done, tenths of a percent; -1 */
	int64_t		 rate;		/* kB/s since volume 1 began */
	int64_t		 eta;		/* seconds left, -1 unknown */
	int64_t		 elapsed;	/* seconds, operator waits excluded */
	int64_t		 waited;	/* seconds spent waiting */
	char		 state[32];	/* CTL_ST_* */
	char		 path[CTL_STRLEN];	/* of ino, when known */
};

/* Slave states, as words in ctl_slave.state. */
#define CTL_SL_IDLE	"idle"
#define CTL_SL_READING	"reading"
#define CTL_SL_WAITING	"waiting"	/* for the tape (the token) */
#define CTL_SL_WRITING	"writing"
#define CTL_SL_EOM	"eom"
#define CTL_SL_ERROR	"error"
#define CTL_SL_GONE	"gone"

struct ctl_slave {
	int64_t		 n;		/* 0-based */
	int64_t		 pid;
	int64_t		 blocks;	/* tape blocks written */
	int64_t		 addr;		/* last filesystem block read, -1 */
	char		 state[16];	/* CTL_SL_* */
};

struct ctl_tape {
	int64_t		 volume;	/* 1-based */
	int64_t		 records;	/* queued on this volume */
	int64_t		 capacity;	/* records it may hold, 0 = unknown */
	int64_t		 tapea;		/* c_tapea of the next record */
	int64_t		 firstino;	/* first inode on the volume */
	int64_t		 started;	/* time(3) */
	char		 device[CTL_STRLEN];
	char		 host[CTL_STRLEN];	/* remote tape host, or "" */
};

struct ctl_volume {
	int64_t		 volume;
	int64_t		 started;
	int64_t		 took;		/* seconds */
	int64_t		 records;	/* on the volume */
	int64_t		 rate;		/* kB/s */
	char		 device[CTL_STRLEN];
};

struct ctl_log {
	int64_t		 seq;		/* 1, 2, ... over the whole dump */
	int64_t		 time;
	char		 text[CTL_TEXTLEN];
};

struct ctl_alert {
	int64_t		 seq;
	char		 text[CTL_STRLEN];
};

struct ctl_end {
	int64_t		 status;	/* the exit status: 0, 1, 3 */
	char		 text[CTL_STRLEN];
};

/* Question kinds, as words in ctl_question.kind. */
#define CTL_Q_MOUNT	"mount"		/* mount the next volume */
#define CTL_Q_OPEN	"open"		/* the output cannot be opened */
#define CTL_Q_WRITE	"write"		/* write error on a volume */
#define CTL_Q_VERIFY	"verify"	/* a volume failed verification */
#define CTL_Q_TOOSMALL	"toosmall"	/* nothing fits on a volume */
#define CTL_Q_SCRIPT	"script"	/* the end-of-tape script said no */
#define CTL_Q_ABORT	"abort"		/* abort the dump? */
#define CTL_Q_PROTECT	"protect"	/* the volume holds a protected dump:
					   choices retry, override, abort */

/* Why a volume is protected, as words in ctl_question.protect. */
#define CTL_PR_YOUNG	"young"		/* younger than the policy's min-age */
#define CTL_PR_SET	"thisset"	/* a volume of the set being written */
#define CTL_PR_FULL	"lastfull"	/* volume 1 of the last good level 0 */
#define CTL_PR_DUMP	"dump"		/* a dump, no policy: a warning only */

struct ctl_question {
	int64_t		 id;		/* answers name it */
	int64_t		 volume;	/* the volume it is about */
	int64_t		 n;		/* choices */
	char		 kind[16];	/* CTL_Q_* */
	char		 device[CTL_STRLEN];
	char		 context[CTL_TEXTLEN];	/* what happened */
	char		 onmedia[CTL_STRLEN];	/* what the device holds now */
	char		 protect[16];	/* CTL_PR_*, or "" */
	char		 c0[16], c1[16], c2[16], c3[16];	/* answer words */
	char		 p0[CTL_STRLEN], p1[CTL_STRLEN],	/* dump's */
			 p2[CTL_STRLEN], p3[CTL_STRLEN];	/* prompts */
};

struct ctl_answered {
	int64_t		 id;
	char		 choice[16];	/* a word of the question, "" = none */
	char		 by[CTL_STRLEN];	/* who answered */
};

struct ctl_answer {
	int64_t		 id;
	char		 choice[16];
};

struct ctl_abort {
	char		 by[CTL_STRLEN];
};

union ctl_any {
	struct ctl_hello	hello;
	struct ctl_status	status;
	struct ctl_slave	slave;
	struct ctl_tape		tape;
	struct ctl_volume	volume;
	struct ctl_log		log;
	struct ctl_alert	alert;
	struct ctl_end		end;
	struct ctl_question	question;
	struct ctl_answered	answered;
	struct ctl_answer	answer;
	struct ctl_abort	abort;
};

/* ctl-proto.c */
int		 ctl_encode(int, const void *, char *, size_t);
int		 ctl_decode(const char *, union ctl_any *);
const char	*ctl_name(int);
const char	*ctl_choice(const struct ctl_question *, int);
const char	*ctl_prompt(const struct ctl_question *, int);
int		 ctl_rundir(char *, size_t);

#endif
