// SPDX-License-Identifier: BSD-2-Clause
/*
 * opconsole's interfaces.  chan.c holds the model that the engine's
 * messages feed and the socket it talks over; it never includes curses, so
 * the unit test links it alone.  screen.c draws the model, dialog.c turns a
 * question into a dialog, keys.c maps keys to actions, and console.c starts
 * or attaches to the engine and runs the loop that ties them together.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "control.h"

struct training;

#define MODEL_SLAVES	32		/* slave rows kept, by n */
#define MODEL_LOGLINES	2000		/* log lines kept, the newest */

/* The connection's state, in model.conn. */
#define CONN_NONE	0		/* not connected yet */
#define CONN_UP		1
#define CONN_CLOSED	2		/* EOF or error: the engine is gone */

/*
 * What the console knows of the dump: the latest message of each kind, the
 * finished volumes, the newest log lines in a ring and the open question.
 * model_feed() is its only writer besides model_log_add(); "changed" counts
 * updates so the loop knows when to redraw.
 */
struct model {
	int			 have_hello, have_status, have_tape;
	struct ctl_hello	 hello;
	struct ctl_status	 status;
	struct ctl_tape		 tape;
	struct ctl_slave	 slave[MODEL_SLAVES];
	int			 nslaves;	/* highest n seen + 1 */
	struct ctl_volume	*vol;		/* finished, by arrival */
	size_t			 nvol, volcap;
	struct ctl_log		*log;		/* ring of MODEL_LOGLINES */
	size_t			 loghead;	/* next slot to write */
	size_t			 nlog;		/* lines held */
	unsigned long		 logtotal;	/* lines ever added */
	int			 have_question;
	struct ctl_question	 question;
	struct ctl_answered	 answered;	/* the last one */
	unsigned		 alerts;	/* alerts seen */
	char			 alert[CTL_STRLEN];	/* the last one */
	int			 ended;
	struct ctl_end		 end;
	int			 conn;		/* CONN_* */
	unsigned long		 changed;	/* bumped on every update */
	/* Partial input: a line split across reads waits here. */
	char			 buf[CTL_LINEMAX];
	size_t			 buflen;
	int			 skipping;	/* inside an over-long line */
};

/* chan.c */
int		 model_init(struct model *);
void		 model_free(struct model *);
int		 model_feed(struct model *, const char *);
void		 model_input(struct model *, const char *, size_t);
void		 model_log_add(struct model *, time_t, const char *);
const struct ctl_log *model_log_get(const struct model *, size_t);
int		 chan_connect(const char *);
int		 chan_read(struct model *, int);
int		 chan_send(int, int, const void *);
int		 chan_wait(struct model *, int, int, int);

/* Key handlers return these flags, as htop's actions do. */
#define KF_REDRAW	0x01		/* the screen changed */
#define KF_FULL		0x02		/* repaint every cell (^L, resize) */
#define KF_QUIT		0x04		/* leave with the engine's status */
#define KF_DETACH	0x08		/* leave, the dump goes on */

/*
 * The dialog over the screen: an engine question (local == 0) or the
 * console's own abort confirmation (local == 1).  sel is the highlighted
 * choice or -1; nothing is answered until Enter confirms a selection.
 */
struct dialog {
	int			 open;
	int			 local;
	struct ctl_question	 q;
	int			 sel;
	int			 sent;		/* waiting for "answered" */
	char			 hot[CTL_MAXCHOICE];	/* hotkey letters */
};

/* The console: the model plus what only the screen has. */
struct console {
	struct model		 m;
	int			 fd;		/* the engine's socket, -1 */
	pid_t			 pid;		/* the engine's, for attach */
	pid_t			 child;		/* started by us, 0 attached */
	int			 child_status;	/* once reaped, -1 before */
	char			 logpath[4096];	/* the child's log, or "" */
	int			 colour;
	int			 scroll;	/* log lines above the bottom */
	unsigned long		 logseen;	/* m.logtotal at last look */
	int			 logrows;	/* the log pane's height */
	int			 help;		/* the help overlay is up */
	int			 alert_on;	/* the alert line is shown */
	unsigned		 alerts_seen;	/* alerts already rung */
	char			 hint[128];	/* a one-off message */
	time_t			 hint_until;
	struct dialog		 dlg;
	struct training		*train;		/* --training, or NULL */
};

/* console.c */
void		 console_opdump(char *, size_t);

/* training.c: the console's hooks for --training (all take c->train
 * NULL as "not training"). */
void		 training_start(struct console *, int, char **);
char		**training_argv(struct console *, int *);
void		 training_asked(struct console *, const struct ctl_question *);
void		 training_answer(struct console *, const struct ctl_question *,
		    const char *);
void		 training_keyabort(struct console *);
void		 training_settled(struct console *, const struct ctl_answered *);
int		 training_end(struct console *);
int		 training_key(struct console *, int);
int		 training_draw(struct console *);

/* screen.c */
void		 screen_init(struct console *);
void		 screen_draw(struct console *);
void		 screen_box(int, int, int, int);
void		 screen_put(int, int, int, int, const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* dialog.c */
void		 dialog_sync(struct console *);
void		 dialog_open_abort(struct console *);
int		 dialog_key(struct console *, int);
void		 dialog_draw(struct console *);
void		 dialog_who(char *, size_t);

/* keys.c */
int		 keys_handle(struct console *, int);
void		 keys_draw_help(void);
void		 console_hint(struct console *, const char *);

#endif
