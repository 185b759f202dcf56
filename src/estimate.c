// SPDX-License-Identifier: BSD-2-Clause
/*
 * The size estimate of passes I/II and the classic volume size model:
 * -B records per volume, or tape length (-s) and density (-d) with the
 * inter-record gap of the "tenths" rule (-c for cartridges).  The formulas
 * are dump's, so "estimated N blocks" and -S agree with what dump prints.
 */
#include <stdio.h>

#include <ext2fs/ext2fs.h>

#include "opdump.h"

/* Records one inode is expected to take, its header included. */
int64_t
estimate_inode(struct dump *d, struct ext2_inode_large *in)
{
	uint64_t bs = d->src.blocksize, f = bs / TP_BSIZE;
	uint64_t size = EXT2_I_SIZE(in), b, s;
	uint16_t mode = in->i_mode;

	if (!LINUX_S_ISREG(mode) && !LINUX_S_ISDIR(mode) &&
	    !LINUX_S_ISLNK(mode))
		return 1;
	b = (ext2fs_get_stat_i_blocks(d->src.fs,
	    (struct ext2_inode *)in) * 512 + bs - 1) / bs * f;
	s = (size + bs - 1) / bs * f;
	if (LINUX_S_ISDIR(mode)) {
		b /= 2;
		s /= 2;
	}
	if (b > s)
		b = s;
	if (size > 12 * bs && s > 12 * f)
		b += (s - 12 * f + TP_NINDIR - 1) / TP_NINDIR;
	return (int64_t)b + 1;
}

/*
 * Settle the volume model from the options: the density and length
 * defaults dump uses when only some of -s, -d, -c are given, and the
 * blocking factor when none was chosen.
 */
void
estimate_volume(struct dump *d)
{
	struct options *o = &d->opt;

	if (o->unlimited || o->blocksperfile)
		return;
	if (o->density == 0)
		o->density = o->cartridge ? 100 : 160;
	if (o->tsize == 0)
		o->tsize = (o->cartridge ? 1700L : 2300L) * 120;
}

/* Inter-record gap in 0.1 inch, per block, as dump reckons it. */
static long
tenths(const struct options *o)
{
	return o->cartridge ? 16 : o->density == 625 ? 5 : 8;
}

/*
 * Volumes of -B sizes that est records need: whole volumes while the list
 * lasts, then fractions of the last size, which repeats.
 */
static double
estimate_tapes_listed(const struct dump *d, int64_t est)
{
	double tapes = 0;
	long size;
	unsigned n;

	for (n = 1; est > 0; n++) {
		size = estimate_volsize(d, n);
		if (size <= 0)
			size = 1;
		if (n >= (unsigned)d->opt.nvolsizes || est <= size) {
			tapes += (double)est / (double)size;
			break;
		}
		est -= size;
		tapes += 1;
	}
	return tapes;
}

/* Print "estimated N blocks." (with the number of tapes when sized). */
void
estimate_report(struct dump *d)
{
	const struct options *o = &d->opt;
	int64_t est = d->st.estimate, maprec = (int64_t)(d->map.size / TP_BSIZE);
	double fetapes;
	int64_t etapes;

	if (o->unlimited || d->out_kind == OUT_PIPE) {
		d->st.estimate = est + 1 + o->ntrec;
		msg("estimated %lld blocks.\n", (long long)d->st.estimate);
		return;
	}
	if (o->blocksperfile)
		fetapes = estimate_tapes_listed(d, est);
	else
		fetapes = ((double)est * TP_BSIZE / (double)o->density +
		    (double)est / o->ntrec * (o->cartridge ? 15.48 :
		    o->density == 625 ? 3 : 7)) / (double)o->tsize;
	etapes = (int64_t)fetapes;
	d->st.estimate = est + etapes * (maprec + 1) + etapes + 1 + o->ntrec;
	msg("estimated %lld blocks on %3.2f tape(s).\n",
	    (long long)d->st.estimate, fetapes);
}

/*
 * The -B size of volume n in records, rounded down to whole blocks as dump
 * does; the last size given repeats.  0 when volumes are not sized by -B.
 */
long
estimate_volsize(const struct dump *d, unsigned n)
{
	const struct options *o = &d->opt;
	long size;

	if (o->nvolsizes == 0 || n == 0)
		return 0;
	size = o->volsizes[n <= (unsigned)o->nvolsizes ? n - 1 :
	    (unsigned)o->nvolsizes - 1];
	return size / o->ntrec * o->ntrec;
}

/*
 * Is the volume full once it holds `blocks' tape blocks, by the tape
 * length model?  Always no for unlimited volumes and pipes.
 */
int
estimate_volume_full(struct dump *d, uint64_t blocks)
{
	const struct options *o = &d->opt;

	if (o->unlimited || d->out_kind == OUT_PIPE)
		return 0;
	return (double)blocks * ((double)tenths(o) +
	    (double)o->ntrec * TP_BSIZE / (double)o->density) >
	    (double)o->tsize;
}

/*
 * The same model for compressed output, where blocks differ in length:
 * the gap per block plus the bytes written (dump's asize with clen).
 */
int
estimate_volume_full_bytes(struct dump *d, uint64_t blocks, uint64_t bytes)
{
	const struct options *o = &d->opt;

	if (o->unlimited || d->out_kind == OUT_PIPE)
		return 0;
	return (double)blocks * (double)tenths(o) +
	    (double)bytes / (double)o->density > (double)o->tsize;
}

/*
 * The classic progress line: percent of the estimate written, the rate on
 * this volume, and the time left, extrapolated from the time spent
 * writing so far (time waiting for the operator excluded).  Returns -1
 * before 500 records, when there is nothing sensible to say yet.
 */
int
estimate_progress(const struct dump *d, time_t now, char *buf, size_t len)
{
	double done = d->tapea, est = (double)d->st.estimate;
	long elapsed = (long)(now - d->st.vol_start - d->st.waited);
	long volsecs = (long)(now - d->vol.start), left;

	if (d->tapea < 500 || elapsed <= 0)
		return -1;
	if (est < done)
		est = done;
	left = (long)((double)elapsed * est / done) - elapsed;
	if (volsecs > 0)
		snprintf(buf, len, "%3.2f%% done at %ld kB/s, finished in "
		    "%ld:%02ld\n", done * 100 / est,
		    (long)(d->vol.records / (uint64_t)volsecs), left / 3600,
		    left % 3600 / 60);
	else
		snprintf(buf, len, "%3.2f%% done, finished in %ld:%02ld\n",
		    done * 100 / est, left / 3600, left % 3600 / 60);
	return 0;
}
