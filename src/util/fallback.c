#include "util/fallback.h"
#include "util/cleanup.h"
#include <stdio.h>
#include <string.h>

/* Set once by main() from --debug-fallback; read-only afterwards. */
static unsigned forced;

int pk_fallback_set(const char *list, pk_err_t *err)
{
	static const struct {
		const char *name;
		enum pk_fallback f;
	} names[] = {{"openat2", PK_FALLBACK_OPENAT2}, {"clone-into-cgroup", PK_FALLBACK_CLONE_INTO_CGROUP},
		     {"cgroup-tasks", PK_FALLBACK_CGROUP_TASKS}, {"mount-setattr", PK_FALLBACK_MOUNT_SETATTR}};
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	char *save, *tok;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool found = !strcmp(tok, "all");
		if (found)
			forced = ~0U;
		for (size_t i = 0; i < PK_ARRAY_SIZE(names); i++)
			if (!strcmp(tok, names[i].name)) {
				forced |= names[i].f;
				found = true;
			}
		if (!found)
			return pk_fail(err, "--debug-fallback: unknown fast path \"%s\" (openat2, clone-into-cgroup, cgroup-tasks, mount-setattr, all)", tok);
	}
	return 0;
}

bool pk_fallback_forced(enum pk_fallback f) { return forced & f; }
