// SPDX-License-Identifier: BSD-2-Clause
/*
 * The control protocol's lines (include/control.h): a table of fields per
 * message type drives encoding and decoding, so a message is a plain
 * struct on both sides.  Shared by the engine's control server and the
 * console; it knows nothing else of either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"

enum { F_INT, F_STR };

struct ctl_field {
	const char	*key;
	int		 kind;
	size_t		 off;
	size_t		 size;		/* of a string's buffer */
};

struct ctl_type {
	int		 type;
	const char	*name;
	const struct ctl_field *f;
	size_t		 nf;
	size_t		 size;
};

#define I(s, m)	{ #m, F_INT, offsetof(struct s, m), 0 }
#define S(s, m)	{ #m, F_STR, offsetof(struct s, m), \
		    sizeof(((struct s *)0)->m) }

static const struct ctl_field f_hello[] = {
	I(ctl_hello, version), I(ctl_hello, pid), I(ctl_hello, uid),
	I(ctl_hello, level), I(ctl_hello, date), I(ctl_hello, ddate),
	I(ctl_hello, ntrec), I(ctl_hello, nslaves), I(ctl_hello, blocksize),
	S(ctl_hello, host), S(ctl_hello, device), S(ctl_hello, filesys),
	S(ctl_hello, magic), S(ctl_hello, volname), S(ctl_hello, uuid),
	S(ctl_hello, label), S(ctl_hello, tape), S(ctl_hello, policy),
};
static const struct ctl_field f_status[] = {
	S(ctl_status, state), I(ctl_status, pass), I(ctl_status, ino),
	I(ctl_status, tapea), I(ctl_status, estimate),
	I(ctl_status, permille), I(ctl_status, rate), I(ctl_status, eta),
	I(ctl_status, elapsed), I(ctl_status, waited), S(ctl_status, path),
};
static const struct ctl_field f_slave[] = {
	I(ctl_slave, n), I(ctl_slave, pid), S(ctl_slave, state),
	I(ctl_slave, blocks), I(ctl_slave, addr),
};
static const struct ctl_field f_tape[] = {
	I(ctl_tape, volume), S(ctl_tape, device), S(ctl_tape, host),
	I(ctl_tape, records), I(ctl_tape, capacity), I(ctl_tape, tapea),
	I(ctl_tape, firstino), I(ctl_tape, started),
};
static const struct ctl_field f_volume[] = {
	I(ctl_volume, volume), S(ctl_volume, device), I(ctl_volume, started),
	I(ctl_volume, took), I(ctl_volume, records), I(ctl_volume, rate),
};
static const struct ctl_field f_log[] = {
	I(ctl_log, seq), I(ctl_log, time), S(ctl_log, text),
};
static const struct ctl_field f_alert[] = {
	I(ctl_alert, seq), S(ctl_alert, text),
};
static const struct ctl_field f_end[] = {
	I(ctl_end, status), S(ctl_end, text),
};
static const struct ctl_field f_question[] = {
	I(ctl_question, id), S(ctl_question, kind), I(ctl_question, volume),
	S(ctl_question, device), I(ctl_question, n),
	S(ctl_question, c0), S(ctl_question, c1), S(ctl_question, c2),
	S(ctl_question, c3), S(ctl_question, p0), S(ctl_question, p1),
	S(ctl_question, p2), S(ctl_question, p3), S(ctl_question, onmedia),
	S(ctl_question, protect), S(ctl_question, context),
};
static const struct ctl_field f_answered[] = {
	I(ctl_answered, id), S(ctl_answered, choice), S(ctl_answered, by),
};
static const struct ctl_field f_answer[] = {
	I(ctl_answer, id), S(ctl_answer, choice),
};
static const struct ctl_field f_abort[] = {
	S(ctl_abort, by),
};

#define T(t, n, f, s)	{ t, n, f, sizeof(f) / sizeof(f[0]), sizeof(struct s) }
static const struct ctl_type types[] = {
	T(CTL_HELLO, "hello", f_hello, ctl_hello),
	T(CTL_STATUS, "status", f_status, ctl_status),
	T(CTL_SLAVE, "slave", f_slave, ctl_slave),
	T(CTL_TAPE, "tape", f_tape, ctl_tape),
	T(CTL_VOLUME, "volume", f_volume, ctl_volume),
	T(CTL_LOG, "log", f_log, ctl_log),
	T(CTL_ALERT, "alert", f_alert, ctl_alert),
	T(CTL_END, "end", f_end, ctl_end),
	T(CTL_QUESTION, "question", f_question, ctl_question),
	T(CTL_ANSWERED, "answered", f_answered, ctl_answered),
	T(CTL_ANSWER, "answer", f_answer, ctl_answer),
	T(CTL_ABORT, "abort", f_abort, ctl_abort),
};
#define NTYPES	(sizeof(types) / sizeof(types[0]))

static const struct ctl_type *
ctl_type(int type)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *
ctl_name(int type)
{
	const struct ctl_type *t = ctl_type(type);

	return t != NULL ? t->name : "unknown";
}

/* Append s percent-encoded; returns the new length or -1 if it does not
 * fit. */
static int
ctl_put(char *buf, size_t len, size_t at, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '%') {
			if (at + 3 >= len)
				return -1;
			buf[at++] = '%';
			buf[at++] = hex[*p >> 4];
			buf[at++] = hex[*p & 15];
		} else {
			if (at + 1 >= len)
				return -1;
			buf[at++] = (char)*p;
		}
	}
	buf[at] = '\0';
	return (int)at;
}

/*
 * Write message msg of the given type as one line, newline included, into
 * buf.  Returns its length, or -1 for an unknown type or a line that does
 * not fit.  Empty strings are left out.
 */
int
ctl_encode(int type, const void *msg, char *buf, size_t len)
{
	const struct ctl_type *t = ctl_type(type);
	const char *base = msg;
	char num[32];
	size_t i;
	int at;

	if (t == NULL || len < 8)
		return -1;
	at = snprintf(buf, len, "%d %s", type, t->name);
	for (i = 0; i < t->nf && at >= 0; i++) {
		const struct ctl_field *f = &t->f[i];
		const char *v;

		if (f->kind == F_INT) {
			int64_t x;

			memcpy(&x, base + f->off, sizeof(x));
			snprintf(num, sizeof(num), "%lld", (long long)x);
			v = num;
		} else {
			v = base + f->off;
			if (memchr(v, '\0', f->size) == NULL)
				return -1;
			if (*v == '\0')
				continue;
		}
		if ((size_t)at + strlen(f->key) + 3 >= len)
			return -1;
		at += snprintf(buf + at, len - (size_t)at, " %s=", f->key);
		at = ctl_put(buf, len, (size_t)at, v);
	}
	if (at < 0 || (size_t)at + 2 > len)
		return -1;
	buf[at++] = '\n';
	buf[at] = '\0';
	return at;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode a percent-encoded value of n bytes into dst (size len),
 * truncating what does not fit. */
static void
ctl_get(char *dst, size_t len, const char *src, size_t n)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (src[i] == '%' && i + 2 < n &&
		    (hi = hexval(src[i + 1])) >= 0 &&
		    (lo = hexval(src[i + 2])) >= 0) {
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
}

/* Set the field named by key (klen bytes) from its encoded value. */
static void
ctl_set(const struct ctl_type *t, char *base, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	char num[32];
	size_t i;

	for (i = 0; i < t->nf; i++) {
		const struct ctl_field *f = &t->f[i];

		if (strlen(f->key) != klen || memcmp(f->key, key, klen) != 0)
			continue;
		if (f->kind == F_STR) {
			ctl_get(base + f->off, f->size, val, vlen);
		} else {
			int64_t x;

			ctl_get(num, sizeof(num), val, vlen);
			x = strtoll(num, NULL, 10);
			memcpy(base + f->off, &x, sizeof(x));
		}
		return;
	}
}

/*
 * Parse one line (with or without its newline) into *m.  Returns the
 * message type, or -1 for a line that is not a message of a known type.
 * Fields the line does not name are zero or empty.
 */
int
ctl_decode(const char *line, union ctl_any *m)
{
	const struct ctl_type *t;
	const char *p, *q, *eq;
	char *end;
	long type;

	memset(m, 0, sizeof(*m));
	type = strtol(line, &end, 10);
	if (end == line || (*end != ' ' && *end != '\n' && *end != '\0') ||
	    (t = ctl_type((int)type)) == NULL)
		return -1;
	p = end;
	while (*p == ' ')
		p++;
	p += strcspn(p, " \n");		/* the name, for people */
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n' || *p == '\r')
			break;
		q = p + strcspn(p, " \r\n");
		eq = memchr(p, '=', (size_t)(q - p));
		if (eq != NULL)
			ctl_set(t, (char *)m, p, (size_t)(eq - p), eq + 1,
			    (size_t)(q - eq - 1));
		p = q;
	}
	return (int)type;
}

/* The word and the prompt of choice i of a question, or NULL. */
const char *
ctl_choice(const struct ctl_question *q, int i)
{
	const char *w[CTL_MAXCHOICE] = { q->c0, q->c1, q->c2, q->c3 };

	if (i < 0 || i >= CTL_MAXCHOICE || i >= q->n || w[i][0] == '\0')
		return NULL;
	return w[i];
}

const char *
ctl_prompt(const struct ctl_question *q, int i)
{
	const char *p[CTL_MAXCHOICE] = { q->p0, q->p1, q->p2, q->p3 };

	if (ctl_choice(q, i) == NULL)
		return NULL;
	return p[i];
}

/*
 * The directory where running dumps keep their control sockets and logs:
 * $OPDUMP_RUNDIR, /run/opdump for root, else $XDG_RUNTIME_DIR/opdump or
 * /tmp/opdump-UID.  Created mode 0700 if missing; one that is not a
 * directory of ours with that mode is refused, so nobody else can listen
 * or attach in our name.  Returns 0, or -1 with errno set.
 */
int
ctl_rundir(char *buf, size_t len)
{
	const char *env = getenv("OPDUMP_RUNDIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (env != NULL && *env != '\0')
		n = snprintf(buf, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/run/opdump");
	else if (xdg != NULL && *xdg == '/')
		n = snprintf(buf, len, "%s/opdump", xdg);
	else
		n = snprintf(buf, len, "/tmp/opdump-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(buf, 0700) == -1 && errno != EEXIST)
		return -1;
	if (lstat(buf, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
