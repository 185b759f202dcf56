// SPDX-License-Identifier: BSD-2-Clause
/* Stub: being written. */
#include "opdump.h"
int optr_init(struct dump *d) { (void)d; return 0; }
int optr_ask(struct dump *d, enum optr_kind k, const char *c, const struct optr_choice *ch, int n) { (void)d; (void)k; (void)c; (void)ch; (void)n; return -1; }
void optr_broadcast(struct dump *d, const char *m) { (void)d; (void)m; }
int optr_notify(const char *g, const char *u, const char *dv, const char *t) { (void)g; (void)u; (void)dv; (void)t; return 0; }
void optr_free(struct dump *d) { (void)d; }
