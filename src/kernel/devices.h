/* Device nodes in the container's /dev: the defaults every container gets (null, zero, full, random,
 * urandom, tty), `linux.devices`, and the standard /dev symlinks. mknod where allowed, otherwise (in a user
 * namespace) a bind mount of the host's node. */
#pragma once
#include "spec/spec.h"

int pk_devices_create(int rootfd, const pk_spec_t *spec, bool in_userns, pk_err_t *err);
