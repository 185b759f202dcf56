// SPDX-License-Identifier: BSD-2-Clause
/*
 * tapels: list the headers of one dump volume, for tests that need to
 * know where things are (to inject an end of media inside a TS_ADDR run,
 * say).  One line per header: record number on the volume, type, inode,
 * c_count, data records that follow, c_tapea, c_volume, c_firstrec.
 * A test tool, not installed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dumprestore.h"

static const char *
type_name(int t)
{
	static const char *names[] = { "?", "TAPE", "INODE", "BITS", "ADDR",
	    "END", "CLRI" };

	return t >= 1 && t <= 6 ? names[t] : "?";
}

int
main(int argc, char **argv)
{
	union { struct s_spcl h; uint8_t b[TP_BSIZE]; } u;
	unsigned long pos = 0, skip = 0, ndata;
	FILE *f;
	int i;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: tapels volume\n");
		return 2;
	}
	for (; fread(u.b, TP_BSIZE, 1, f) == 1; pos++) {
		if (skip > 0) {
			skip--;
			continue;
		}
		if (u.h.c_magic != NFS_MAGIC) {
			printf("%lu DATA?\n", pos);
			continue;
		}
		ndata = 0;
		if (u.h.c_type == TS_CLRI || u.h.c_type == TS_BITS)
			ndata = (unsigned long)u.h.c_count;
		else if (u.h.c_type == TS_INODE || u.h.c_type == TS_ADDR)
			for (i = 0; i < u.h.c_count && i < TP_NINDIR; i++)
				ndata += u.h.c_addr[i] != 0;
		printf("%lu %s %u %d %lu %d %d %d\n", pos, type_name(u.h.c_type),
		    u.h.c_inumber, u.h.c_count, ndata, u.h.c_tapea,
		    u.h.c_volume, u.h.c_firstrec);
		skip = u.h.c_type != TS_TAPE ? ndata : u.h.c_volume > 1 ?
		    (unsigned long)u.h.c_count : 0;
	}
	fclose(f);
	return 0;
}
