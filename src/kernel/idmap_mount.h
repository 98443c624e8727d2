/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, options idmap and ridmap): the runtime, which
 * holds the privileges the kernel asks for (CAP_SYS_ADMIN over the file system's owner), clones the source
 * tree detached, attaches the id mapping to it, and hands the tree to the container's init, which only moves
 * it into place. The mapping is the mount's own when given, else the container's user namespace's. */
#pragma once
#include "spec/spec.h"

/* Does this mount entry ask for an idmapped mount? */
bool pk_idmap_mount_wanted(const pk_mount_t *m);
/* In the runtime: the detached, idmapped tree for mount m (init_pid: the container's init, whose user
 * namespace serves when m has no mappings of its own). */
int pk_idmap_mount_prepare(const pk_mount_t *m, size_t index, int bundlefd, pid_t init_pid, pk_err_t *err);
