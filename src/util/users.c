#include "util/users.h"
#include "util/cleanup.h"
#include <pwd.h>
#include <stdio.h>

void pk_user_name(uid_t uid, char *out, size_t size)
{
	snprintf(out, size, "%u", (unsigned)uid);
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	while (f && (pw = fgetpwent(f)))
		if (pw->pw_uid == uid) {
			snprintf(out, size, "%s", pw->pw_name);
			return;
		}
}
