/* User names for messages and the state's "owner", read from /etc/passwd with fgetpwent(3): no NSS
 * module is loaded, so the binary links statically (a directory-service user shows as its number). */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* The name of uid, or its number when /etc/passwd has no entry for it. */
void pk_user_name(uid_t uid, char *out, size_t size);
