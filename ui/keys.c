// SPDX-License-Identifier: BSD-2-Clause
/*
 * What each key does, as a table of key, handler and help text; the help
 * overlay is drawn from the same table, so it cannot go stale.  Handlers
 * return KF_* flags and leave leaving, detaching and repainting to the
 * loop in console.c.  An open dialog sees every key first (dialog.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "console.h"

#define CTRL(c)	((c) & 0x1f)

struct key_action {
	int		 key;
	const char	*name;		/* NULL: shares the line above */
	const char	*help;
	int		(*fn)(struct console *, int);
};

/* Show a short message on the message row for a few seconds. */
void
console_hint(struct console *c, const char *text)
{
	snprintf(c->hint, sizeof(c->hint), "%s", text);
	c->hint_until = time(NULL) + 4;
}

/* A training run cannot be left running: its report needs the console. */
static int
key_detach(struct console *c, int key)
{
	(void)key;
	if (c->train != NULL) {
		console_hint(c, "Training: d would leave the dump without its "
		    "debrief; not now");
		return KF_REDRAW;
	}
	return KF_DETACH;
}

/* a and ^C: the console asks before it tells the engine to abort. */
static int
key_abort(struct console *c, int key)
{
	(void)key;
	if (c->m.ended || c->m.conn != CONN_UP) {
		console_hint(c, "The dump is over; q quits");
		return KF_REDRAW;
	}
	dialog_open_abort(c);
	return KF_REDRAW;
}

/* Scroll the log; c->scroll counts lines back from the newest. */
static int
key_scroll(struct console *c, int key)
{
	int page = c->logrows > 1 ? c->logrows - 1 : 1;

	switch (key) {
	case KEY_PPAGE:
		c->scroll += page;
		break;
	case KEY_NPAGE:
		c->scroll -= page;
		break;
	case KEY_UP:
		c->scroll++;
		break;
	case KEY_DOWN:
		c->scroll--;
		break;
	case KEY_HOME:
		c->scroll = (int)c->m.nlog;
		break;
	case KEY_END:
		c->scroll = 0;
		break;
	}
	if (c->scroll < 0)
		c->scroll = 0;
	return KF_REDRAW;		/* screen_draw() clamps the top */
}

static int
key_redraw(struct console *c, int key)
{
	(void)c;
	(void)key;
	return KF_REDRAW | KF_FULL;
}

static int
key_help(struct console *c, int key)
{
	(void)key;
	c->help = 1;
	return KF_REDRAW;
}

/* q ends the console only once the engine has: a running dump needs d. */
static int
key_quit(struct console *c, int key)
{
	(void)key;
	if (c->m.ended || c->m.conn == CONN_CLOSED)
		return KF_QUIT;
	console_hint(c, "q quits only after the dump ends; d detaches");
	return KF_REDRAW;
}

static const struct key_action actions[] = {
	{ 'd', "d", "detach: leave the console, the dump goes on",
	    key_detach },
	{ 'a', "a, ^C", "abort the dump (asks for confirmation)", key_abort },
	{ CTRL('c'), NULL, NULL, key_abort },
	{ KEY_PPAGE, "PgUp, PgDn", "scroll the log a page", key_scroll },
	{ KEY_NPAGE, NULL, NULL, key_scroll },
	{ KEY_UP, "Up, Down", "scroll the log a line", key_scroll },
	{ KEY_DOWN, NULL, NULL, key_scroll },
	{ KEY_HOME, "Home, End", "the oldest, the newest log lines",
	    key_scroll },
	{ KEY_END, NULL, NULL, key_scroll },
	{ CTRL('l'), "^L", "redraw the screen", key_redraw },
	{ '?', "?", "this help; any key closes it", key_help },
	{ 'q', "q", "quit, once the dump has ended", key_quit },
};
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))

/*
 * Handle one key: the help overlay takes any key to close, then an open
 * dialog takes its keys, then the table.  Any key silences the alert.
 */
int
keys_handle(struct console *c, int key)
{
	size_t i;
	int f;

	if (key == KEY_RESIZE)
		return KF_REDRAW | KF_FULL;
	if ((f = training_key(c, key)) >= 0)
		return f;
	c->alert_on = 0;
	if (c->help) {
		c->help = 0;
		return KF_REDRAW;
	}
	if ((f = dialog_key(c, key)) >= 0)
		return f | KF_REDRAW;
	for (i = 0; i < NACTIONS; i++)
		if (actions[i].key == key)
			return actions[i].fn(c, key);
	return KF_REDRAW;
}

/* The help overlay: the table above, then the dialog keys. */
void
keys_draw_help(void)
{
	static const char *dialog[] = {
		"In a dialog: the letter in [ ] selects a choice,",
		"Enter sends it, Esc cancels; other keys only beep.",
	};
	int h = 5, w = 64, y, x, row = 1;
	size_t i;

	for (i = 0; i < NACTIONS; i++)
		h += actions[i].name != NULL;
	w = w < COLS ? w : COLS;
	y = (LINES - h) / 2 > 0 ? (LINES - h) / 2 : 0;
	x = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
	screen_box(y, x, h, w);
	screen_put(y, x + 2, w - 4, A_BOLD, " opconsole keys ");
	for (i = 0; i < NACTIONS; i++) {
		if (actions[i].name == NULL)
			continue;
		screen_put(y + row, x + 2, 12, A_BOLD, "%s", actions[i].name);
		screen_put(y + row++, x + 14, w - 16, A_NORMAL, "%s",
		    actions[i].help);
	}
	row++;
	for (i = 0; i < 2; i++)
		screen_put(y + row++, x + 2, w - 4, A_NORMAL, "%s", dialog[i]);
}
