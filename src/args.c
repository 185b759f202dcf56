// SPDX-License-Identifier: BSD-2-Clause
/*
 * The command line: dump(8)'s letters with dump's meanings, the old bundled
 * key form that cron scripts and Amanda use ("0usf 1048576 - /dev/sda1"),
 * and long options for what dump has no letter for.  Letters dump gives a
 * meaning we do not implement yet are refused by name, never reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opdump.h"

#define OPTSTRING "0123456789A:aB:b:cd:D:e:E:f:F:h:I:j::kL:mMnqQ:s:ST:uvWwyz::"

enum { LONG_SLAVES = 256, LONG_HELP, LONG_VERSION, LONG_VERIFY, LONG_CONTROL,
    LONG_STATUSFD, LONG_POLICY };

static const struct option longopts[] = {
	{ "slaves",	required_argument, NULL, LONG_SLAVES },
	{ "help",	no_argument,	   NULL, LONG_HELP },
	{ "version",	no_argument,	   NULL, LONG_VERSION },
	{ "verify",	no_argument,	   NULL, LONG_VERIFY },
	{ "control",	required_argument, NULL, LONG_CONTROL },
	{ "status-fd",	required_argument, NULL, LONG_STATUSFD },
	{ "policy",	required_argument, NULL, LONG_POLICY },
	{ NULL,		0,		   NULL, 0 }
};

/* Letters that take an argument in the old key form, as in dump. */
static const char keyargs[] = "ABbdDeEfFhLQsTI";

void
args_usage(void)
{
	fprintf(stderr,
	    "usage: opdump [-level#] [-acMnqSuv] [-A file] [-B records] "
	    "[-b blocksize]\n"
	    "              [-d density] [-D file] [-e inode#,inode#,...] "
	    "[-E file]\n"
	    "              [-f file] [-F script] [-h level] [-I nr-errors] "
	    "[-L label]\n"
	    "              [-s feet] [-T date] [--slaves n] [--verify] "
	    "[--control socket]\n"
	    "              [--status-fd fd] [--policy file] filesystem\n"
	    "       opdump [-D file] -W | -w\n"
	    "       opdump [level][key-letters] [key-arguments ...] "
	    "filesystem\n");
}

/* Free the -f list. */
static void
args_free_tapes(struct options *o)
{
	int i;

	for (i = 0; i < o->ntapes; i++)
		free(o->tapes[i]);
	free(o->tapes);
	o->tapes = NULL;
	o->ntapes = 0;
}

/* Free an argv made by args_expand_keys: words 1..owned are ours. */
static void
args_free_argv(char **argv, int owned)
{
	int i;

	if (argv == NULL)
		return;
	for (i = 1; i <= owned; i++)
		free(argv[i]);
	free(argv);
}

void
args_free(struct options *o)
{
	args_free_argv(o->keyargv, o->keyowned);
	o->keyargv = NULL;
	o->keyowned = 0;
	exclude_free(&o->exclude);
	free(o->volsizes);
	o->volsizes = NULL;
	o->nvolsizes = 0;
	args_free_tapes(o);
}

/*
 * Rewrite the old key form into ordinary options: "0usf 1048576 - dev"
 * becomes "-0us -f..." with each letter that takes an argument consuming
 * the next word, in order.  Returns a new argv, which the options point
 * into until args_free(), or NULL when an argument is missing.
 */
static char **
args_expand_keys(int *argcp, char **argv, int *ownedp)
{
	int argc = *argcp, nargc = 0, next = 2;
	char **nargv, *flags, *fp;
	const char *k;

	nargv = calloc((size_t)argc * 2 + 2, sizeof(*nargv));
	flags = calloc(strlen(argv[1]) + 2, 1);
	if (nargv == NULL || flags == NULL) {
		free(nargv);
		free(flags);
		return NULL;
	}
	nargv[nargc++] = argv[0];
	fp = flags;
	*fp++ = '-';
	for (k = argv[1]; *k; k++) {
		if (strchr(keyargs, *k) == NULL) {
			*fp++ = *k;
			continue;
		}
		if (next >= argc) {
			msg("option requires an argument -- %c\n", *k);
			free(flags);
			args_free_argv(nargv, nargc - 1);
			return NULL;
		}
		if ((nargv[nargc] = malloc(strlen(argv[next]) + 3)) == NULL) {
			free(flags);
			args_free_argv(nargv, nargc - 1);
			return NULL;
		}
		snprintf(nargv[nargc++], strlen(argv[next]) + 3, "-%c%s", *k,
		    argv[next]);
		next++;
	}
	if (fp - flags > 1)
		nargv[nargc++] = flags;
	else
		free(flags);
	*ownedp = nargc - 1;
	while (next < argc)
		nargv[nargc++] = argv[next++];
	nargv[nargc] = NULL;
	*argcp = nargc;
	return nargv;
}

/* Parse a whole decimal number in [lo, hi] into *out. */
static int
args_number(const char *what, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		msg("bad %s \"%s\": must be a number from %ld to %ld\n", what,
		    s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int
args_unsupported(int ch, const char *what)
{
	msg("option -%c (%s) is not supported yet\n", ch, what);
	return -1;
}

/* One output name: host:device (rmt) is for a later release. */
static int
args_tape_one(const char *name)
{
	const char *colon = strchr(name, ':'), *slash = strchr(name, '/');

	if (*name == '\0') {
		msg("empty name in the output list\n");
		return -1;
	}
	if (strncmp(name, VTL_PREFIX, strlen(VTL_PREFIX)) == 0) {
		if (name[strlen(VTL_PREFIX)] == '\0') {
			msg("%s needs a directory: %sDIR\n", VTL_PREFIX,
			    VTL_PREFIX);
			return -1;
		}
		return 0;
	}
	if (colon != NULL && (slash == NULL || colon < slash))
		return args_unsupported('f', "remote tape through rmt");
	return 0;
}

/*
 * Call fn for each element of a comma list, as its own string: freed
 * after the call unless fn returns 1, saying it keeps it.
 * Returns 0, or -1 when fn fails or memory runs out.
 */
static int
args_split(struct options *o, const char *list,
    int (*fn)(struct options *, char *))
{
	const char *p = list;
	size_t len;
	char *one;
	int r;

	for (;;) {
		len = strcspn(p, ",");
		if ((one = strndup(p, len)) == NULL)
			return -1;
		if ((r = fn(o, one)) != 1)
			free(one);
		if (r == -1)
			return -1;
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/* One name of a -f list; the list keeps it. */
static int
args_tape_add(struct options *o, char *name)
{
	char **t;

	if (args_tape_one(name) == -1)
		return -1;
	if ((t = realloc(o->tapes, (size_t)(o->ntapes + 1) * sizeof(*t))) ==
	    NULL)
		return -1;
	o->tapes = t;
	t[o->ntapes++] = name;
	return 1;
}

/*
 * The output: one name, or a comma list whose names are used in turn for
 * the volumes, as dump does ("-f /dev/nst0,/dev/nst1").
 */
static int
args_tape(struct options *o, const char *names)
{
	args_free_tapes(o);
	if (args_split(o, names, args_tape_add) == -1)
		return -1;
	o->tape = o->tapes[0];
	return 0;
}

/* One size of a -B list. */
static int
args_volsize_add(struct options *o, char *one)
{
	long v, *n;

	if (args_number("number of blocks per volume", one, 1,
	    LONG_MAX / TP_BSIZE, &v) == -1)
		return -1;
	n = realloc(o->volsizes, (size_t)(o->nvolsizes + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	o->volsizes = n;
	n[o->nvolsizes++] = v;
	return 0;
}

/* -B: records per volume, or a comma list of them, one per volume. */
static int
args_volsizes(struct options *o, const char *arg)
{
	free(o->volsizes);
	o->volsizes = NULL;
	o->nvolsizes = 0;
	if (args_split(o, arg, args_volsize_add) == -1)
		return -1;
	o->blocksperfile = o->volsizes[0];
	return 0;
}

/* One option letter; returns 0, or -1 after printing why. */
static int
args_one(struct options *o, int ch, const char *arg, int *prevdigit)
{
	long v;
	int digit = ch >= '0' && ch <= '9';

	if (digit) {
		o->level = *prevdigit ? o->level * 10 + (ch - '0') : ch - '0';
		*prevdigit = 1;
		return 0;
	}
	*prevdigit = 0;
	switch (ch) {
	case 'a':
	case 'B':
		/* dump refuses the two together, in either order. */
		if ((ch == 'a' && o->volsizes != NULL) ||
		    (ch == 'B' && o->unlimited == 2)) {
			msg("You cannot use the a and B flags together\n");
			return -1;
		}
		if (ch == 'a') {
			o->unlimited = 2;
			return 0;
		}
		if (args_volsizes(o, arg) == -1)
			return -1;
		o->unlimited = 0;
		return 0;
	case 'b':
		if (args_number("number of blocks per write", arg, 1, 1048576,
		    &v) == -1)
			return -1;
		if (v > NTREC_MAX) {
			msg("Please choose a blocksize <= %dkB\n", NTREC_MAX);
			msg("The ENTIRE dump is aborted.\n");
			return -1;
		}
		o->ntrec = (int)v;
		o->bflag = 1;
		return 0;
	case 'c':
		o->cartridge = 1;
		o->unlimited = 0;
		return 0;
	case 'd':
		if (args_number("density", arg, 10, LONG_MAX, &v) == -1)
			return -1;
		o->density = v / 10;
		o->unlimited = 0;
		return 0;
	case 'D':
		o->dumpdates = arg;
		return 0;
	case 'f':
		return args_tape(o, arg);
	case 'h':
		if (args_number("honor level", arg, 0, 10, &v) == -1)
			return -1;
		o->honor_level = (int)v;
		return 0;
	case 'I':
		if (args_number("number of read errors", arg, 0, INT_MAX,
		    &v) == -1)
			return -1;
		o->maxreaderr = (int)v;
		return 0;
	case 'L':
		o->label = arg;
		return 0;
	case 'q':
		o->qflag = 1;
		return 0;
	case 's':
		if (args_number("tape size in feet", arg, 1, LONG_MAX / 120,
		    &v) == -1)
			return -1;
		o->tsize = v * 12 * 10;
		o->unlimited = 0;
		return 0;
	case 'S':
		o->estimate_only = 1;
		return 0;
	case 'u':
		o->update = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	case LONG_VERIFY:
		o->verify = 1;
		return 0;
	case LONG_CONTROL:
		if (*arg == '\0') {
			msg("--control needs a socket path\n");
			return -1;
		}
		o->control = arg;
		return 0;
	case LONG_POLICY:
		if (*arg == '\0') {
			msg("--policy needs a file name\n");
			return -1;
		}
		o->policy = arg;
		return 0;
	case LONG_STATUSFD:
		if (args_number("status descriptor", arg, 0, 1023, &v) == -1)
			return -1;
		if (fcntl((int)v, F_GETFD) == -1) {
			msg("--status-fd %ld: descriptor not open\n", v);
			return -1;
		}
		o->statusfd = (int)v;
		return 0;
	case LONG_SLAVES:
		if (args_number("number of slaves", arg, 1, NSLAVES_MAX,
		    &v) == -1)
			return -1;
		o->nslaves = (int)v;
		return 0;
	case 'A':
		o->archive = arg;
		return 0;
	case 'e':
		return exclude_list(&o->exclude, arg);
	case 'E':
		return exclude_file(&o->exclude, arg);
	case 'F':
		o->eot_script = arg;
		return 0;
	case 'j':
	case 'y':
	case 'z':
		return args_unsupported(ch, "compression");
	case 'k':
		return args_unsupported(ch, "Kerberos rmt");
	case 'm':
		return args_unsupported(ch, "metadata-only records");
	case 'M':
		o->multifile = 1;
		return 0;
	case 'n':
		o->notify = 1;
		return 0;
	case 'Q':
		return args_unsupported(ch, "QFA position file");
	case 'T':
		if (dumpdates_parse_date(arg, &o->Tdate) == -1) {
			msg("bad time \"%s\"\n", arg);
			return -1;
		}
		o->Tflag = 1;
		return 0;
	case 'W':
	case 'w':
		o->lastdump = ch;
		return 0;
	default:
		args_usage();
		return -1;
	}
}

/*
 * Fill o from the command line.  Returns 0, 1 after --help or --version
 * (nothing more to do), or -1 on a bad command line (message printed).
 */
int
args_parse(struct options *o, int argc, char **argv)
{
	int ch, prevdigit = 0;
	const char *env;

	args_free(o);
	memset(o, 0, sizeof(*o));
	o->unlimited = 1;
	o->honor_level = 1;
	o->nslaves = NSLAVES_DEFAULT;
	o->statusfd = -1;
	o->maxreaderr = 32;
	o->dumpdates = "/var/lib/dumpdates";
	o->tape = (env = getenv("TAPE")) != NULL ? env : "/dev/tape";
	if (argc > 1 && argv[1][0] != '-') {
		if ((argv = args_expand_keys(&argc, argv, &o->keyowned)) == NULL)
			return -1;
		o->keyargv = argv;
	}
	optind = 0;	/* glibc: 0 also resets its internal state */
	while ((ch = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		if (ch == LONG_HELP) {
			args_usage();
			return 1;
		}
		if (ch == LONG_VERSION) {
			printf("opdump %s\n", OPDUMP_VERSION);
			return 1;
		}
		if (ch == '?' || args_one(o, ch, optarg, &prevdigit) == -1) {
			if (ch == '?')
				args_usage();
			return -1;
		}
	}
	if (o->tapes == NULL && args_tape(o, o->tape) == -1)
		return -1;
	if (o->lastdump)
		return 0;	/* a report: no filesystem to dump */
	if (o->Tflag && o->update) {
		msg("You cannot use the T and u flags together.\n");
		return -1;
	}
	if (argc - optind != 1) {
		msg(argc == optind ? "Must specify a filesystem to dump\n" :
		    "Dump one filesystem at a time\n");
		args_usage();
		return -1;
	}
	o->source = argv[optind];
	if (o->multifile && o->ntapes > 1) {
		msg("-M takes one name, the prefix of the volume files\n");
		return -1;
	}
	if (o->multifile && strncmp(o->tape, VTL_PREFIX,
	    strlen(VTL_PREFIX)) == 0) {
		msg("-M cannot be used with a virtual tape library: it names "
		    "its volumes itself\n");
		return -1;
	}
	if (o->level > 9) {
		msg("level %d: levels above 9 are not supported\n", o->level);
		return -1;
	}
	return 0;
}
