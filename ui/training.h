// SPDX-License-Identifier: BSD-2-Clause
/*
 * opconsole --training: a scenario file (training-scen.c) says what goes
 * wrong; training-setup.c builds a scratch directory with a generated
 * tree, its ext4 image and a virtual tape library whose plan makes it go
 * wrong; the trainee works the real console while training.c records
 * each question and answer; at the end training-verify.c restores the set
 * and compares it with the tree, and training-report.c grades the answers
 * and writes the report that the debrief screen shows.  Only training.c
 * knows about curses.
 */
#ifndef TRAINING_H
#define TRAINING_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "control.h"

#define TR_MAXPLAN	32		/* fault plan lines */
#define TR_MAXPOLICY	8		/* rotation policy lines */
#define TR_MAXEXPECT	8
#define TR_MAXEVENTS	64		/* questions recorded */
#define TR_LINE		256

struct tr_expect {
	char		 kind[16];	/* a CTL_Q_* word */
	char		 answer[16];
};

struct scenario {
	char		 path[PATH_MAX];
	char		 name[TR_LINE];
	char		 brief[1024];	/* the brief lines, joined */
	unsigned long	 seed;
	long long	 data_kib;	/* in the generated tree */
	long long	 image_kib;
	char		 label[64];	/* -L, "" for none */
	char		 plan[TR_MAXPLAN][TR_LINE];	/* vtape plan lines */
	int		 nplan;
	char		 policy[TR_MAXPOLICY][TR_LINE];	/* --policy lines */
	int		 npolicy;
	int		 protect_vol;	/* slot holding an earlier dump, 0 */
	char		 protect_label[64];
	struct tr_expect expect[TR_MAXEXPECT];
	int		 nexpect;
	int		 volumes;	/* the set should have, 0 = any */
};

/* One question, or an abort from the keyboard, and what became of it. */
struct tr_event {
	int64_t		 id;		/* the question's, -1 for a key abort */
	int64_t		 volume;
	char		 kind[16];
	char		 context[CTL_TEXTLEN];
	char		 onmedia[CTL_STRLEN];
	char		 protect[16];
	char		 choices[80];	/* "yes/abort" */
	char		 answer[16];	/* "" while open */
	char		 by[64];	/* "trainee", or who else answered */
	long long	 asked_ms;	/* since the start of the dump */
	long long	 answered_ms;
	char		 mistake[TR_LINE];	/* "" when none */
	char		 remark[TR_LINE];	/* noted, not a mistake */
};

#define TR_MAXVOLS	64
#define TR_MAXNOTES	40

/* A finished volume, from the engine's 140 messages. */
struct tr_volume {
	int64_t		 volume, records, took, rate;
};

struct training {
	struct scenario	 sc;
	char		 scratch[PATH_MAX];
	char		 tree[PATH_MAX], image[PATH_MAX], lib[PATH_MAX];
	char		 shelf[PATH_MAX], rundir[PATH_MAX];
	char		 report[PATH_MAX];	/* scratch/report.txt */
	char		 copyto[PATH_MAX];	/* --report, or "" */
	char		*argv[24];	/* the engine's arguments */
	int		 argc;
	char		 argbuf[4][PATH_MAX + 16];
	long long	 t0;		/* ms, when the dump started */
	struct tr_event	 ev[TR_MAXEVENTS];
	int		 nev;
	char		 who[64];	/* the trainee: user@tty */
	time_t		 started;
	int		 status;	/* the engine's exit status, -1 */
	char		 endtext[CTL_STRLEN];	/* its last words */
	int		 nvolumes;	/* in the library at the end */
	int		 exact;		/* 1 restores exactly, 0 not, -1 untried */
	char		 verdict[1024];
	int		 mistakes;
	struct tr_volume vol[TR_MAXVOLS];	/* in the order written */
	int		 nvol;
	char		 note[TR_MAXNOTES][TR_LINE];	/* notable log lines */
	int		 nnote;
	int		 debrief;	/* the debrief screen is up */
	char		*text;		/* the report */
	int		 top;		/* first report line shown */
};

/* training-scen.c */
int		 scenario_load(const char *, struct scenario *, char *, size_t);
long long	 tr_ms(void);

/* training-setup.c */
int		 training_setup(struct training *, const char *, char *, size_t);
int		 tr_run(char *const[], const char *, const char *, int);
char		*tr_path(char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* training-verify.c */
void		 training_verify(struct training *);
int		 tr_treecmp(const char *, const char *, char *, size_t);

/* training-report.c */
void		 tr_asked(struct training *, const struct ctl_question *);
void		 tr_answered(struct training *, int64_t, const char *,
		    const char *);
void		 tr_keyabort(struct training *);
int		 tr_report(struct training *, FILE *);

#endif
