/* linux.resources.devices on cgroup v2: the program cgroup/device_filter.c builds, loaded and attached to
 * the container's cgroup with Debian's libbpf. BPF_F_ALLOW_MULTI, as runc and crun attach, so a program a
 * parent cgroup holds keeps applying below; `update` attaches the new program before it detaches the old
 * ones, so the container is never without a filter in between. */
#include "cgroup/cgroup.h"
#include "cgroup/device_filter.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ATTACHED 64

/* The verifier's complaint, for the one-line error (its log is many lines; the last says why). */
static void verifier_reason(const struct bpf_insn *insns, size_t n, char *out, size_t size)
{
	out[0] = '\0';
	const size_t log_size = 1 << 16;
	_cleanup_free_ char *log = calloc(1, log_size);
	if (!log)
		return;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = log_size, .log_level = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, "pocket_devices", "GPL", insns, n, &opts);
	if (fd >= 0) {
		close(fd);
		return;
	}
	char *end = log + strlen(log);
	while (end > log && end[-1] == '\n')
		*--end = '\0';
	char *last = strrchr(log, '\n');
	snprintf(out, size, " (verifier: %.200s)", last ? last + 1 : log);
}

int pk_cgroup_devices_bpf_apply(const pk_cgroup_t *cg, const pk_device_rule_t *rules, size_t n, pk_err_t *err)
{
	char dir[PK_CGROUP_DIR_MAX];
	snprintf(dir, sizeof dir, "%s%s", cg->hier[0].mount, cg->path);
	_cleanup_close_ int cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0)
		return pk_fail_errno(err, errno, "linux.resources.devices: cgroup %s", dir);
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t n_insns;
	if (pk_device_filter_build(rules, n, &insns, &n_insns, err) < 0)
		return -1;
	_cleanup_close_ int prog = bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, "pocket_devices", "GPL", insns, n_insns, NULL);
	if (prog < 0) {
		int e = errno;
		if (e == EPERM && geteuid() != 0) {
			/* An unprivileged user can neither make device nodes nor open the host's beyond their file
			 * modes: without CAP_SYS_ADMIN there is no program to attach, and nothing it would add. */
			pk_warn("linux.resources.devices: not enforced: loading a device program needs CAP_SYS_ADMIN");
			return 0;
		}
		char why[256];
		verifier_reason(insns, n_insns, why, sizeof why);
		return pk_fail_errno(err, e, "linux.resources.devices: load the cgroup device program%s", why);
	}
	/* What is attached now: ours from create or an earlier update, to be replaced. */
	__u32 ids[MAX_ATTACHED], n_ids = MAX_ATTACHED, flags = 0;
	if (bpf_prog_query(cg_fd, BPF_CGROUP_DEVICE, 0, &flags, ids, &n_ids) < 0)
		return pk_fail_errno(err, errno, "linux.resources.devices: query the device programs of %s", dir);
	if (bpf_prog_attach(prog, cg_fd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) < 0)
		return pk_fail_errno(err, errno, "linux.resources.devices: attach the device program to %s", dir);
	for (__u32 i = 0; i < n_ids; i++) {
		_cleanup_close_ int old = bpf_prog_get_fd_by_id(ids[i]);
		if (old < 0 || bpf_prog_detach2(old, cg_fd, BPF_CGROUP_DEVICE) < 0)
			return pk_fail_errno(err, errno, "linux.resources.devices: detach the old device program %u from %s",
					     ids[i], dir);
	}
	pk_debug("cgroup %s: device program of %zu instructions attached (%u replaced)", dir, n_insns, n_ids);
	return 0;
}
