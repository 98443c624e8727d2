#include "kernel/sysctl.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pk_sysctl_apply(const pk_spec_t *spec, pk_err_t *err)
{
	for (size_t i = 0; i < spec->n_sysctl; i++) {
		char path[PATH_MAX];
		int n = snprintf(path, sizeof path, "/proc/sys/%s", spec->sysctl[i].key);
		for (char *p = path + 10; p < path + n; p++)
			if (*p == '.')
				*p = '/';
		_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pk_fail_errno(err, errno, "linux.sysctl: %s", spec->sysctl[i].key);
		const char *v = spec->sysctl[i].value;
		if (write(fd, v, strlen(v)) != (ssize_t)strlen(v))
			return pk_fail_errno(err, errno, "linux.sysctl: %s = %s", spec->sysctl[i].key, v);
	}
	return 0;
}
