#include "cgroup/host_mounts.h"
#include "util/cleanup.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

/* From mountinfo super options ("rw,memory", "rw,nsdelegate"), the part /proc/self/cgroup shows: controllers
 * and a hierarchy name, without the mount's flags. */
static void options_of(const char *super, char *out, size_t size)
{
	out[0] = '\0';
	char buf[1024];
	snprintf(buf, sizeof buf, "%.1000s", super);
	char *save, *tok;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "rw") || !strcmp(tok, "ro") || !strncmp(tok, "release_agent", 13) ||
		    !strcmp(tok, "clone_children") || !strcmp(tok, "noprefix") || !strcmp(tok, "xattr") ||
		    !strcmp(tok, "cpuset_v2_mode") || !strcmp(tok, "nsdelegate") || !strcmp(tok, "favordynmods") ||
		    !strcmp(tok, "memory_recursiveprot") || !strcmp(tok, "memory_localevents") ||
		    !strcmp(tok, "memory_hugetlb_accounting") || !strcmp(tok, "pids_localevents"))
			continue;
		size_t l = strlen(out);
		snprintf(out + l, size - l, "%s%s", l ? "," : "", tok);
	}
}

static int read_mounts(pk_cgroup_mount_t *list, size_t *n, pk_err_t *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return pk_fail_errno(err, errno, "cgroups: read /proc/self/mountinfo");
	setvbuf(f, NULL, _IOFBF, 1 << 16); /* one read for the whole file */
	char line[4096];
	*n = 0;
	while (fgets(line, sizeof line, f) && *n < PK_CGROUP_MAX_MOUNTS) {
		/* id parent maj:min root mountpoint options [optional...] - fstype source super */
		char mp[PATH_MAX], fstype[64], super[1024];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if (!v2 && strcmp(fstype, "cgroup"))
			continue;
		if (strcmp(mp, CGROUP_ROOT) &&
		    (strncmp(mp, CGROUP_ROOT "/", sizeof CGROUP_ROOT) || strchr(mp + sizeof CGROUP_ROOT, '/')))
			continue;
		size_t len = strlen(mp);
		if (len >= sizeof list->path)
			continue; /* no hierarchy of ours: a runtime's layout uses short names */
		pk_cgroup_mount_t *m = &list[(*n)++];
		memcpy(m->path, mp, len + 1);
		m->v2 = v2;
		if (v2)
			m->options[0] = '\0';
		else
			options_of(super, m->options, sizeof m->options);
	}
	return 0;
}

int pk_cgroup_host_mounts(const pk_cgroup_mount_t **mounts, size_t *n, pk_err_t *err)
{
	/* The one piece of remembered state: the host's cgroup mounts do not change under a runtime command. */
	static pk_cgroup_mount_t list[PK_CGROUP_MAX_MOUNTS];
	static size_t count;
	static bool known;
	if (!known) {
		if (read_mounts(list, &count, err) < 0)
			return -1;
		known = true;
	}
	*mounts = list;
	*n = count;
	return 0;
}
