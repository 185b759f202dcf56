// SPDX-License-Identifier: BSD-2-Clause
/*
 * Drawing the console's screen from the model, top to bottom: header,
 * pass and progress, a message row, slaves, tape, finished volumes, the
 * log and the help line.  The layout fits 80x24; taller terminals give
 * their extra rows to the slave, volume and log panes.  Nothing here
 * changes the model; dialogs and the help overlay are drawn on top.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "console.h"

#define FIXED_ROWS	11	/* every row but the slave, volume, log rows */

enum { AT_STATE = 1, AT_ALERT, AT_BAR };

static int colour;

/* Set up curses: keys arrive raw (^C too), nothing echoes. */
void
screen_init(struct console *c)
{
	const char *nc = getenv("NO_COLOR");

	initscr();
	raw();
	cbreak();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colour = has_colors() && (nc == NULL || *nc == '\0');
	if (colour) {
		start_color();
		use_default_colors();
		init_pair(AT_STATE, COLOR_BLACK, COLOR_CYAN);
		init_pair(AT_ALERT, COLOR_WHITE, COLOR_RED);
		init_pair(AT_BAR, COLOR_BLACK, COLOR_GREEN);
	}
	c->colour = colour;
}

/* Emphasis: a colour pair when allowed, reverse video otherwise. */
static int
emph(int which)
{
	return colour ? (int)(COLOR_PAIR(which) | A_BOLD) : (int)A_REVERSE;
}

/*
 * Draw a formatted string at (y, x) in at most w columns.  Control
 * characters from the engine become '?', so no text can move the cursor
 * or send escape sequences; UTF-8 sequences count as one column.
 */
void
screen_put(int y, int x, int w, int attr, const char *fmt, ...)
{
	char buf[CTL_TEXTLEN + 256];
	va_list ap;
	size_t i, bytes = 0;
	int cols = 0;

	if (w > COLS - x)
		w = COLS - x;
	if (y < 0 || y >= LINES || x < 0 || w <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; buf[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch < 0x20 || ch == 0x7f)
			buf[i] = '?';
		if ((ch & 0xc0) != 0x80 && cols++ == w)
			break;
		bytes = i + 1;
	}
	attrset(attr);
	mvaddnstr(y, x, buf, (int)bytes);
	attrset(A_NORMAL);
}

/*
 * Clear a rectangle and frame it, for dialogs and the help overlay.  The
 * frame is plain ASCII: line-drawing characters need a terminal and a
 * multiplexer that agree on how to switch character sets, and a vt100
 * under tmux does not.
 */
void
screen_box(int y, int x, int h, int w)
{
	int i;

	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	mvhline(y, x + 1, '-', w - 2);
	mvhline(y + h - 1, x + 1, '-', w - 2);
	mvvline(y + 1, x, '|', h - 2);
	mvvline(y + 1, x + w - 1, '|', h - 2);
	mvaddch(y, x, '+');
	mvaddch(y, x + w - 1, '+');
	mvaddch(y + h - 1, x, '+');
	mvaddch(y + h - 1, x + w - 1, '+');
}

/* A clock time (HH:MM:SS) or, with date set, a date; "-" for none. */
static const char *
fmt_time(char *buf, size_t len, int64_t t, int date)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	if (t > 0 && localtime_r(&tt, &tm) != NULL)
		n = date ? strftime(buf, len, "%Y-%m-%d %H:%M", &tm) :
		    strftime(buf, len, "%H:%M:%S", &tm);
	if (n == 0)
		snprintf(buf, len, "-");
	return buf;
}

/* A duration: M:SS, or H:MM:SS from an hour on. */
static const char *
fmt_dur(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%lld:%02lld", (long long)(s / 60),
		    (long long)(s % 60));
	return buf;
}

/* Header: where the dump reads from, what and since when; the state. */
static void
draw_header(const struct model *m)
{
	const struct ctl_hello *h = &m->hello;
	char now[32], d1[32], d2[32], st[48];
	int fixed, len;

	fmt_time(now, sizeof(now), time(NULL), 0);
	screen_put(0, COLS - 8, 8, A_NORMAL, "%s", now);
	if (!m->have_hello) {
		screen_put(0, 0, COLS - 10, A_BOLD, "opconsole: %s",
		    m->conn == CONN_UP ? "waiting for the engine" :
		    "not connected");
		return;
	}
	fixed = (int)strlen(h->host) + (int)strlen(h->device) + 3;
	if (h->volname[0] != '\0')
		fixed += (int)strlen(h->volname) + 9;
	len = COLS - 10 - fixed;
	screen_put(0, 0, COLS - 10, A_BOLD, "%s:%s  %.*s%s%s%s", h->host,
	    h->device, len > 0 ? len : 0, h->magic,
	    h->volname[0] != '\0' ? "  name \"" : "", h->volname,
	    h->volname[0] != '\0' ? "\"" : "");
	fmt_time(d1, sizeof(d1), h->date, 1);
	if (h->ddate == 0)
		snprintf(d2, sizeof(d2), "the epoch");
	else
		fmt_time(d2, sizeof(d2), h->ddate, 1);
	screen_put(1, 0, COLS - 14, A_NORMAL,
	    "Level %lld  label %s  date %s  since %s", (long long)h->level,
	    h->label[0] != '\0' ? h->label : "none", d1, d2);
	snprintf(st, sizeof(st), " %s ",
	    m->have_status ? m->status.state : "connected");
	len = (int)strlen(st);
	screen_put(1, COLS - len, len, emph(AT_STATE) | A_BOLD, "%s", st);
}

/* The pass with its inode and path, then the progress bar and times. */
static void
draw_progress(const struct model *m, int y)
{
	static const char *roman[] = { "-", "I", "II", "III", "IV" };
	const struct ctl_status *s = &m->status;
	char eta[32], el[32], tail[160], pct[32];
	int bar, fill, i;

	if (!m->have_status)
		return;
	screen_put(y, 0, COLS, A_BOLD, "Pass %s  inode %lld%s%s",
	    s->pass >= 0 && s->pass <= 4 ? roman[s->pass] : "?",
	    (long long)s->ino, s->path[0] != '\0' ? "  " : "", s->path);
	/* M:SS below an hour: dump's H:MM says 0:00 for a short dump. */
	if (s->eta < 0)
		snprintf(eta, sizeof(eta), "--:--");
	else
		fmt_dur(eta, sizeof(eta), s->eta);
	if (s->permille < 0)
		snprintf(pct, sizeof(pct), "--.-%%");
	else
		snprintf(pct, sizeof(pct), "%lld.%lld%%",
		    (long long)(s->permille / 10), (long long)(s->permille % 10));
	snprintf(tail, sizeof(tail), " %6s  %lld kB/s  ETA %s  elapsed %s",
	    pct, (long long)s->rate, eta,
	    fmt_dur(el, sizeof(el), s->elapsed));
	bar = COLS - (int)strlen(tail) - 2;
	if (bar < 4)
		bar = 4;
	fill = s->permille < 0 ? 0 : (int)(s->permille * bar / 1000);
	if (fill > bar)
		fill = bar;
	mvaddch(y + 1, 0, '[');
	for (i = 0; i < bar; i++) {
		attrset(i < fill ? emph(AT_BAR) : (int)A_NORMAL);
		mvaddch(y + 1, 1 + i, i < fill ? '#' : '.');
	}
	attrset(A_NORMAL);
	mvaddch(y + 1, bar + 1, ']');
	screen_put(y + 1, bar + 2, COLS, A_NORMAL, "%s", tail);
}

/*
 * The message row: how the dump ended, a lost engine, an alert or a
 * passing hint, in that order of importance.
 */
static void
draw_message(const struct console *c, int y)
{
	const struct model *m = &c->m;

	if (m->ended && m->end.status == 0)
		screen_put(y, 0, COLS, emph(AT_STATE) | A_BOLD,
		    " Dump finished: %s (exit 0) ",
		    m->end.text[0] != '\0' ? m->end.text : "DUMP IS DONE");
	else if (m->ended)
		screen_put(y, 0, COLS, emph(AT_ALERT) | A_BOLD,
		    " Dump aborted (exit %lld)%s%s ", (long long)m->end.status,
		    m->end.text[0] != '\0' ? ": " : "", m->end.text);
	else if (m->conn == CONN_CLOSED)
		screen_put(y, 0, COLS, emph(AT_ALERT) | A_BOLD,
		    " Lost the connection to the engine ");
	else if (c->alert_on)
		screen_put(y, 0, COLS, emph(AT_ALERT) | A_BOLD, " ALERT: %s ",
		    m->alert);
	else if (c->hint[0] != '\0' && time(NULL) < c->hint_until)
		screen_put(y, 0, COLS, A_BOLD, "%s", c->hint);
}

/* The slaves, as many as fit; the header counts those left out. */
static int
draw_slaves(const struct model *m, int y, int rows)
{
	const struct ctl_slave *s;
	char addr[32];
	int i;

	screen_put(y, 0, COLS, A_BOLD, "Slaves%s", m->nslaves == 0 ?
	    ": none yet" : "");
	if (m->nslaves > rows)
		screen_put(y, 8, COLS, A_BOLD, "+%d more", m->nslaves - rows);
	for (i = 0; i < rows && i < m->nslaves; i++) {
		s = &m->slave[i];
		if (s->addr < 0)
			snprintf(addr, sizeof(addr), "-");
		else
			snprintf(addr, sizeof(addr), "%lld", (long long)s->addr);
		screen_put(y + 1 + i, 2, COLS,
		    strcmp(s->state, CTL_SL_ERROR) == 0 ? A_BOLD : A_NORMAL,
		    "slave %-2d  pid %-7lld  %-8s  blocks %-10lld  addr %s", i,
		    (long long)s->pid, s->state[0] != '\0' ? s->state : "-",
		    (long long)s->blocks, addr);
	}
	return y + 1 + rows;
}

/* The volume being written. */
static void
draw_tape(const struct model *m, int y)
{
	const struct ctl_tape *t = &m->tape;
	char cap[64], st[32];

	if (!m->have_tape) {
		screen_put(y, 0, COLS, A_BOLD, "Volume -  not started");
		return;
	}
	if (t->capacity <= 0)
		snprintf(cap, sizeof(cap), "unlimited");
	else
		snprintf(cap, sizeof(cap), "%lld (%lld%%)",
		    (long long)t->capacity,
		    (long long)(t->records * 100 / t->capacity));
	screen_put(y, 0, COLS, A_BOLD,
	    "Volume %lld  device %s%s%s%s  block %lld / capacity %s",
	    (long long)t->volume, t->device, t->host[0] != '\0' ?
	    " [host " : "", t->host, t->host[0] != '\0' ? "]" : "",
	    (long long)t->records, cap);
	screen_put(y + 1, 2, COLS, A_NORMAL,
	    "c_tapea %lld  first inode %lld  started %s", (long long)t->tapea,
	    (long long)t->firstino, fmt_time(st, sizeof(st), t->started,
	    0));
}

/* The finished volumes, the newest ones when they do not all fit. */
static int
draw_volumes(const struct model *m, int y, int rows)
{
	const struct ctl_volume *v;
	char st[32], took[32];
	size_t i, first;

	screen_put(y, 0, COLS, A_BOLD, "Finished volumes: %s",
	    m->nvol == 0 ? "none yet" : "");
	if (m->nvol > 0)
		screen_put(y, 18, COLS, A_BOLD, "%zu%s", m->nvol,
		    m->nvol > (size_t)rows ? " (the newest shown)" : "");
	first = m->nvol > (size_t)rows ? m->nvol - (size_t)rows : 0;
	for (i = first; i < m->nvol; i++) {
		v = &m->vol[i];
		screen_put(y + 1 + (int)(i - first), 2, COLS, A_NORMAL,
		    "Vol %lld  started %s  took %s  %lld blocks  %lld kB/s  %s",
		    (long long)v->volume,
		    fmt_time(st, sizeof(st), v->started, 0),
		    fmt_dur(took, sizeof(took), v->took),
		    (long long)v->records, (long long)v->rate, v->device);
	}
	return y + 1 + rows;
}

/* The log, newest at the bottom, c->scroll lines back from the end. */
static void
draw_log(struct console *c, int y, int rows)
{
	const struct model *m = &c->m;
	const struct ctl_log *l;
	char ts[32];
	size_t first, end, i;
	int maxscroll = (int)m->nlog - rows;

	c->logrows = rows;
	if (c->scroll > maxscroll)
		c->scroll = maxscroll > 0 ? maxscroll : 0;
	screen_put(y, 0, COLS, A_BOLD, "Log");
	if (c->scroll > 0)
		screen_put(y, 5, COLS, A_REVERSE,
		    " scrolled back %d line%s: End shows the newest ",
		    c->scroll, c->scroll == 1 ? "" : "s");
	end = m->nlog - (size_t)c->scroll;
	first = end > (size_t)rows ? end - (size_t)rows : 0;
	for (i = first; i < end; i++) {
		l = model_log_get(m, i);
		if (l->time > 0)
			screen_put(y + 1 + (int)(i - first), 0, COLS, A_NORMAL,
			    "%s %s", fmt_time(ts, sizeof(ts), l->time,
			    0), l->text);
		else
			screen_put(y + 1 + (int)(i - first), 0, COLS, A_NORMAL,
			    "%s", l->text);
	}
}

/*
 * Share the rows left by the fixed parts: slaves first (half of what the
 * log's minimum leaves), then volumes, and the log takes the rest.
 */
static void
layout(const struct model *m, int *srows, int *vrows, int *lrows)
{
	int avail = LINES - FIXED_ROWS, cap;

	if (avail < 0)
		avail = 0;
	cap = (avail - 4) / 2 > 1 ? (avail - 4) / 2 : 1;
	*srows = m->nslaves < cap ? m->nslaves : cap;
	if (*srows > avail)
		*srows = avail;
	cap = (avail - 4 - *srows) / 2 > 1 ? (avail - 4 - *srows) / 2 : 1;
	*vrows = (int)m->nvol < cap ? (int)m->nvol : cap;
	if (*vrows > avail - *srows)
		*vrows = avail - *srows;
	*lrows = avail - *srows - *vrows;
}

/* Draw the whole screen from the model, then any overlay. */
void
screen_draw(struct console *c)
{
	const struct model *m = &c->m;
	int srows, vrows, lrows, y;
	int over = m->ended || m->conn == CONN_CLOSED;

	erase();
	layout(m, &srows, &vrows, &lrows);
	draw_header(m);
	draw_progress(m, 2);
	draw_message(c, 4);
	y = draw_slaves(m, 5, srows);
	draw_tape(m, y);
	y = draw_volumes(m, y + 2, vrows);
	draw_log(c, y, lrows);
	attrset(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	screen_put(LINES - 1, 0, COLS, A_REVERSE, "%s", over ?
	    " q quit  PgUp/PgDn log" :
	    " d detach  a abort  PgUp/PgDn log  ^L redraw  ? help");
	dialog_draw(c);
	if (c->help)
		keys_draw_help();
	refresh();
}
