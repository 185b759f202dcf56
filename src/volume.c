// SPDX-License-Identifier: BSD-2-Clause
/* Stub: being written. */
#include "opdump.h"
