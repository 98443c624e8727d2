/* The `cgroup` mount type of the OCI config: the container's view of /sys/fs/cgroup. On a pure v2 host
 * this is one cgroup2 mount; on v1 and hybrid hosts a tmpfs holding one mount per hierarchy mounted on the
 * host, each fresh (showing the container's own cgroup as its root) inside a new cgroup namespace, or a bind
 * of the container's own cgroup directory without one. */
#pragma once
#include "kernel/mount_options.h"
#include "spec/spec.h"

int pk_cgroupfs_mount(int rootfd, const pk_mount_t *m, const pk_mount_opts_t *o, bool cgroupns, pk_err_t *err);
