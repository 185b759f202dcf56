// SPDX-License-Identifier: BSD-2-Clause
/*
 * Messages for the operator on stderr, in dump's `  DUMP: ' grammar so the
 * scripts and Amanda that parse dump's output keep working.  Warnings are
 * counted in the dump's stats; verbose lines appear only with -v.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "opdump.h"

static int silent;		/* -S: stdout carries the answer, no chatter */

void
msg_silence(int on)
{
	silent = on;
}

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];

	if (silent)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf per line, so lines of the ring's processes never mix. */
	fprintf(stderr, "  DUMP: %s%s%s", prefix, line,
	    line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
	fflush(stderr);
	if (*prefix != '\0') {
		char full[1100];

		snprintf(full, sizeof(full), "%s%s", prefix, line);
		board_log(full);
	} else
		board_log(line);
}

void
msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* A warning the operator should see; the dump goes on. */
void
warnmsg(struct dump *d, const char *fmt, ...)
{
	va_list ap;

	d->st.warnings++;
	va_start(ap, fmt);
	vmsg("WARNING: ", fmt, ap);
	va_end(ap);
}

void
verbose(struct dump *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->opt.verbose)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* ctime(3) text without its newline, into buf. */
const char *
ctime_nonl(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* "<what> <ctime>", as dump prints its date lines. */
void
msgdate(const char *what, time_t t)
{
	char buf[64];

	msg("%s%s", what, t == 0 ? "the epoch" : ctime_nonl(t, buf, sizeof(buf)));
}
