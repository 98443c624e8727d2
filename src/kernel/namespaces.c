#include "kernel/namespaces.h"
#include "util/cleanup.h"
#include "util/command.h"
#include "util/fs.h"
#include "util/users.h"
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int pk_ns_new_flags(const pk_spec_t *spec)
{
	int flags = 0;
	for (int t = 0; t < PK_NS_COUNT; t++)
		if (spec->ns[t].present && !spec->ns[t].path)
			flags |= pk_ns_clone_flag((enum pk_ns_type)t);
	return flags;
}

void pk_ns_close_fds(int fds[PK_NS_COUNT])
{
	for (int t = 0; t < PK_NS_COUNT; t++)
		if (fds[t] >= 0) {
			close(fds[t]);
			fds[t] = -1;
		}
}

int pk_ns_open_paths(const pk_spec_t *spec, int fds[PK_NS_COUNT], pk_err_t *err)
{
	for (int t = 0; t < PK_NS_COUNT; t++)
		fds[t] = -1;
	for (int t = 0; t < PK_NS_COUNT; t++) {
		if (!spec->ns[t].present || !spec->ns[t].path)
			continue;
		fds[t] = open(spec->ns[t].path, O_RDONLY | O_CLOEXEC);
		if (fds[t] < 0) {
			int e = errno;
			pk_ns_close_fds(fds);
			return pk_fail_errno(err, e, "linux.namespaces: %s path %s", pk_ns_name((enum pk_ns_type)t),
					     spec->ns[t].path);
		}
	}
	return 0;
}

int pk_ns_join(enum pk_ns_type t, int fd, pk_err_t *err)
{
	if (setns(fd, pk_ns_clone_flag(t)) < 0)
		return pk_fail_errno(err, errno, "join %s namespace", pk_ns_name(t));
	return 0;
}

static int write_map(pid_t pid, const char *file, const pk_idmap_t *m, size_t n, pk_err_t *err)
{
	char buf[4096], path[64];
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
					m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (pk_write_file(path, buf, err) < 0)
		return pk_err_wrap(err, "linux.%s", !strcmp(file, "uid_map") ? "uidMappings" : "gidMappings");
	return 0;
}

/* An unprivileged user may map its own id alone, by writing the map itself; anything more goes through
 * the setuid helpers of the uidmap package, which check /etc/subuid and /etc/subgid. */
static bool own_id_only(const pk_idmap_t *m, size_t n, unsigned own)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == own;
}

static int run_helper(const char *helper, const char *field, const char *subfile, pid_t pid, const pk_idmap_t *m,
		      size_t n, pk_err_t *err)
{
	char *argv[3 + 3 * 340 + 1];
	char nums[3 * 340 + 1][16];
	size_t k = 0, a = 0;
	argv[a++] = (char *)helper;
	snprintf(nums[k], sizeof nums[k], "%d", (int)pid);
	argv[a++] = nums[k++];
	for (size_t i = 0; i < n && i < 340; i++) {
		unsigned v[3] = {m[i].container_id, m[i].host_id, m[i].size};
		for (int j = 0; j < 3; j++) {
			snprintf(nums[k], sizeof nums[k], "%u", v[j]);
			argv[a++] = nums[k++];
		}
	}
	argv[a] = NULL;
	char msg[512];
	int status;
	if (pk_command_run(argv, msg, sizeof msg, &status, err) < 0)
		return pk_err_wrap(err, "%s", field);
	msg[strcspn(msg, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return pk_fail(err, "%s: mapping more than your own id needs %s: install the uidmap package", field,
			       helper);
	char user[256];
	pk_user_name(getuid(), user, sizeof user);
	return pk_fail(err, "%s: %s refused the mapping (%s): %s needs a line \"%s:START:COUNT\" covering every "
		       "host id the config maps", field, helper, msg[0] ? msg : "no reason given", subfile,
		       user);
}

int pk_userns_write_maps(pid_t pid, const pk_spec_t *spec, pk_err_t *err)
{
	if (geteuid() == 0) {
		if (write_map(pid, "uid_map", spec->uid_mappings, spec->n_uid_mappings, err) < 0)
			return -1;
		return write_map(pid, "gid_map", spec->gid_mappings, spec->n_gid_mappings, err);
	}
	if (own_id_only(spec->uid_mappings, spec->n_uid_mappings, geteuid())) {
		if (write_map(pid, "uid_map", spec->uid_mappings, spec->n_uid_mappings, err) < 0)
			return -1;
	} else if (run_helper("newuidmap", "linux.uidMappings", "/etc/subuid", pid, spec->uid_mappings,
			      spec->n_uid_mappings, err) < 0) {
		return -1;
	}
	if (own_id_only(spec->gid_mappings, spec->n_gid_mappings, getegid())) {
		/* The kernel takes an unprivileged gid map only once setgroups(2) is denied for good. */
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		if (pk_write_file(path, "deny", err) < 0)
			return -1;
		return write_map(pid, "gid_map", spec->gid_mappings, spec->n_gid_mappings, err);
	}
	return run_helper("newgidmap", "linux.gidMappings", "/etc/subgid", pid, spec->gid_mappings,
			  spec->n_gid_mappings, err);
}

int pk_timens_unshare(pk_err_t *err)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return pk_fail_errno(err, errno, "create time namespace");
	return 0;
}

int pk_timens_write_offsets(pid_t pid, const pk_spec_t *spec, pk_err_t *err)
{
	static const struct {
		const char *clock, *field;
		size_t off;
	} clocks[] = {
		{"monotonic", "linux.timeOffsets.monotonic", offsetof(pk_spec_t, time_offset_monotonic)},
		{"boottime", "linux.timeOffsets.boottime", offsetof(pk_spec_t, time_offset_boottime)},
	};
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/timens_offsets", (int)pid);
	for (size_t i = 0; i < PK_ARRAY_SIZE(clocks); i++) {
		const int64_t *v = (const int64_t *)((const char *)spec + clocks[i].off);
		char line[128];
		snprintf(line, sizeof line, "%s %lld %lld", clocks[i].clock, (long long)v[0], (long long)v[1]);
		if (pk_write_file(path, line, err) < 0)
			return pk_err_wrap(err, "%s", clocks[i].field);
	}
	return 0;
}

int pk_timens_enter(pk_err_t *err)
{
	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return pk_fail_errno(err, errno, "enter time namespace");
	return 0;
}

int pk_net_loopback_up(pk_err_t *err)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return pk_fail_errno(err, errno, "network namespace: socket");
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return pk_fail_errno(err, errno, "network namespace: lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return pk_fail_errno(err, errno, "network namespace: bring lo up");
	return 0;
}
