// SPDX-License-Identifier: BSD-2-Clause
/*
 * The training ground: a scratch directory holding everything a scenario
 * touches.  A tree generated from the scenario's seed (so every run of a
 * scenario dumps the same files), its ext4 image made by mke2fs -d with
 * nothing mounted, a virtual tape library whose plan is the scenario's
 * faults, a rotation policy and a dumpdates file, and for a protected
 * volume scenario an earlier level 0 already sitting in one of the slots.
 * Programs run with argv, never through a shell.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "training.h"

static const char *const dirs[] = { "docs", "docs/notes", "src",
    "src/lib", "var", "var/log", "home", "home/trainee" };
#define NDIRS	(sizeof(dirs) / sizeof(dirs[0]))

static const mode_t modes[] = { 0644, 0600, 0755, 0444, 0640 };

/* A path; the scratch directory's name is short, so it always fits. */
char *
tr_path(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

/* xorshift64*: the same tree from the same seed, on every machine. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* "/sbin/NAME" or "/usr/sbin/NAME" when there, else NAME for PATH. */
static const char *
tool(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/sbin/%s", name);
	if (access(buf, X_OK) == 0)
		return buf;
	snprintf(buf, len, "/usr/sbin/%s", name);
	if (access(buf, X_OK) == 0)
		return buf;
	return name;
}

/*
 * Run argv in its own session (no terminal: a program that wants to ask
 * fails instead), in cwd when given, output to log (or /dev/null), for at
 * most secs seconds.  Returns its exit status, or -1.
 */
int
tr_run(char *const argv[], const char *cwd, const char *log, int secs)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long long end = tr_ms() + secs * 1000LL;
	pid_t pid;
	int fd, st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		setsid();
		signal(SIGPIPE, SIG_DFL);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		fd = open(log != NULL ? log : "/dev/null",
		    O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (cwd != NULL && chdir(cwd) == -1)
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (tr_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Write len bytes of text lines or random data to a new file. */
static int
gen_file(const char *path, long long len, int text, mode_t mode, uint64_t *s)
{
	char buf[8192];
	long long left = len;
	size_t n, i;
	int fd;
	unsigned line = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1)
		return -1;
	while (left > 0) {
		n = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
		if (text)
			for (i = 0; i < n; i++)
				buf[i] = i % 64 == 63 ? '\n' :
				    (char)('a' + (line++ + i) % 26);
		else
			for (i = 0; i + 8 <= n; i += 8) {
				uint64_t v = rnd(s);

				memcpy(buf + i, &v, 8);
			}
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		left -= (long long)n;
	}
	return fchmod(fd, mode) | close(fd);
}

/*
 * The tree: a few directories, one large file, then files of assorted
 * sizes (some empty) until the data is used up, a symlink and a hard link.
 */
static int
gen_tree(const char *root, unsigned long seed, long long kib)
{
	char path[PATH_MAX], other[PATH_MAX];
	uint64_t s = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)seed * 0x100000001b3ULL);
	long long left = kib * 1024, len;
	size_t i;
	int n;

	if (mkdir(root, 0755) == -1)
		return -1;
	for (i = 0; i < NDIRS; i++) {
		tr_path(path, "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) == -1)
			return -1;
	}
	tr_path(path, "%s/var/archive.bin", root);
	len = left * 2 / 5;
	if (gen_file(path, len, 0, 0640, &s) == -1)
		return -1;
	left -= len;
	for (n = 0; left > 0; n++) {
		len = n % 7 == 3 ? 0 : (long long)(rnd(&s) % (n % 3 ? 4096 :
		    96 * 1024)) + 1;
		len = len > left ? left : len;
		tr_path(path, "%s/%s/f%03d.%s", root,
		    dirs[rnd(&s) % NDIRS], n, n % 2 ? "txt" : "dat");
		if (gen_file(path, len, n % 2, modes[n % 5], &s) == -1)
			return -1;
		left -= len > 0 ? len : 1;
	}
	tr_path(path, "%s/src/current", root);
	if (symlink("lib/../../docs/notes", path) == -1)
		return -1;
	tr_path(path, "%s/docs/README", root);
	if (gen_file(path, 3000, 1, 0644, &s) == -1)
		return -1;
	tr_path(other, "%s/home/trainee/README.link", root);
	return link(path, other);
}

/* Write lines to a new file, one a line. */
static int
write_lines(const char *path, const char (*lines)[TR_LINE], int n)
{
	FILE *f = fopen(path, "w");
	int i;

	if (f == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	return fclose(f) == 0 ? 0 : -1;
}

/* scratch/NAME into buf. */
static char *
in_scratch(struct training *t, char *buf, const char *name)
{
	return tr_path(buf, "%s/%s", t->scratch, name);
}

/* The scratch directory: the one given (new or empty), or a new one. */
static int
make_scratch(struct training *t, const char *given, char *err, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];

	if (given != NULL) {
		snprintf(t->scratch, sizeof(t->scratch), "%s", given);
		if (mkdir(given, 0700) == -1 && (errno != EEXIST ||
		    rmdir(given) == -1 || mkdir(given, 0700) == -1)) {
			snprintf(err, len, "--scratch %s: %s", given,
			    errno == ENOTEMPTY || errno == EEXIST ?
			    "exists and is not empty" : strerror(errno));
			return -1;
		}
	} else {
		tr_path(path, "%s/opconsole-training.XXXXXX",
		    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
		if (mkdtemp(path) == NULL) {
			snprintf(err, len, "%s: %s", path, strerror(errno));
			return -1;
		}
		snprintf(t->scratch, sizeof(t->scratch), "%s", path);
	}
	if (realpath(t->scratch, path) != NULL)
		snprintf(t->scratch, sizeof(t->scratch), "%s", path);
	if (strlen(t->scratch) > 80) {	/* run/PID.sock must fit sun_path */
		snprintf(err, len, "%s: too long a name for the control "
		    "socket inside it (80 characters at most)", t->scratch);
		return -1;
	}
	return 0;
}

/* An earlier level 0 of the same image in slot V, as another set. */
static int
earlier_dump(struct training *t, const char *dumpdates, char *err,
    size_t len)
{
	char opdump[PATH_MAX], vol[PATH_MAX], log[PATH_MAX];
	char *av[] = { opdump, (char *)"-0", (char *)"-u", (char *)"-D",
	    (char *)dumpdates, (char *)"-L", t->sc.protect_label,
	    (char *)"-f", vol, t->image, NULL };

	console_opdump(opdump, sizeof(opdump));
	tr_path(vol, "%s/vol%03d", t->lib, t->sc.protect_vol);
	in_scratch(t, log, "earlier-dump.log");
	if (tr_run(av, t->scratch, log, 120) != 0) {
		snprintf(err, len, "the earlier dump for slot %d failed; see "
		    "%s", t->sc.protect_vol, log);
		return -1;
	}
	return 0;
}

/* The engine's arguments: a level 0 of the image onto the library. */
static void
engine_args(struct training *t, const char *dumpdates, const char *policy)
{
	char **a = t->argv;
	int n = 0;

	a[n++] = (char *)"-0";
	a[n++] = (char *)"-u";
	a[n++] = (char *)"-D";
	a[n++] = strcpy(t->argbuf[0], dumpdates);
	if (t->sc.label[0] != '\0') {
		a[n++] = (char *)"-L";
		a[n++] = t->sc.label;
	}
	if (t->sc.npolicy > 0) {
		a[n++] = (char *)"--policy";
		a[n++] = strcpy(t->argbuf[1], policy);
	}
	a[n++] = (char *)"-f";
	snprintf(t->argbuf[2], sizeof(t->argbuf[2]), "vtape:%s", t->lib);
	a[n++] = t->argbuf[2];
	a[n++] = t->image;
	a[n] = NULL;
	t->argc = n;
}

/*
 * Build everything in the scratch directory and point the run directory
 * (the engine's socket and log) there too.  Returns 0, or -1 with err.
 */
int
training_setup(struct training *t, const char *given, char *err, size_t len)
{
	char mke2fs[64], size[32], log[PATH_MAX], dd[PATH_MAX], pol[PATH_MAX];
	char *av[] = { NULL, (char *)"-q", (char *)"-F", (char *)"-t",
	    (char *)"ext4", (char *)"-L", (char *)"training", (char *)"-d",
	    t->tree, t->image, size, NULL };
	int fd;

	if (make_scratch(t, given, err, len) == -1)
		return -1;
	in_scratch(t, t->tree, "tree");
	in_scratch(t, t->image, "image.ext4");
	in_scratch(t, t->lib, "library");
	in_scratch(t, t->shelf, "shelf");
	in_scratch(t, t->rundir, "run");
	in_scratch(t, t->report, "report.txt");
	in_scratch(t, dd, "dumpdates");
	in_scratch(t, pol, "policy");
	in_scratch(t, log, "mke2fs.log");
	setenv("TMPDIR", t->scratch, 1);	/* restore's files, too */
	setenv("OPDUMP_RUNDIR", t->rundir, 1);
	if (gen_tree(t->tree, t->sc.seed, t->sc.data_kib) == -1) {
		snprintf(err, len, "generating %s: %s", t->tree,
		    strerror(errno));
		return -1;
	}
	av[0] = (char *)tool("mke2fs", mke2fs, sizeof(mke2fs));
	snprintf(size, sizeof(size), "%lldk", t->sc.image_kib);
	if (tr_run(av, t->scratch, log, 60) != 0) {
		snprintf(err, len, "mke2fs failed; see %s", log);
		return -1;
	}
	in_scratch(t, log, "library/plan");
	if (mkdir(t->lib, 0755) == -1 || mkdir(t->shelf, 0755) == -1 ||
	    mkdir(t->rundir, 0700) == -1 ||
	    write_lines(log, (const char (*)[TR_LINE])t->sc.plan,
	    t->sc.nplan) == -1 ||
	    (t->sc.npolicy > 0 && write_lines(pol,
	    (const char (*)[TR_LINE])t->sc.policy, t->sc.npolicy) == -1) ||
	    (fd = open(dd, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    close(fd) == -1) {
		snprintf(err, len, "setting up %s: %s", t->scratch,
		    strerror(errno));
		return -1;
	}
	if (t->sc.protect_vol > 0 && earlier_dump(t, dd, err, len) == -1)
		return -1;
	engine_args(t, dd, pol);
	return 0;
}
