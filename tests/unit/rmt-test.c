// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of media-rmt.c: what a remote name is and how it splits, and a
 * session with the real /etc/rmt through an RSH stand-in that runs it
 * here (no network): open, write, an ioctl a file refuses, close, reading
 * the first block back, reading the whole volume back through a pipe,
 * the remote's errors and a connection that ends at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mtio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opdump.h"
#include "testhelp.h"

static void
test_names(void)
{
	char buf[64];

	CHECK(rmt_is_remote("host:/dev/nst0"));
	CHECK(rmt_is_remote("op@host:tape"));
	CHECK(rmt_is_remote("a:b/c"));
	CHECK(!rmt_is_remote("/a:b"));
	CHECK(!rmt_is_remote("./a:b"));
	CHECK(!rmt_is_remote("vtape:/lib"));
	CHECK(!rmt_is_remote("plain"));
	CHECK(strcmp(rmt_host("op@host:/x", buf, sizeof(buf)), "op@host") == 0);
	CHECK(strcmp(rmt_host("/local", buf, sizeof(buf)), "") == 0);
	CHECK(strcmp(rmt_path("op@host:/x:y"), "/x:y") == 0);
	CHECK(strcmp(rmt_path("/local"), "/local") == 0);
	CHECK_EQ(rmt_check("host:/x"), 0);
	CHECK_EQ(rmt_check("o.p-_1@host:x"), 0);
	CHECK_EQ(rmt_check("host:"), -1);
	CHECK_EQ(rmt_check(":x"), -1);
	CHECK_EQ(rmt_check("@host:x"), -1);
	CHECK_EQ(rmt_check("a;b@host:x"), -1);
	CHECK_EQ(rmt_check("host:x\ny"), -1);
}

/* A session against the real rmt, in a scratch directory. */
static void
test_session(void)
{
	char dir[] = "/tmp/rmt-test.XXXXXX", rsh[64], name[96], bad[96];
	char blk[1024], back[3 * 1024];
	struct rmt *r;
	struct stat st;
	FILE *f;
	ssize_t n, got = 0;
	int fd, i;

	if (access("/etc/rmt", X_OK) != 0 || mkdtemp(dir) == NULL) {
		printf("no /etc/rmt or no scratch directory: session skipped\n");
		return;
	}
	snprintf(rsh, sizeof(rsh), "%s/rsh", dir);
	snprintf(name, sizeof(name), "host:%s/vol", dir);
	snprintf(bad, sizeof(bad), "host:%s/no/such/vol", dir);
	if ((f = fopen(rsh, "w")) == NULL)
		return;
	fprintf(f, "#!/bin/sh\nshift\n[ \"$1\" = -l ] && shift 2\nexec \"$@\"\n");
	fclose(f);
	chmod(rsh, 0755);
	setenv("RSH", rsh, 1);

	CHECK((r = rmt_open(name, O_WRONLY | O_CREAT | O_TRUNC)) != NULL);
	for (i = 0; r != NULL && i < 3; i++) {
		memset(blk, 'a' + i, sizeof(blk));
		CHECK_EQ(rmt_write(r, blk, sizeof(blk)), sizeof(blk));
	}
	/* A file is no tape: an error reply, and the session goes on. */
	CHECK_EQ(r != NULL ? rmt_ioctl(r, MTREW, 1) : 0, -1);
	CHECK_EQ(errno, ENOTTY);
	CHECK_EQ(r != NULL ? rmt_close(r) : -1, 0);
	CHECK(stat(name + 5, &st) == 0 && st.st_size == 3 * 1024);

	CHECK_EQ(rmt_readfirst(name, blk, sizeof(blk)), sizeof(blk));
	CHECK(blk[0] == 'a' && blk[1023] == 'a');
	CHECK((fd = rmt_readback(name, 1024)) != -1);
	while (fd != -1 && (n = read(fd, back + got, sizeof(back) - got)) > 0)
		got += n;
	CHECK_EQ(got, sizeof(back));
	CHECK(back[0] == 'a' && back[1024] == 'b' && back[3071] == 'c');
	if (fd != -1)
		close(fd);

	CHECK(rmt_open(bad, O_WRONLY | O_CREAT | O_TRUNC) == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(rmt_readfirst(bad, blk, sizeof(blk)), -1);
	CHECK_EQ(rmt_readback(bad, 1024), -1);
	setenv("RSH", "false", 1);
	CHECK(rmt_open(name, O_RDONLY) == NULL);
	CHECK_EQ(errno, ECONNRESET);
	unsetenv("RSH");
	unlink(rsh);
	unlink(name + 5);
	rmdir(dir);
}

TEST_MAIN(test_names, test_session)
