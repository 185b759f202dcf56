// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console's model (ui/chan.c), fed lines made by ctl_encode() as the
 * engine would send them: every message kind, a line split across reads,
 * an over-long line, unknown types, an answered question, the log ring
 * wrapping and the volume history growing.  No curses and no engine.
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "testhelp.h"

/* Encode msg and feed the line to m in one piece. */
static void
feed(struct model *m, int type, const void *msg)
{
	char line[CTL_LINEMAX];
	int n = ctl_encode(type, msg, line, sizeof(line));

	CHECK(n > 0);
	if (n > 0)
		model_input(m, line, (size_t)n);
}

static void
test_state(void)
{
	struct model m;
	struct ctl_hello h = { .version = CTL_VERSION, .pid = 42, .level = 0,
	    .nslaves = 3, .host = "fox", .device = "/dev/sdb1",
	    .magic = "Linux rev 1.0 ext4 filesystem data" };
	struct ctl_status s = { .pass = 4, .ino = 1234, .permille = 453,
	    .eta = -1, .state = CTL_ST_DUMPING, .path = "/home/a b" };
	struct ctl_slave sl = { .n = 2, .pid = 99, .addr = -1,
	    .state = CTL_SL_WRITING };
	struct ctl_tape t = { .volume = 2, .records = 10, .device = "/dev/nst0" };
	struct ctl_end e = { .status = 3, .text = "Dump aborted" };

	CHECK(model_init(&m) == 0);
	feed(&m, CTL_HELLO, &h);
	feed(&m, CTL_STATUS, &s);
	feed(&m, CTL_SLAVE, &sl);
	sl.n = 40;			/* out of range: ignored */
	feed(&m, CTL_SLAVE, &sl);
	feed(&m, CTL_TAPE, &t);
	CHECK(m.have_hello && m.have_status && m.have_tape);
	CHECK_EQ(m.hello.pid, 42);
	CHECK(strcmp(m.hello.magic, h.magic) == 0);
	CHECK_EQ(m.status.pass, 4);
	CHECK_EQ(m.status.eta, -1);
	CHECK(strcmp(m.status.path, "/home/a b") == 0);
	CHECK_EQ(m.nslaves, 3);
	CHECK_EQ(m.slave[2].pid, 99);
	CHECK(strcmp(m.slave[2].state, "writing") == 0);
	CHECK_EQ(m.tape.volume, 2);
	CHECK(!m.ended);
	feed(&m, CTL_END, &e);
	CHECK(m.ended);
	CHECK_EQ(m.end.status, 3);
	model_free(&m);
}

static void
test_split_and_junk(void)
{
	struct model m;
	char line[CTL_LINEMAX], big[CTL_LINEMAX + 100];
	struct ctl_log l = { .seq = 1, .time = 0, .text = "  DUMP: hello" };
	unsigned long before;
	int n;

	CHECK(model_init(&m) == 0);
	n = ctl_encode(CTL_LOG, &l, line, sizeof(line));
	model_input(&m, line, 5);
	CHECK_EQ(m.nlog, 0);
	model_input(&m, line + 5, (size_t)n - 5);
	CHECK_EQ(m.nlog, 1);
	CHECK(strcmp(model_log_get(&m, 0)->text, "  DUMP: hello") == 0);

	before = m.changed;
	model_input(&m, "999 future x=1\n", 15);
	model_input(&m, "garbage\n\n", 9);
	CHECK_EQ(model_feed(&m, "999 future"), -1);
	CHECK_EQ(m.changed, before);

	/* An over-long line is skipped up to its newline, then all is well. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "150 log text=", 13);
	model_input(&m, big, sizeof(big));
	model_input(&m, "tail\n", 5);
	CHECK_EQ(m.nlog, 1);
	model_input(&m, line, (size_t)n);
	CHECK_EQ(m.nlog, 2);
	model_free(&m);
}

static void
test_question(void)
{
	struct model m;
	struct ctl_question q = { .id = 7, .volume = 2, .n = 3,
	    .kind = CTL_Q_WRITE, .c0 = "rewrite", .c1 = "next",
	    .c2 = "abort", .p0 = "Do you want to rewrite this volume?" };
	struct ctl_answered a = { .id = 6, .choice = "yes" };

	CHECK(model_init(&m) == 0);
	feed(&m, CTL_QUESTION, &q);
	CHECK(m.have_question);
	CHECK_EQ(m.question.id, 7);
	CHECK(strcmp(ctl_choice(&m.question, 1), "next") == 0);
	CHECK(strcmp(ctl_prompt(&m.question, 0), q.p0) == 0);
	feed(&m, CTL_ANSWERED, &a);	/* an older question's */
	CHECK(m.have_question);
	a.id = 7;
	strcpy(a.choice, "next");
	feed(&m, CTL_ANSWERED, &a);
	CHECK(!m.have_question);
	CHECK(strcmp(m.answered.choice, "next") == 0);
	model_free(&m);
}

static void
test_log_ring(void)
{
	struct model m;
	struct ctl_log l = { .time = 1700000000 };
	int i;

	CHECK(model_init(&m) == 0);
	for (i = 1; i <= MODEL_LOGLINES + 250; i++) {
		l.seq = i;
		snprintf(l.text, sizeof(l.text), "line %d", i);
		feed(&m, CTL_LOG, &l);
	}
	CHECK_EQ(m.nlog, MODEL_LOGLINES);
	CHECK_EQ(model_log_get(&m, 0)->seq, 251);
	CHECK_EQ(model_log_get(&m, MODEL_LOGLINES - 1)->seq,
	    MODEL_LOGLINES + 250);
	CHECK(strcmp(model_log_get(&m, MODEL_LOGLINES - 1)->text,
	    "line 2250") == 0);
	CHECK(model_log_get(&m, MODEL_LOGLINES) == NULL);
	model_log_add(&m, 0, "answered elsewhere: yes");
	CHECK_EQ(model_log_get(&m, MODEL_LOGLINES - 1)->seq, 0);
	CHECK_EQ(model_log_get(&m, 0)->seq, 252);
	model_free(&m);
}

static void
test_volumes(void)
{
	struct model m;
	struct ctl_volume v = { .device = "vtape:/tmp/lib" };
	int i;

	CHECK(model_init(&m) == 0);
	for (i = 1; i <= 50; i++) {
		v.volume = i;
		v.records = i * 10;
		feed(&m, CTL_VOLUME, &v);
	}
	CHECK_EQ(m.nvol, 50);
	CHECK(m.volcap >= 50);
	CHECK_EQ(m.vol[49].records, 500);
	v.volume = 3;			/* rewritten, or replayed */
	v.records = 1;
	feed(&m, CTL_VOLUME, &v);
	CHECK_EQ(m.nvol, 50);
	CHECK_EQ(m.vol[2].records, 1);
	model_free(&m);
}

static void
test_alert(void)
{
	struct model m;
	struct ctl_alert al = { .seq = 1, .text = "CHANGE DUMP VOLUMES!" };

	CHECK(model_init(&m) == 0);
	feed(&m, CTL_ALERT, &al);
	feed(&m, CTL_ALERT, &al);
	CHECK_EQ(m.alerts, 2);
	CHECK(strcmp(m.alert, "CHANGE DUMP VOLUMES!") == 0);
	model_free(&m);
}

TEST_MAIN(test_state, test_split_and_junk, test_question, test_log_ring,
    test_volumes, test_alert)
