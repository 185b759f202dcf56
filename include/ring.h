// SPDX-License-Identifier: BSD-2-Clause
/*
 * The slave ring's insides, shared by the master's side (src/ring.c) and
 * the slaves' (src/ring-slave.c): the messages on the pipes and the
 * shared buffers of each slave.  Nothing else includes this.
 */
#ifndef RING_H
#define RING_H

#include <stdint.h>
#include <sys/types.h>

#include "opdump.h"

#define OFF_MASK	(~(int64_t)RING_OFF_RAW)
#define OFF_INLINE	(-1)	/* the record is already in the buffer */
#define OFF_HEADER	(-2)	/* the same, and it is a header */

enum { CMD_QUIT = 0, CMD_WRITE = 1 };

/* A slave's exit status when the ring broke around it, not its fault. */
#define SLAVE_BROKEN	4
#define SLAVE_NOMEM	5	/* no memory for compressing */

struct ring_cmd {
	uint32_t	 op;
	uint32_t	 nrec;
};

struct ring_result {
	int32_t		 status;	/* RING_OK, RING_EOM, RING_WERR */
	int32_t		 err;
	int64_t		 written;
	uint32_t	 recs;		/* records of it on the volume */
	uint32_t	 readerrs;
	uint64_t	 readerr_off;
};

struct slave {
	pid_t		 pid;
	int		 cmd;		/* master writes commands here */
	int		 res;		/* master reads results here */
	int		 busy;		/* a block is in flight */
	uint64_t	 first;		/* volume record number of its first */
	uint32_t	 nrec;		/* records in flight */
	int		 ntrec;		/* records per tape block */
	int		 reqrec;	/* records per request */
	int64_t		*offs;		/* shared: source offset per record */
	uint8_t		*block;		/* shared: the tape block */
};

void	 slave_main(struct slave *, int, int, int, int, const struct ring_out *)
	     __attribute__((noreturn));

#endif
