#include "kernel/lsm.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool apparmor_enabled(void)
{
	_cleanup_free_ char *v = NULL;
	pk_err_t ignored;
	return pk_read_file("/sys/module/apparmor/parameters/enabled", &v, NULL, &ignored) == 0 && v[0] == 'Y';
}

static bool selinux_enabled(void) { return access("/sys/fs/selinux/enforce", F_OK) == 0; }

int pk_lsm_check(const pk_spec_t *spec, pk_err_t *err)
{
	if (spec->process.apparmor_profile && *spec->process.apparmor_profile && !apparmor_enabled())
		return pk_fail(err, "process.apparmorProfile: AppArmor is not enabled on this host; remove the profile "
			       "or run where AppArmor is active");
	if (spec->process.selinux_label && *spec->process.selinux_label && !selinux_enabled())
		return pk_fail(err, "process.selinuxLabel: SELinux is not enabled on this host");
	if (spec->mount_label && *spec->mount_label && !selinux_enabled())
		return pk_fail(err, "linux.mountLabel: SELinux is not enabled on this host");
	if (spec->has_intel_rdt && access("/sys/fs/resctrl/schemata", F_OK) < 0)
		return pk_fail(err, "linux.intelRdt: Intel RDT (resctrl) is not available on this host");
	return 0;
}

int pk_lsm_set_exec_label(const pk_process_t *p, pk_err_t *err)
{
	if (p->apparmor_profile && *p->apparmor_profile) {
		char v[512];
		snprintf(v, sizeof v, "exec %s", p->apparmor_profile);
		if (pk_write_file("/proc/thread-self/attr/apparmor/exec", v, err) < 0 &&
		    pk_write_file("/proc/thread-self/attr/exec", v, err) < 0)
			return pk_err_wrap(err, "process.apparmorProfile %s", p->apparmor_profile);
	}
	if (p->selinux_label && *p->selinux_label && pk_write_file("/proc/thread-self/attr/exec", p->selinux_label, err) < 0)
		return pk_err_wrap(err, "process.selinuxLabel %s", p->selinux_label);
	return 0;
}
