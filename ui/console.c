// SPDX-License-Identifier: BSD-2-Clause
/*
 * opconsole's main(): start opdump in its own session or attach to a
 * running one through its control socket, then run the loop that reads
 * the terminal, the socket and a self-pipe for signals, and redraws at
 * most four times a second.  Drawing, dialogs and keys live in screen.c,
 * dialog.c and keys.c; the model and the socket in chan.c.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "console.h"

#define CONNECT_TRIES	200		/* of 50 ms: 10 seconds */

/* The write end of the self-pipe: the one thing a handler touches. */
static volatile sig_atomic_t sigfd = -1;

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int e = errno;

	(void)!write(sigfd, &b, 1);	/* full: a byte is pending anyway */
	errno = e;
}

static void __attribute__((noreturn))
usage(FILE *f, int status)
{
	fprintf(f, "usage: opconsole [opdump options] filesystem\n"
	    "       opconsole --attach [pid]\n"
	    "       opconsole --training scenario [--scratch dir] "
	    "[--report file]\n"
	    "       opconsole --help | --version\n");
	exit(status);
}

/* Route the signals the loop cares about through a pipe it polls. */
static int
signals_init(void)
{
	static const int sigs[] = { SIGWINCH, SIGHUP, SIGTERM, SIGCHLD };
	struct sigaction sa;
	int p[2];
	size_t i;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	sigfd = p[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return p[0];
}

/* <rundir>/<pid><ext>; -1 if it does not fit. */
static int
run_path(char *buf, size_t len, const char *rundir, long pid, const char *ext)
{
	int n = snprintf(buf, len, "%s/%ld%s", rundir, pid, ext);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Copy the engine's log to our standard error, for a failed start. */
static void
copy_log(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) != n)
			break;
	close(fd);
}

static int
exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* $OPDUMP, else the opdump beside this program, else opdump on PATH. */
void
console_opdump(char *buf, size_t len)
{
	const char *env = getenv("OPDUMP");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(buf, len, "opdump");
	if (env != NULL && *env != '\0') {
		snprintf(buf, len, "%s", env);
		return;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/opdump", self) >= len ||
	    access(buf, X_OK) == -1)
		snprintf(buf, len, "opdump");
}

/*
 * In the child: a session of its own (no ^C or hangup of ours reaches
 * it), stdin from /dev/null, stdout and stderr to <rundir>/<pid>.log,
 * then opdump with --control and the user's arguments.  No shell.
 */
static void __attribute__((noreturn))
engine_exec(const char *opdump, const char *rundir, int argc, char **argv)
{
	char sock[PATH_MAX], log[PATH_MAX];
	char **av;
	int fd, i;

	setsid();
	signal(SIGPIPE, SIG_DFL);
	if (run_path(sock, sizeof(sock), rundir, (long)getpid(), ".sock") ||
	    run_path(log, sizeof(log), rundir, (long)getpid(), ".log"))
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if ((av = calloc((size_t)argc + 4, sizeof(*av))) == NULL)
		_exit(127);
	av[0] = (char *)"opdump";
	av[1] = (char *)"--control";
	av[2] = sock;
	for (i = 0; i < argc; i++)
		av[3 + i] = argv[i];
	execvp(opdump, av);
	dprintf(2, "opconsole: cannot run %s: %s\n", opdump, strerror(errno));
	_exit(127);
}

/*
 * Start the engine and connect to its socket, retrying every 50 ms for
 * ten seconds while it lives.  An engine that exits first (bad options)
 * has its log copied to our stderr, and its status becomes ours.
 */
static void
console_start(struct console *c, const char *rundir, int argc, char **argv)
{
	char opdump[PATH_MAX], sock[PATH_MAX];
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i, st;
	pid_t pid;

	console_opdump(opdump, sizeof(opdump));
	if ((pid = fork()) == -1) {
		fprintf(stderr, "opconsole: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0)
		engine_exec(opdump, rundir, argc, argv);
	c->child = c->pid = pid;
	if (run_path(sock, sizeof(sock), rundir, (long)pid, ".sock") ||
	    run_path(c->logpath, sizeof(c->logpath), rundir, (long)pid,
	    ".log")) {
		fprintf(stderr, "opconsole: %s: name too long\n", rundir);
		exit(1);
	}
	for (i = 0; i < CONNECT_TRIES; i++) {
		if ((c->fd = chan_connect(sock)) != -1)
			return;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			copy_log(c->logpath);
			exit(exit_code(st));
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "opconsole: %s: no control socket after 10 seconds; "
	    "opdump (pid %d) goes on, its messages are in %s\n", sock,
	    (int)pid, c->logpath);
	exit(1);
}

/* The pids of <rundir>/PID.sock whose sockets accept; fds kept open. */
static int
attach_scan(const char *rundir, pid_t *pids, int *fds, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;
	char *end;
	long pid;

	if ((d = opendir(rundir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		pid = strtol(de->d_name, &end, 10);
		if (end == de->d_name || strcmp(end, ".sock") != 0 || pid <= 0)
			continue;
		if (run_path(path, sizeof(path), rundir, pid, ".sock") == -1 ||
		    (fds[n] = chan_connect(path)) == -1)
			continue;	/* stale: its engine is gone */
		pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

/* Several dumps: one line each, so the operator can name one. */
static void __attribute__((noreturn))
attach_list(const pid_t *pids, const int *fds, int n)
{
	struct model m;
	int i;

	printf("%-8s %-24s %-24s %s\n", "PID", "DEVICE", "TAPE", "STATE");
	for (i = 0; i < n; i++) {
		if (model_init(&m) == -1)
			break;
		chan_wait(&m, fds[i], 1000, 1);
		printf("%-8d %-24s %-24s %s\n", (int)pids[i],
		    m.have_hello ? m.hello.device : "?",
		    m.have_hello ? m.hello.tape : "?",
		    m.have_status ? m.status.state : "?");
		model_free(&m);
		close(fds[i]);
	}
	fprintf(stderr, "opconsole: several dumps are running; "
	    "name one: opconsole --attach PID\n");
	exit(1);
}

static void __attribute__((noreturn))
attach_denied(void)
{
	fprintf(stderr, "opconsole: not allowed to attach (only the user "
	    "who started the dump, or root)\n");
	exit(1);
}

/*
 * Connect to a running dump: the one named, or the only one there is.
 * The engine closes the connection at once on anyone but its own user
 * and root, so an end of file before its hello means "not allowed".
 */
static void
console_attach(struct console *c, const char *rundir, const char *arg)
{
	char path[PATH_MAX];
	pid_t pids[64];
	int fds[64], n;

	if (arg != NULL) {
		c->pid = (pid_t)atol(arg);
		if (run_path(path, sizeof(path), rundir, atol(arg), ".sock") ||
		    (c->fd = chan_connect(path)) == -1) {
			if (errno == EACCES)
				attach_denied();
			fprintf(stderr, "opconsole: no running dump with pid "
			    "%s: %s: %s\n", arg, path, strerror(errno));
			exit(1);
		}
	} else {
		if ((n = attach_scan(rundir, pids, fds, 64)) == 0) {
			fprintf(stderr, "opconsole: no running dump to "
			    "attach to\n");
			exit(1);
		}
		if (n > 1)
			attach_list(pids, fds, n);
		c->pid = pids[0];
		c->fd = fds[0];
	}
	if (chan_wait(&c->m, c->fd, 3000, 0) == -1 && !c->m.have_hello)
		attach_denied();
}

/* SIGWINCH: ask the terminal its size and let curses follow. */
static void
console_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

/* Reap our engine, if we started it and it has ended. */
static void
console_reap(struct console *c)
{
	int st;

	if (c->child > 0 && waitpid(c->child, &st, WNOHANG) == c->child) {
		c->child_status = st;
		c->child = 0;
	}
}

/* Leave curses and say how to come back: the dump goes on. */
static void __attribute__((noreturn))
console_detach(struct console *c)
{
	int pid = c->m.hello.pid > 0 ? (int)c->m.hello.pid : (int)c->pid;

	endwin();
	printf("opconsole: detached; the dump goes on (pid %d). "
	    "Reattach with: opconsole --attach %d\n", pid, pid);
	exit(0);
}

/* q after the end: the engine's status, or 1 if it vanished. */
static void __attribute__((noreturn))
console_quit(struct console *c)
{
	endwin();
	console_reap(c);
	if (c->m.ended)
		exit((int)c->m.end.status);
	if (c->child_status != -1)
		fprintf(stderr, "opconsole: opdump exited with status %d\n",
		    exit_code(c->child_status));
	if (c->logpath[0] != '\0')
		fprintf(stderr, "opconsole: lost the connection to the "
		    "engine; its messages are in %s\n", c->logpath);
	exit(1);
}

/*
 * The terminal is gone: leave at once.  _exit, not exit: there is nobody
 * to tell anything, and exit's handlers (LeakSanitizer's, in the ASan
 * build) can hang a process whose terminal was just hung up.
 */
static void __attribute__((noreturn))
console_hangup(void)
{
	endwin();
	_exit(0);
}

/* Act on the signals the handler queued.  Returns KF_* flags. */
static int
console_signals(struct console *c, int sigrd)
{
	unsigned char b[32];
	ssize_t n, i;
	int f = 0;

	while ((n = read(sigrd, b, sizeof(b))) > 0)
		for (i = 0; i < n; i++)
			switch (b[i]) {
			case SIGWINCH:
				console_resize();
				f |= KF_REDRAW | KF_FULL;
				break;
			case SIGHUP:
				console_hangup();
			case SIGTERM:
				console_detach(c);
			case SIGCHLD:
				console_reap(c);
				break;
			}
	return f;
}

/* The engine sent something, or hung up. */
static void
console_socket(struct console *c)
{
	int n = chan_read(&c->m, c->fd);

	if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN)) {
		close(c->fd);
		c->fd = -1;
		c->m.conn = CONN_CLOSED;
		c->m.changed++;
	}
}

/*
 * Keys waiting on the terminal.  ncurses turns a read error or end of
 * file into ERR, like "no key yet"; several readable-but-empty rounds in
 * a row mean the terminal is gone, and so is the console.
 */
static int
console_keys(struct console *c, int *empty)
{
	int k, f = 0, got = 0;

	while ((k = getch()) != ERR) {
		got = 1;
		f |= keys_handle(c, k);
		if (f & KF_DETACH)
			console_detach(c);
		if (f & KF_QUIT)
			console_quit(c);
	}
	*empty = got ? 0 : *empty + 1;
	if (*empty >= 3)
		console_hangup();
	return f;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * New messages: ring the bell for alerts, follow questions, and keep a
 * log scrolled back on the same lines while new ones arrive below.
 */
static void
console_model(struct console *c)
{
	if (c->scroll > 0)
		c->scroll += (int)(c->m.logtotal - c->logseen);
	c->logseen = c->m.logtotal;
	dialog_sync(c);			/* first: a settled question hides */
	if (c->m.alerts != c->alerts_seen) {	/* the alert before */
		c->alerts_seen = c->m.alerts;
		c->alert_on = 1;
		beep();
	}
}

/*
 * The loop: redraw when the engine changed something but at most every
 * 250 ms, at once after a key, and every second regardless so the clock
 * moves; then wait for the terminal, the engine or a signal.
 */
static void __attribute__((noreturn))
console_loop(struct console *c, int sigrd)
{
	struct pollfd pfd[3];
	unsigned long seen = c->m.changed - 1;
	long long now, last = 0;
	int dirty = 1, flags = 0, empty = 0, wait;

	for (;;) {
		if (c->m.changed != seen) {
			seen = c->m.changed;
			console_model(c);
			dirty = 1;
		}
		flags |= training_end(c);
		now = now_ms();
		if ((dirty && now - last >= 250) || now - last >= 1000 ||
		    (flags & KF_REDRAW)) {
			if (flags & KF_FULL)
				clearok(curscr, TRUE);
			if (!training_draw(c))
				screen_draw(c);
			last = now;
			dirty = flags = 0;
		}
		wait = (int)((dirty ? 250 : 1000) - (now - last));
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sigrd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		if (poll(pfd, 3, wait < 0 ? 0 : wait > 250 ? 250 : wait) <= 0)
			continue;
		if (pfd[1].revents != 0)
			flags |= console_signals(c, sigrd);
		if (pfd[2].revents != 0)
			console_socket(c);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			console_hangup();
		if (pfd[0].revents & POLLIN)
			flags |= console_keys(c, &empty);
		if (flags != 0)
			dirty = 1;
	}
}

/*
 * The console needs a terminal.  Without one, the engine is left to run
 * (it is in its own session, as after a detach), and we say how to
 * attach from a terminal.  A failed start has been reported already.
 */
static void
console_tty(struct console *c)
{
	int pid = c->m.hello.pid > 0 ? (int)c->m.hello.pid : (int)c->pid;

	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return;
	fprintf(stderr, "opconsole: no terminal to draw on; the dump goes on "
	    "(pid %d). Attach with: opconsole --attach %d\n", pid, pid);
	exit(1);
}

int
main(int argc, char **argv)
{
	static struct console c;
	char rundir[PATH_MAX];
	int sigrd, attach = argc > 1 && strcmp(argv[1], "--attach") == 0;
	int train = argc > 1 && strcmp(argv[1], "--training") == 0;

	setlocale(LC_ALL, "");
	if (argc < 2)
		usage(stderr, 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(stdout, 0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("opconsole %s (control protocol %d)\n", OPDUMP_VERSION,
		    CTL_VERSION);
		return 0;
	}
	if (attach && (argc > 3 || (argc == 3 &&
	    strspn(argv[2], "0123456789") != strlen(argv[2]))))
		usage(stderr, 1);
	if (model_init(&c.m) == -1 || (sigrd = signals_init()) == -1) {
		fprintf(stderr, "opconsole: %s\n", strerror(errno));
		return 1;
	}
	c.fd = -1;
	c.child_status = -1;
	if (train)
		training_start(&c, argc, argv);	/* sets OPDUMP_RUNDIR */
	if (ctl_rundir(rundir, sizeof(rundir)) == -1) {
		fprintf(stderr, "opconsole: run directory %s: %s\n", rundir,
		    strerror(errno));
		return 1;
	}
	if (attach)
		console_attach(&c, rundir, argc == 3 ? argv[2] : NULL);
	else if (train) {
		argv = training_argv(&c, &argc);
		console_start(&c, rundir, argc, argv);
	} else
		console_start(&c, rundir, argc - 1, argv + 1);
	console_tty(&c);
	c.m.conn = CONN_UP;
	screen_init(&c);
	console_loop(&c, sigrd);
}
