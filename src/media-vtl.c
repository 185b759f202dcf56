// SPDX-License-Identifier: BSD-2-Clause
/* Stub: being written. */
#include "opdump.h"
#include <errno.h>
struct vtl *vtl_open(const char *d) { (void)d; return NULL; }
void vtl_free(struct vtl *v) { (void)v; }
char *vtl_path(const struct vtl *v, unsigned n) { (void)v; (void)n; return NULL; }
int vtl_load(struct vtl *v, unsigned n) { (void)v; (void)n; errno = ENOSYS; return -1; }
ssize_t vtl_write(struct vtl *v, unsigned n, int fd, const void *b, size_t l) { (void)v; (void)n; (void)fd; (void)b; (void)l; errno = ENOSYS; return -1; }
int vtl_unload(struct vtl *v, unsigned n, int fd) { (void)v; (void)n; (void)fd; return -1; }
int vtl_readback(struct vtl *v, unsigned n) { (void)v; (void)n; errno = ENOSYS; return -1; }
