// SPDX-License-Identifier: BSD-2-Clause
/*
 * The operator interface: every question the engine asks and every
 * broadcast it sends goes through here.  A backend, picked once by
 * optr_init(), answers questions: -q never asks, a scripted answers file
 * serves tests and training, and /dev/tty asks the operator as dump does.
 * Deciding what to do with the answer is left to the caller.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <paths.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include "opdump.h"

#define OPTR_ALERT_SECS	120	/* re-alert the operator this often */
#define OPTR_MAXEOF	3	/* ends of file on the tty in a row */
#define OPTR_WORDMAX	128	/* longest answer or reply we look at */
#define OPTR_GROUP	"operator"

/*
 * A backend answers one question.  ask() returns the index of the chosen
 * answer, or -1 after a message saying why nobody can answer; close()
 * releases what the backend holds.  The console's backend (optr-chan.c)
 * also needs the kind and the context, which optr_ask() leaves in struct
 * optr.
 */
struct optr_backend {
	const char	*name;
	int		(*ask)(struct dump *, const struct optr_choice *, int);
	void		(*close)(struct optr *);
};

struct optr {
	const struct optr_backend *be;
	int		 fd;		/* the answers file, or -1 */
	char		*path;		/* its name, for messages */
	char		*last;		/* the last broadcast, or NULL */
	int		 nogroup;	/* no operator group: stop notifying */
	int		 alert_secs;	/* re-alert period on the tty */
	enum optr_kind	 kind;		/* of the question being asked */
	const char	*context;	/* and what led to it, or NULL */
};

static int	 optr_ask_never(struct dump *, const struct optr_choice *, int);
static int	 optr_ask_script(struct dump *, const struct optr_choice *,
		    int);
static int	 optr_ask_tty(struct dump *, const struct optr_choice *, int);
static int	 optr_ask_chan(struct dump *, const struct optr_choice *, int);
static void	 optr_close_none(struct optr *);
static void	 optr_close_script(struct optr *);

static const struct optr_backend optr_never = {
	"-q", optr_ask_never, optr_close_none
};
static const struct optr_backend optr_script = {
	"answers file", optr_ask_script, optr_close_script
};
static const struct optr_backend optr_chan = {
	"console", optr_ask_chan, optr_close_none
};
static const struct optr_backend optr_tty = {
	"/dev/tty", optr_ask_tty, optr_close_none
};

/* The re-alert period: OPDUMP_ALERT_SECS if it is a sane number. */
static int
optr_alert_secs(void)
{
	const char *s = getenv("OPDUMP_ALERT_SECS");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return OPTR_ALERT_SECS;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 86400)
		return OPTR_ALERT_SECS;
	return (int)v;
}

/*
 * Pick the backend.  The answers file is opened here, once, before the
 * engine forks: every process then shares one file offset, so an answer a
 * checkpoint child consumed stays consumed for its parent and for any
 * child forked again from an earlier checkpoint.
 */
int
optr_init(struct dump *d)
{
	struct optr *o;
	const char *path = getenv("OPDUMP_ANSWERS");

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		msg("Cannot set up the operator interface: %s", strerror(errno));
		return -1;
	}
	o->fd = -1;
	o->alert_secs = optr_alert_secs();
	if (d->opt.qflag)
		o->be = &optr_never;
	else if (d->opt.control != NULL)
		o->be = &optr_chan;
	else if (path != NULL && *path != '\0') {
		o->be = &optr_script;
		if ((o->path = strdup(path)) == NULL ||
		    (o->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			msg("Cannot open the answers file \"%s\" "
			    "(OPDUMP_ANSWERS): %s", path, strerror(errno));
			free(o->path);
			free(o);
			return -1;
		}
	} else
		o->be = &optr_tty;
	optr_free(d);
	d->optr = o;
	return 0;
}

void
optr_free(struct dump *d)
{
	struct optr *o = d->optr;

	if (o == NULL)
		return;
	o->be->close(o);
	free(o->last);
	free(o);
	d->optr = NULL;
}

static void
optr_close_none(struct optr *o)
{
	(void)o;
}

static void
optr_close_script(struct optr *o)
{
	if (o->fd != -1)
		close(o->fd);
	o->fd = -1;
	free(o->path);
	o->path = NULL;
}

/*
 * Ask the operator; returns the index of the chosen answer or -1 when
 * nobody can answer.  The time spent waiting is added to the stats, so the
 * estimate of the time left does not count it.
 */
int
optr_ask(struct dump *d, enum optr_kind kind, const char *context,
    const struct optr_choice *ch, int n)
{
	struct timespec t0, t1;
	long long ns;
	int64_t id = 0;
	int ans;

	if (n < 1 || ch == NULL)
		return -1;
	if (d->optr == NULL) {
		msg("Cannot ask the operator \"%s\": no operator interface",
		    ch[0].prompt);
		return -1;
	}
	if (context != NULL && *context != '\0')
		msg("%s", context);
	/* Only someone watching may override a protected volume. */
	if (kind == Q_PROTECT && d->optr->be != &optr_tty &&
	    d->optr->be != &optr_chan && n > 1 &&
	    strcmp(ch[n - 1].word, "override") == 0)
		n--;
	d->optr->kind = kind;
	d->optr->context = context;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The status stream shows every question, whoever answers it. */
	if (d->optr->be != &optr_chan)
		id = optr_chan_post(d, kind, context, ch, n);
	ans = d->optr->be->ask(d, ch, n);
	optr_chan_settle(id, ans, d->optr->be->name);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec;
	d->st.waited += (time_t)((ns + 500000000LL) / 1000000000LL);
	board_times(&d->st);
	return ans;
}

/* Are questions going to a console (which also gets warnings)? */
int
optr_console(const struct dump *d)
{
	return d->optr != NULL && d->optr->be == &optr_chan;
}

static int
optr_ask_chan(struct dump *d, const struct optr_choice *ch, int n)
{
	return optr_chan_ask(d, d->optr->kind, d->optr->context, ch, n);
}

/* The index of the choice named word, or -1. */
int
optr_choice(const struct optr_choice *ch, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(ch[i].word, word) == 0)
			return i;
	return -1;
}

/* -q: dump's forced abort; the first question is the one that matters. */
static int
optr_ask_never(struct dump *d, const struct optr_choice *ch, int n)
{
	(void)d;
	(void)n;
	msg("%s - forced abort", ch[0].prompt);
	return -1;
}

/*
 * Read the next answer word from the shared answers file into buf,
 * skipping blank lines and comments.  read(2) one byte at a time is slow
 * but keeps the kernel's shared offset the only state: no buffer of ours
 * can hold answers that another process then fails to see.  Returns 1, or
 * 0 at end of file, or -1 on a read error.
 */
static int
optr_script_word(int fd, char *buf, size_t len)
{
	size_t n, b, e;
	ssize_t r;
	char c;

	for (;;) {
		n = 0;
		while ((r = read(fd, &c, 1)) == 1 && c != '\n')
			if (n < len - 1)
				buf[n++] = c;
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		buf[n] = '\0';
		for (b = 0; isspace((unsigned char)buf[b]); b++)
			;
		for (e = n; e > b && isspace((unsigned char)buf[e - 1]); e--)
			;
		buf[e] = '\0';
		if (b < e && buf[b] != '#') {
			memmove(buf, buf + b, e - b + 1);
			return 1;
		}
		if (r == 0)
			return 0;
	}
}

/* Answer from the OPDUMP_ANSWERS file; an unknown word is an error. */
static int
optr_ask_script(struct dump *d, const struct optr_choice *ch, int n)
{
	struct optr *o = d->optr;
	char word[OPTR_WORDMAX], valid[512];
	size_t len = 0;
	int i, r;

	if ((r = optr_script_word(o->fd, word, sizeof(word))) == -1) {
		msg("Cannot read the answers file \"%s\": %s", o->path,
		    strerror(errno));
		return -1;
	}
	if (r == 0) {
		msg("no answer left in %s for: %s", o->path, ch[0].prompt);
		return -1;
	}
	if ((i = optr_choice(ch, n, word)) >= 0) {
		msg("%s: %s (from %s)", ch[0].prompt, word, o->path);
		return i;
	}
	valid[0] = '\0';
	for (i = 0; i < n && len < sizeof(valid); i++)
		len += snprintf(valid + len, sizeof(valid) - len, "%s\"%s\"",
		    i == 0 ? "" : i == n - 1 ? " or " : ", ", ch[i].word);
	msg("%s: unknown answer \"%s\" in %s; expected %s", ch[0].prompt, word,
	    o->path, valid);
	return -1;
}

static void
optr_prompt(const char *lead, const char *prompt)
{
	fprintf(stderr, "%s  DUMP: %s: (\"yes\" or \"no\") ", lead, prompt);
	fflush(stderr);
}

/*
 * Wait for a line on the tty, re-alerting every alert_secs seconds.
 * poll() is the timer, so no signal ever interrupts the engine.  Returns
 * the length read (0 at end of file) or -1 after a message.
 */
static ssize_t
optr_tty_line(struct dump *d, int fd, const char *prompt, char *buf,
    size_t len)
{
	struct optr *o = d->optr;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;
	char c;

	for (;;) {
		r = poll(&pfd, 1, o->alert_secs * 1000);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			msg("Cannot wait for the operator: poll: %s",
			    strerror(errno));
			return -1;
		}
		if (r == 0) {
			optr_prompt("\n\a\a", prompt);
			if (o->last != NULL)
				optr_broadcast(d, o->last);
			continue;
		}
		r = read(fd, buf, len - 1);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1) {
			msg("Cannot read the operator's answer: /dev/tty: %s",
			    strerror(errno));
			return -1;
		}
		buf[r] = '\0';
		/* A line too long for buf: drop the rest of it. */
		if ((size_t)r == len - 1 && buf[r - 1] != '\n')
			while (read(fd, &c, 1) == 1 && c != '\n')
				;
		return r;
	}
}

/*
 * Ask one yes/no question on the tty as dump does.  Returns 1 for yes, 0
 * for no, -1 when the tty keeps giving end of file or fails.
 */
static int
optr_tty_yesno(struct dump *d, int fd, const char *prompt)
{
	char line[OPTR_WORDMAX], *s, *e;
	int eofs = 0;
	ssize_t r;

	optr_prompt("", prompt);
	for (;;) {
		if ((r = optr_tty_line(d, fd, prompt, line, sizeof(line))) == -1)
			return -1;
		if (r == 0) {
			if (++eofs >= OPTR_MAXEOF) {
				fputc('\n', stderr);
				msg("End of file on /dev/tty %d times: nobody "
				    "answers \"%s\"", eofs, prompt);
				return -1;
			}
			optr_prompt("\n", prompt);
			continue;
		}
		eofs = 0;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0)
			return 1;
		if (strcasecmp(s, "n") == 0 || strcasecmp(s, "no") == 0)
			return 0;
		fprintf(stderr, "  DUMP: \"Yes\" or \"No\"?\n");
		optr_prompt("", prompt);
	}
}

/*
 * The classic prompt: each choice's question in turn until one gets a
 * yes, starting over after the last.  Without a controlling terminal
 * nobody can answer, and we say so rather than hang.
 */
static int
optr_ask_tty(struct dump *d, const struct optr_choice *ch, int n)
{
	int fd, i, r;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		msg("Cannot ask the operator \"%s\": no terminal "
		    "(/dev/tty: %s)", ch[0].prompt, strerror(errno));
		return -1;
	}
	for (i = 0; (r = optr_tty_yesno(d, fd, ch[i].prompt)) == 0;
	    i = (i + 1) % n)
		;
	close(fd);
	return r == 1 ? i : -1;
}

/*
 * Remember text as the last broadcast, re-sent on each re-alert, and with
 * -n tell the operator group.  Without such a group we say so once and
 * stop, as dump does.
 */
void
optr_broadcast(struct dump *d, const char *text)
{
	struct optr *o = d->optr;
	char *copy;

	if (o != NULL && o->last != text && (copy = strdup(text)) != NULL) {
		free(o->last);
		o->last = copy;
	}
	board_alert(text);
	if (!d->opt.notify || (o != NULL && o->nogroup))
		return;
	if (optr_notify(OPTR_GROUP, _PATH_UTMP, "/dev/", text) == -1) {
		msg("No group entry for %s.", OPTR_GROUP);
		if (o != NULL)
			o->nogroup = 1;
	}
}

/*
 * The message written to each terminal: a header with the time, then text
 * with its newlines as CR LF (the terminal may be in raw mode).  Control
 * characters other than bells and tabs are shown as '?', so the text
 * cannot drive the terminal.
 */
static char *
optr_notice(const char *text)
{
	char *buf, *p;
	struct tm tm;
	time_t now = time(NULL);
	size_t tl = strlen(text);
	int n;

	while (tl > 0 && text[tl - 1] == '\n')
		tl--;
	if ((buf = malloc(2 * tl + 160)) == NULL)
		return NULL;
	localtime_r(&now, &tm);
	n = sprintf(buf, "\r\n\a\a\aMessage from the dump program to all "
	    "operators at %d:%02d ...\r\n\r\nDUMP: NEEDS ATTENTION: ",
	    tm.tm_hour, tm.tm_min);
	p = buf + n;
	for (; tl > 0; text++, tl--) {
		if (*text == '\n') {
			*p++ = '\r';
			*p++ = '\n';
		} else if (((unsigned char)*text < 0x20 && *text != '\a' &&
		    *text != '\t') || *text == 0x7f)
			*p++ = '?';
		else
			*p++ = *text;
	}
	strcpy(p, "\r\n");
	return buf;
}

/* Is user a member of the group gid with the members mem? */
static int
optr_member(const char *user, gid_t gid, char *const *mem)
{
	struct passwd *pw;

	for (; *mem != NULL; mem++)
		if (strcmp(*mem, user) == 0)
			return 1;
	return (pw = getpwnam(user)) != NULL && pw->pw_gid == gid;
}

/* Write notice to the terminal devdir/line; 1 if it was written. */
static int
optr_tell(const char *devdir, const char *line, const char *notice)
{
	char path[PATH_MAX];
	size_t dl = strlen(devdir);
	ssize_t len = (ssize_t)strlen(notice);
	int fd, ok;

	if (*line == '\0' || strstr(line, "..") != NULL)
		return 0;
	if (snprintf(path, sizeof(path), "%s%s%s", devdir,
	    dl > 0 && devdir[dl - 1] == '/' ? "" : "/", line) >=
	    (int)sizeof(path))
		return 0;
	/* Non-blocking: a terminal stuck on ^S must not stop the dump. */
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return 0;
	ok = write(fd, notice, len) == len;
	close(fd);
	return ok;
}

/* A copy of the group's member list, NULL-terminated; NULL if no memory. */
static char **
optr_members(char *const *mem)
{
	char **copy;
	size_t i, n;

	for (n = 0; mem[n] != NULL; n++)
		;
	if ((copy = calloc(n + 1, sizeof(*copy))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((copy[i] = strdup(mem[i])) == NULL) {
			while (i > 0)
				free(copy[--i]);
			free(copy);
			return NULL;
		}
	return copy;
}

/*
 * Write text to the terminal of every logged-in member of group, as
 * listed in the utmp file, the terminals being under devdir.  The file is
 * read directly rather than through utmpxname(), which would change the
 * process's utmp file for everyone.  Returns how many terminals were
 * written to, or -1 if the group does not exist.
 */
int
optr_notify(const char *group, const char *utmp, const char *devdir,
    const char *text)
{
	struct utmpx ut;
	struct group *gr;
	char user[sizeof(ut.ut_user) + 1], line[sizeof(ut.ut_line) + 1];
	char **mem, *notice, **m;
	gid_t gid;
	int fd, count = 0;

	if ((gr = getgrnam(group)) == NULL)
		return -1;
	gid = gr->gr_gid;
	if ((mem = optr_members(gr->gr_mem)) == NULL)
		return 0;
	if ((notice = optr_notice(text)) == NULL ||
	    (fd = open(utmp, O_RDONLY | O_CLOEXEC)) == -1)
		goto out;
	while (read(fd, &ut, sizeof(ut)) == (ssize_t)sizeof(ut)) {
		if (ut.ut_type != USER_PROCESS)
			continue;
		memcpy(user, ut.ut_user, sizeof(ut.ut_user));
		user[sizeof(ut.ut_user)] = '\0';
		memcpy(line, ut.ut_line, sizeof(ut.ut_line));
		line[sizeof(ut.ut_line)] = '\0';
		if (optr_member(user, gid, mem))
			count += optr_tell(devdir, line, notice);
	}
	close(fd);
out:
	free(notice);
	for (m = mem; *m != NULL; m++)
		free(*m);
	free(mem);
	return count;
}
