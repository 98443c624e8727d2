#include "kernel/caps.h"
#include "spec/caps.h"
#include "util/fs.h"
#include "util/log.h"
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's last capability, read once per process: it cannot change while we run, and the container's
 * init, forked after the runtime asked, has the answer in its copy of our memory. */
static int last_cap(void)
{
	static int known = -1;
	if (known >= 0)
		return known;
	pk_err_t ignored;
	char *text = NULL;
	int last = CAP_LAST_CAP;
	if (pk_read_file("/proc/sys/kernel/cap_last_cap", &text, NULL, &ignored) == 0)
		last = atoi(text);
	free(text);
	return known = last;
}

void pk_caps_drop_unknown_to_kernel(pk_caps_t *caps)
{
	int last = last_cap();
	if (!caps->present || last >= 63)
		return;
	uint64_t known = (2ULL << last) - 1;
	uint64_t all = caps->bounding | caps->effective | caps->inheritable | caps->permitted | caps->ambient;
	for (int c = last + 1; c < 64; c++)
		if (all & (1ULL << c))
			pk_warn("process.capabilities: %s is unknown to this kernel (its last is %d); skipped",
				pk_cap_name(c) ? pk_cap_name(c) : "a capability", last);
	caps->bounding &= known;
	caps->effective &= known;
	caps->inheritable &= known;
	caps->permitted &= known;
	caps->ambient &= known;
}

int pk_caps_prepare(const pk_caps_t *caps, pk_err_t *err)
{
	if (!caps->present)
		return 0;
	int last = last_cap();
	for (int c = 0; c <= last; c++)
		if (!(caps->bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return pk_fail_errno(err, errno, "process.capabilities.bounding: drop capability %d", c);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return pk_fail_errno(err, errno, "keep capabilities across setuid");
	return 0;
}

int pk_caps_apply(const pk_caps_t *caps, pk_err_t *err)
{
	if (!caps->present)
		return 0;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
		{(uint32_t)caps->effective, (uint32_t)caps->permitted, (uint32_t)caps->inheritable},
		{(uint32_t)(caps->effective >> 32), (uint32_t)(caps->permitted >> 32),
		 (uint32_t)(caps->inheritable >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return pk_fail_errno(err, errno, "process.capabilities: capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return pk_fail_errno(err, errno, "process.capabilities.ambient: clear");
	int last = last_cap();
	for (int c = 0; c <= last; c++)
		if ((caps->ambient & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return pk_fail_errno(err, errno,
					     "process.capabilities.ambient: raise capability %d (it must also be "
					     "permitted and inheritable)",
					     c);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return pk_fail_errno(err, errno, "clear keep-capabilities");
	return 0;
}
