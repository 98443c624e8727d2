#include "util/env.h"
#include <stdlib.h>
#include <string.h>

/* Set NAME=VALUE in env, replacing an earlier NAME. */
int pk_env_set(char ***env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv), n = 0;
	for (char **e = *env; e && *e; e++, n++)
		if (!strncmp(*e, kv, klen + 1)) {
			char *c = strdup(kv);
			if (!c)
				return -1;
			free(*e);
			*e = c;
			return 0;
		}
	char **nv = realloc(*env, (n + 2) * sizeof *nv);
	if (!nv)
		return -1;
	*env = nv;
	if (!(nv[n] = strdup(kv)))
		return -1;
	nv[n + 1] = NULL;
	return 0;
}

