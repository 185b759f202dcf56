// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rotation policy and volume inspection: label patterns, ages, which
 * dump on a volume is protected and why, and what a volume's first bytes
 * are taken for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "opdump.h"
#include "testhelp.h"

static char dir[] = "/tmp/policy-test.XXXXXX";

/* Load a policy holding text, with label as -L; returns policy_load's. */
static int
load(struct dump *d, const char *text, const char *label)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/policy", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -2;
	fputs(text, f);
	fclose(f);
	policy_free(d);
	free((char *)d->opt.policy);
	memset(&d->opt, 0, sizeof(d->opt));
	d->opt.policy = strdup(path);
	d->opt.label = label;
	d->opt.dumpdates = "/nonexistent/dumpdates";
	return policy_load(d);
}

static void
test_labels(void)
{
	struct dump d;
	static const char *pol = "# daily\nset DAILY-%n\ncycle 5\n"
	    "min-age 4d\n\nset WEEK-*  # weekly\nmin-age 3w\n";

	memset(&d, 0, sizeof(d));
	msg_silence(1);
	CHECK_EQ(load(&d, pol, "DAILY-1"), 0);
	CHECK_EQ(load(&d, pol, "DAILY-5"), 0);
	CHECK_EQ(load(&d, pol, "DAILY-6"), -1);
	CHECK_EQ(load(&d, pol, "DAILY-0"), -1);
	CHECK_EQ(load(&d, pol, "DAILY-05"), -1);
	CHECK_EQ(load(&d, pol, "DAILY-"), -1);
	CHECK_EQ(load(&d, pol, "DAILY-1x"), -1);
	CHECK_EQ(load(&d, pol, "WEEK-anything"), 0);
	CHECK_EQ(load(&d, pol, "MONTH-1"), -1);
	CHECK_EQ(load(&d, pol, NULL), -1);
	CHECK_EQ(load(&d, "set A\nmin-age 90\n", "A"), 0);
	CHECK_EQ(load(&d, "set A\nmin-age 1x\n", "A"), -1);
	CHECK_EQ(load(&d, "set A\nmin-age 7300d\n", "A"), 0);
	CHECK_EQ(load(&d, "set A\nmin-age 7400d\n", "A"), -1);
	CHECK_EQ(load(&d, "set A\nmin-age -1\n", "A"), -1);
	CHECK_EQ(load(&d, "set A-%n\ncycle 10000\nmin-age 1\n", "A-1"), -1);
	policy_free(&d);
	free((char *)d.opt.policy);
	msg_silence(0);
}

/* A dump on a volume, as inspect would describe it. */
static void
ondump(struct onmedia *om, const char *label, time_t date, int level,
    int volume)
{
	memset(om, 0, sizeof(*om));
	om->what = HOLDS_DUMP;
	snprintf(om->label, sizeof(om->label), "%s", label);
	snprintf(om->dev, sizeof(om->dev), "/dev/sda1");
	snprintf(om->host, sizeof(om->host), "fs1");
	om->date = date;
	om->level = level;
	om->volume = volume;
}

static void
test_protect(void)
{
	struct dump d;
	struct onmedia om;
	char why[256];
	time_t now = time(NULL);
	const char *r;

	memset(&d, 0, sizeof(d));
	CHECK_EQ(load(&d, "set D-%n\ncycle 5\nmin-age 4d\nset W-%n\n"
	    "cycle 4\nmin-age 3w\n", "D-2"), 0);
	d.spcl.c_date = (int32_t)now;
	snprintf(d.spcl.c_label, LBLSIZE, "D-2");
	snprintf(d.spcl.c_host, NAMELEN, "fs1");
	snprintf(d.spcl.c_dev, NAMELEN, "/dev/sda1");
	d.vol.number = 2;

	/* Its set's min-age decides: 3 days is young for D, 5 is not. */
	ondump(&om, "D-4", now - 3 * 86400, 1, 1);
	r = policy_check(&d, &om, why, sizeof(why));
	CHECK(r != NULL && strcmp(r, CTL_PR_YOUNG) == 0);
	CHECK(strstr(why, "3 days old; the policy keeps D-4 for 4 days") !=
	    NULL);
	ondump(&om, "D-4", now - 5 * 86400, 1, 1);
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);
	CHECK(om.protect == NULL);
	/* W's three weeks; a label of no set gets the longest. */
	ondump(&om, "W-1", now - 10 * 86400, 0, 1);
	CHECK(policy_check(&d, &om, why, sizeof(why)) != NULL);
	ondump(&om, "none", now - 20 * 86400, 0, 1);
	CHECK(policy_check(&d, &om, why, sizeof(why)) != NULL);
	ondump(&om, "none", now - 22 * 86400, 0, 1);
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);

	/* The set being written; but its own volume is a rewrite. */
	ondump(&om, "D-2", now, 0, 1);
	r = policy_check(&d, &om, why, sizeof(why));
	CHECK(r != NULL && strcmp(r, CTL_PR_SET) == 0);
	CHECK(strstr(why, "volume 1 of the set being written") != NULL);
	ondump(&om, "D-2", now, 0, 2);
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);

	/* Volume 1 of the last level 0, at any age; not its volume 2. */
	d.fulldate = now - 400 * 86400;
	ondump(&om, "W-3", d.fulldate, 0, 1);
	r = policy_check(&d, &om, why, sizeof(why));
	CHECK(r != NULL && strcmp(r, CTL_PR_FULL) == 0);
	CHECK(om.protect == r);
	ondump(&om, "W-3", d.fulldate, 0, 2);
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);
	ondump(&om, "W-3", d.fulldate, 0, 1);
	snprintf(om.dev, sizeof(om.dev), "/dev/sdb1");
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);

	/* Not a dump: nothing to protect. */
	memset(&om, 0, sizeof(om));
	om.what = HOLDS_OTHER;
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);

	/* Without a policy any dump but our own rewrite is a warning. */
	policy_free(&d);
	ondump(&om, "X", now - 1000 * 86400, 3, 7);
	r = policy_check(&d, &om, why, sizeof(why));
	CHECK(r != NULL && strcmp(r, CTL_PR_DUMP) == 0);
	ondump(&om, "D-2", now, 0, 2);
	CHECK(policy_check(&d, &om, why, sizeof(why)) == NULL);
	free((char *)d.opt.policy);
}

static void
test_inspect(void)
{
	struct onmedia om, om2;
	uint8_t buf[2 * TP_BSIZE] = { 0 };
	struct s_spcl *h = (struct s_spcl *)buf;

	CHECK_EQ(inspect_buffer(buf, 0, &om), 0);
	CHECK_EQ(om.what, HOLDS_EMPTY);
	CHECK(strcmp(om.text, "nothing (empty)") == 0);

	h->c_type = TS_TAPE;
	h->c_magic = NFS_MAGIC;
	h->c_date = 1700000000;
	h->c_level = 3;
	h->c_volume = 4;
	memset(h->c_label, 'L', LBLSIZE);	/* no NUL: must not overrun */
	snprintf(h->c_dev, NAMELEN, "/dev/sdz9");
	snprintf(h->c_filesys, NAMELEN, "/home");
	snprintf(h->c_host, NAMELEN, "tapehost");
	tapefmt_checksum(h);
	inspect_buffer(buf, sizeof(buf), &om);
	CHECK_EQ(om.what, HOLDS_DUMP);
	CHECK_EQ(om.level, 3);
	CHECK_EQ(om.volume, 4);
	CHECK_EQ(strlen(om.label), LBLSIZE - 1);
	CHECK(strstr(om.text, "volume 4, level 3 of /dev/sdz9 (/home) on "
	    "tapehost") != NULL);
	CHECK(strstr(om.desc, "dump") != NULL);	/* libmagic's words */
	CHECK(inspect_same(&om, &om));
	om2 = om;
	om2.volume = 5;
	CHECK(!inspect_same(&om, &om2));

	/* A bad checksum is not trusted: other data. */
	h->c_level = 4;
	inspect_buffer(buf, sizeof(buf), &om);
	CHECK_EQ(om.what, HOLDS_OTHER);
	memcpy(buf, "hello, world\n", 13);
	inspect_buffer(buf, 13, &om);
	CHECK_EQ(om.what, HOLDS_OTHER);
	CHECK(strstr(om.text, "other data (ASCII text") != NULL);
}

static void
setup(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

static void
cleanup(void)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/policy", dir);
	unlink(path);
	rmdir(dir);
}

TEST_MAIN(setup, test_labels, test_protect, test_inspect, cleanup)
