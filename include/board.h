// SPDX-License-Identifier: BSD-2-Clause
/*
 * The status board: one page set of shared memory, mapped before the
 * first fork, that every engine process (the master of each volume, the
 * checkpoints, the slaves) updates with plain atomic stores and the
 * control server samples.  Publishing costs the dump a few stores; the
 * server, not the engine, turns the board into protocol messages at a
 * bounded rate.  Questions wait here too: the asker writes one and polls
 * for the answer the server fills in.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "control.h"

#define BOARD_SLAVES	32
#define BOARD_VOLUMES	256	/* history rows kept; older ones roll off */
#define BOARD_LOGS	512	/* log lines kept for a console attaching late */
#define BOARD_LOGLEN	240

/* Slave states, indexes into board_slave_words[]. */
enum { BS_IDLE, BS_READING, BS_WAITING, BS_WRITING, BS_EOM, BS_ERROR,
    BS_GONE };
/* Overall states. */
enum { BD_STARTING, BD_MAPPING, BD_DUMPING, BD_WAITING, BD_CHANGING,
    BD_FINISHING, BD_DONE, BD_ABORTED };

struct board_slave {
	_Atomic int32_t	 pid;
	_Atomic int32_t	 state;		/* BS_* */
	_Atomic int64_t	 blocks;
	_Atomic int64_t	 addr;		/* last filesystem block read, -1 */
};

struct board_log {
	_Atomic uint64_t seq;		/* n + 1 once slot n is complete */
	int64_t		 time;
	char		 text[BOARD_LOGLEN];
};

struct board {
	/* Written by the first process before the dump starts. */
	_Atomic uint32_t hello_gen;	/* bumped when these change */
	struct ctl_hello hello;
	int32_t		 top_pid;	/* the first process */

	_Atomic int32_t	 state;		/* BD_* */
	_Atomic int32_t	 pass;
	_Atomic int64_t	 ino;
	_Atomic int64_t	 tapea;		/* records queued */
	_Atomic int64_t	 estimate;
	_Atomic int64_t	 vol_start;	/* when volume 1 began, 0 = not yet */
	_Atomic int64_t	 waited;	/* seconds spent on questions */
	_Atomic int32_t	 nslaves;
	struct board_slave slave[BOARD_SLAVES];

	/* The volume being written: numbers atomic, the name under gen. */
	_Atomic uint32_t tape_gen;	/* odd while being changed */
	struct ctl_tape	 tape;
	_Atomic int64_t	 vol_records;	/* records queued on the volume */

	_Atomic uint32_t nvolumes;	/* finished volumes so far */
	struct ctl_volume volume[BOARD_VOLUMES];

	_Atomic uint64_t log_next;	/* slots handed out */
	struct board_log log[BOARD_LOGS];

	_Atomic uint32_t alert_seq;
	char		 alert[CTL_STRLEN];

	/* One question at a time: q_id odd = asked, the answer names it. */
	_Atomic int64_t	 q_id;		/* current question, 0 = none */
	_Atomic int64_t	 q_time;	/* when it was asked */
	struct ctl_question q;
	_Atomic int64_t	 a_id;		/* answered question */
	_Atomic int32_t	 a_choice;	/* index, -1 = nobody can answer */
	char		 a_by[CTL_STRLEN];
	_Atomic int32_t	 abort_req;	/* an operator confirmed an abort */
	char		 abort_by[CTL_STRLEN];

	_Atomic int32_t	 ended;		/* the first process is leaving */
	_Atomic int32_t	 exit_status;
	_Atomic int32_t	 server_pid;
};

extern const char *const board_slave_words[];
extern const char *const board_state_words[];

#endif
