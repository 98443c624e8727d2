/* OCI mount options (config.md "mounts", runc's and crun's vocabulary) turned into mount(2) flags,
 * propagation, recursive attributes and the filesystem data string. The table is data: see
 * mount_options.c. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pk_mount_opts {
	unsigned long flags;       /* MS_* for mount(2), MS_BIND/MS_REC included */
	unsigned long propagation; /* MS_PRIVATE|MS_SLAVE|MS_SHARED|MS_UNBINDABLE, with MS_REC for r-forms */
	uint64_t rattr_set, rattr_clr; /* MOUNT_ATTR_* applied recursively (rro, rnosuid, ...) */
	bool bind;
	bool tmpcopyup, idmap, ridmap;
	char data[4096]; /* filesystem-specific options, comma-separated */
} pk_mount_opts_t;

int pk_mount_opts_parse(char *const *options, size_t n, pk_mount_opts_t *out, pk_err_t *err);
