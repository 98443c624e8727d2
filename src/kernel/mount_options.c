#include "kernel/mount_options.h"
#include "util/cleanup.h"
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum kind { FLAG_SET, FLAG_CLEAR, PROPAGATION, RATTR_SET, RATTR_CLEAR, SPECIAL };

static const struct option_def {
	const char *name;
	enum kind kind;
	unsigned long value;  /* MS_* or MOUNT_ATTR_* */
	unsigned long extra;  /* for atime attributes: MOUNT_ATTR__ATIME must be cleared as a group */
} table[] = {
	{"defaults", FLAG_SET, 0, 0},
	{"ro", FLAG_SET, MS_RDONLY, 0},
	{"rw", FLAG_CLEAR, MS_RDONLY, 0},
	{"nosuid", FLAG_SET, MS_NOSUID, 0},
	{"suid", FLAG_CLEAR, MS_NOSUID, 0},
	{"nodev", FLAG_SET, MS_NODEV, 0},
	{"dev", FLAG_CLEAR, MS_NODEV, 0},
	{"noexec", FLAG_SET, MS_NOEXEC, 0},
	{"exec", FLAG_CLEAR, MS_NOEXEC, 0},
	{"sync", FLAG_SET, MS_SYNCHRONOUS, 0},
	{"async", FLAG_CLEAR, MS_SYNCHRONOUS, 0},
	{"dirsync", FLAG_SET, MS_DIRSYNC, 0},
	{"remount", FLAG_SET, MS_REMOUNT, 0},
	{"mand", FLAG_SET, MS_MANDLOCK, 0},
	{"nomand", FLAG_CLEAR, MS_MANDLOCK, 0},
	{"noatime", FLAG_SET, MS_NOATIME, 0},
	{"atime", FLAG_CLEAR, MS_NOATIME, 0},
	{"nodiratime", FLAG_SET, MS_NODIRATIME, 0},
	{"diratime", FLAG_CLEAR, MS_NODIRATIME, 0},
	{"relatime", FLAG_SET, MS_RELATIME, 0},
	{"norelatime", FLAG_CLEAR, MS_RELATIME, 0},
	{"strictatime", FLAG_SET, MS_STRICTATIME, 0},
	{"nostrictatime", FLAG_CLEAR, MS_STRICTATIME, 0},
	{"lazytime", FLAG_SET, MS_LAZYTIME, 0},
	{"nolazytime", FLAG_CLEAR, MS_LAZYTIME, 0},
	{"iversion", FLAG_SET, MS_I_VERSION, 0},
	{"noiversion", FLAG_CLEAR, MS_I_VERSION, 0},
	{"silent", FLAG_SET, MS_SILENT, 0},
	{"loud", FLAG_CLEAR, MS_SILENT, 0},
	{"nosymfollow", FLAG_SET, MS_NOSYMFOLLOW, 0},
	{"symfollow", FLAG_CLEAR, MS_NOSYMFOLLOW, 0},
	{"bind", FLAG_SET, MS_BIND, 0},
	{"rbind", FLAG_SET, MS_BIND | MS_REC, 0},
	{"private", PROPAGATION, MS_PRIVATE, 0},
	{"rprivate", PROPAGATION, MS_PRIVATE | MS_REC, 0},
	{"slave", PROPAGATION, MS_SLAVE, 0},
	{"rslave", PROPAGATION, MS_SLAVE | MS_REC, 0},
	{"shared", PROPAGATION, MS_SHARED, 0},
	{"rshared", PROPAGATION, MS_SHARED | MS_REC, 0},
	{"unbindable", PROPAGATION, MS_UNBINDABLE, 0},
	{"runbindable", PROPAGATION, MS_UNBINDABLE | MS_REC, 0},
	{"rro", RATTR_SET, MOUNT_ATTR_RDONLY, 0},
	{"rrw", RATTR_CLEAR, MOUNT_ATTR_RDONLY, 0},
	{"rnosuid", RATTR_SET, MOUNT_ATTR_NOSUID, 0},
	{"rsuid", RATTR_CLEAR, MOUNT_ATTR_NOSUID, 0},
	{"rnodev", RATTR_SET, MOUNT_ATTR_NODEV, 0},
	{"rdev", RATTR_CLEAR, MOUNT_ATTR_NODEV, 0},
	{"rnoexec", RATTR_SET, MOUNT_ATTR_NOEXEC, 0},
	{"rexec", RATTR_CLEAR, MOUNT_ATTR_NOEXEC, 0},
	{"rnodiratime", RATTR_SET, MOUNT_ATTR_NODIRATIME, 0},
	{"rdiratime", RATTR_CLEAR, MOUNT_ATTR_NODIRATIME, 0},
	{"rnoatime", RATTR_SET, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
	{"ratime", RATTR_SET, 0, MOUNT_ATTR__ATIME},
	{"rrelatime", RATTR_SET, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
	{"rnorelatime", RATTR_SET, 0, MOUNT_ATTR__ATIME},
	{"rstrictatime", RATTR_SET, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
	{"rnostrictatime", RATTR_SET, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
	{"rnosymfollow", RATTR_SET, MOUNT_ATTR_NOSYMFOLLOW, 0},
	{"rsymfollow", RATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW, 0},
	{"tmpcopyup", SPECIAL, 0, 0},
	{"idmap", SPECIAL, 0, 0},
	{"ridmap", SPECIAL, 0, 0},
};

static int add_data(pk_mount_opts_t *o, const char *opt, pk_err_t *err)
{
	size_t used = strlen(o->data), len = strlen(opt);
	if (used + len + 2 > sizeof o->data)
		return pk_fail(err, "mount data too long at \"%s\"", opt);
	if (used)
		o->data[used++] = ',';
	memcpy(o->data + used, opt, len + 1);
	return 0;
}

int pk_mount_opts_parse(char *const *options, size_t n, pk_mount_opts_t *out, pk_err_t *err)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		const char *opt = options[i];
		const struct option_def *d = NULL;
		for (size_t j = 0; j < PK_ARRAY_SIZE(table); j++)
			if (!strcmp(table[j].name, opt)) {
				d = &table[j];
				break;
			}
		if (!d) {
			/* Anything else is the filesystem's own option (size=, mode=, uid=, ...); the kernel
			 * judges it when mounting and its refusal names this mount. */
			if (add_data(out, opt, err) < 0)
				return -1;
			continue;
		}
		switch (d->kind) {
		case FLAG_SET:
			out->flags |= d->value;
			break;
		case FLAG_CLEAR:
			out->flags &= ~d->value;
			break;
		case PROPAGATION:
			out->propagation = d->value;
			break;
		case RATTR_SET:
			out->rattr_clr |= d->extra;
			out->rattr_set |= d->value;
			break;
		case RATTR_CLEAR:
			out->rattr_clr |= d->value;
			out->rattr_set &= ~d->value;
			break;
		case SPECIAL:
			if (!strcmp(opt, "tmpcopyup"))
				out->tmpcopyup = true;
			else if (!strcmp(opt, "idmap"))
				out->idmap = true;
			else
				out->ridmap = true;
			break;
		}
	}
	out->bind = out->flags & MS_BIND;
	return 0;
}
