// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for xattr.c: name indexes and the EA block payload that
 * restore parses.
 */
#include <string.h>

#include "opdump.h"
#include "testhelp.h"

static uint32_t
u32at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
test_index(void)
{
	const char *s = NULL;

	CHECK_EQ(xattr_index("user.foo", &s), 1);
	CHECK(strcmp(s, "foo") == 0);
	CHECK_EQ(xattr_index("system.posix_acl_access", &s), 2);
	CHECK(strcmp(s, "") == 0);
	CHECK_EQ(xattr_index("system.posix_acl_default", &s), 3);
	CHECK_EQ(xattr_index("trusted.x", &s), 4);
	CHECK_EQ(xattr_index("lustre.lov", &s), 5);
	CHECK_EQ(xattr_index("security.selinux", &s), 6);
	CHECK_EQ(xattr_index("system.data", &s), -1);
	CHECK_EQ(xattr_index("system.richacl", &s), 0);
	CHECK_EQ(xattr_index("system.posix_acl_accessX", &s), 0);
}

static void
test_encode(void)
{
	uint8_t out[EA_MAXSIZE];
	const char *names[] = { "user.a", "system.posix_acl_access" };
	const void *values[] = { "hello", "\x01\0\0\0" };
	const size_t lens[] = { 5, 4 };
	size_t len;
	uint16_t voff;

	memset(out, 0, sizeof(out));
	len = xattr_encode(out, sizeof(out), names, values, lens, 2);
	CHECK(len > 0 && len <= sizeof(out));
	CHECK_EQ(u32at(out), EA_MAGIC_BLOCK);
	/* First entry at 32: name "a" (len 1, index 1). */
	CHECK_EQ(out[32], 1);
	CHECK_EQ(out[33], 1);
	memcpy(&voff, out + 34, 2);
	CHECK_EQ(u32at(out + 40), 5);
	CHECK(memcmp(out + voff, "hello", 5) == 0);
	CHECK(out[48] == 'a');
	/* Second entry at 52: empty name, index 2, then the terminator. */
	CHECK_EQ(out[52], 0);
	CHECK_EQ(out[53], 2);
	CHECK_EQ(u32at(out + 68), 0);
	memcpy(&voff, out + 54, 2);
	CHECK(memcmp(out + voff, "\x01\0\0\0", 4) == 0);
	CHECK(voff % 4 == 0);
}

static void
test_too_big(void)
{
	static uint8_t out[EA_MAXSIZE], big[EA_MAXSIZE];
	const char *names[] = { "user.big" };
	const void *values[] = { big };
	size_t lens[] = { EA_MAXSIZE };

	CHECK_EQ(xattr_encode(out, sizeof(out), names, values, lens, 1), 0);
	lens[0] = EA_MAXSIZE - 64;
	CHECK(xattr_encode(out, sizeof(out), names, values, lens, 1) > 0);
	names[0] = "bogus.name";
	lens[0] = 4;
	CHECK_EQ(xattr_encode(out, sizeof(out), names, values, lens, 1), 0);
}

TEST_MAIN(test_index, test_encode, test_too_big)
