/* The container's cgroup, behind one interface for the three kinds of host users have:
 *   pure cgroup v2 (/sys/fs/cgroup is cgroup2),
 *   cgroup v1 (one hierarchy per controller under /sys/fs/cgroup),
 *   the v1/v2 hybrid (v1 controllers, plus a cgroup2 mount at /sys/fs/cgroup/unified).
 * On v1 and hybrid hosts every v1 hierarchy gets the container's cgroup (the limits go to the controllers'
 * hierarchies), and so does the unified mount, which tracks membership. A relative or absent
 * linux.cgroupsPath is put under /pocket, never under the caller's own cgroup; only an unprivileged caller on
 * cgroup v2, for whom /pocket is not writable, gets it in the subtree delegated to it (cgroup/delegated.c). */
#pragma once
#include "spec/spec.h"
#include <limits.h>

#define PK_CGROUP_MAX_HIER 16
/* Room for a directory of a hierarchy (its mount, the container's path, a sub-cgroup), and for a file in it. */
#define PK_CGROUP_DIR_MAX (PATH_MAX + 1024)
#define PK_CGROUP_FILE_MAX (PK_CGROUP_DIR_MAX + 256)

/* Kept small: every command that touches a container's cgroup has one of these on its stack, and each page of
 * it is a page fault (cgroup/host_mounts.h bounds a mount path as this does). */
typedef struct pk_cg_hier {
	char mount[256];       /* where the hierarchy is mounted */
	char controllers[256]; /* comma-separated; "" for a v1 named hierarchy or a bare cgroup2 */
	bool v2;
	char sub[512]; /* exec --cgroup: the sub-cgroup of the container's a process enters here ("" = none) */
} pk_cg_hier_t;

typedef struct pk_cgroup {
	bool unified;               /* pure v2 host */
	pk_cg_hier_t hier[PK_CGROUP_MAX_HIER];
	size_t n_hier;
	char path[PATH_MAX];        /* the container's cgroup, from each hierarchy's root ("/pocket/c1") */
	bool owned_parent;          /* path is under /pocket: remove /pocket too when it empties */
	bool systemd;               /* made by systemd (cgroup/systemd.c) as unit in slice */
	char unit[256], slice[256];
	const pk_resources_t *systemd_res; /* set by create: the scope is started with them on enter */
} pk_cgroup_t;

/* The default cgroup's name for a container without linux.cgroupsPath: its id under the default state
 * root, and "<id>-<inode of the root>" under any other, since containers of different state roots are
 * different runtimes' and may share an id but never a cgroup. */
void pk_cgroup_default_name(const char *root, const char *id, char *out, size_t size);
/* Find the host's hierarchies and the container's path (from cgroupsPath, or /pocket/<default_name>). */
int pk_cgroup_init(pk_cgroup_t *cg, const char *cgroups_path, const char *id, bool systemd, pk_err_t *err);
/* Unprivileged on cgroup v2, a relative cgroupsPath (rel) goes into a subtree delegated to the user, when
 * the default place is not writable and there is one (cgroup/delegated.c); else cg stays as it is. */
void pk_cgroup_delegated_place(pk_cgroup_t *cg, const char *rel);
/* Make the cgroup in every hierarchy and apply the limits; on failure nothing is left. */
int pk_cgroup_create(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
/* The same in two steps, so that a new container's init can be made in between and build its mounts while the
 * runtime does the rest (container/create.c). First, before the init exists: check that the cgroup can be
 * made and that no process is in it, and make it where clone3 puts the init (the v2 hierarchy); on failure
 * nothing is left. Then the v1 hierarchies and the limits; on failure the caller ends the init and calls
 * pk_cgroup_destroy. */
int pk_cgroup_create_first(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
int pk_cgroup_create_rest(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
/* An fd of the v2 cgroup for clone3(CLONE_INTO_CGROUP), or -1 where there is none. */
int pk_cgroup_v2_fd(const pk_cgroup_t *cg);
/* The directory a process entering hierarchy h goes to: the container's cgroup, or its sub-cgroup h->sub. */
void pk_cgroup_entry_dir(const pk_cgroup_t *cg, const pk_cg_hier_t *h, char *out, size_t size);
/* exec --cgroup [CONTROLLER[,CONTROLLER...]:]SUB: an existing sub-cgroup of the container's, in the
 * hierarchies of those controllers (every hierarchy when none is named; cgroup v2 takes no controller). */
int pk_cgroup_set_sub(pk_cgroup_t *cg, const char *spec, pk_err_t *err);
/* Put pid in the cgroup of the v1 hierarchies, of the v2 one, or both, by writing cgroup.procs: the slow
 * way (an RCU grace period per call), for what neither clone3 nor the process itself did (cgroup/entry.h). */
int pk_cgroup_enter(const pk_cgroup_t *cg, pid_t pid, bool v1, bool v2, pk_err_t *err);
int pk_cgroup_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
/* Kill what is left and remove the cgroup from every hierarchy (retrying EBUSY). */
int pk_cgroup_destroy(const pk_cgroup_t *cg, pk_err_t *err);
/* The pids in the cgroup (caller frees). */
int pk_cgroup_pids(const pk_cgroup_t *cg, pid_t **pids, size_t *n, pk_err_t *err);
int pk_cgroup_freeze(const pk_cgroup_t *cg, bool frozen, pk_err_t *err);
bool pk_cgroup_is_frozen(const pk_cgroup_t *cg);

/* runc's stats document (`events`), and how many OOM kills the cgroup has seen. */
json_t *pk_cgroup_stats(const pk_cgroup_t *cg);
uint64_t pk_cgroup_oom_kills(const pk_cgroup_t *cg);

/* The systemd driver (cgroup/systemd.c): the scope's name and cgroup from cgroupsPath "slice:prefix:name";
 * the scope started around pid with the limits; the scope of a cgroup stopped (a no-op for any other). */
int pk_cgroup_systemd_init(pk_cgroup_t *cg, const char *cgroups_path, const char *id, pk_err_t *err);
int pk_cgroup_systemd_start(const pk_cgroup_t *cg, pid_t pid, const pk_resources_t *r, pk_err_t *err);
void pk_cgroup_systemd_stop(const pk_cgroup_t *cg);
/* `update` of a scope the driver made: the new limits as its unit properties too (as runc), so that systemd
 * does not put the old ones back; a no-op for any other cgroup. */
int pk_cgroup_systemd_update(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);

/* Shared by the backends (cgroup/v1.c, cgroup/v2.c). */
const pk_cg_hier_t *pk_cgroup_find(const pk_cgroup_t *cg, const char *controller);
int pk_cgroup_write(const pk_cg_hier_t *h, const char *path, const char *file, const char *value, pk_err_t *err);
int pk_cgroup_v1_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
int pk_cgroup_v2_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
/* The hierarchy holding a controller for this container: its v1 hierarchy (named v1_name), else a cgroup2
 * one whose container cgroup lists v2_name (pure v2, or the unified mount of a hybrid host); NULL if none.
 * pk_cgroup_put writes file there, or fails naming linux.resources.<field> (and file, when it is missing). */
const pk_cg_hier_t *pk_cgroup_controller(const pk_cgroup_t *cg, const char *v1_name, const char *v2_name);
bool pk_cgroup_has_file(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file);
int pk_cgroup_put(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file, const char *value, const char *field,
		  pk_err_t *err);
/* linux.resources.blockIO, hugepageLimits, rdma, network on either kind of hierarchy (cgroup/io.c, hugetlb.c,
 * rdma.c, net.c). */
int pk_cgroup_io_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
int pk_cgroup_hugetlb_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
int pk_cgroup_rdma_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
int pk_cgroup_net_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err);
/* v2 device rules: build, load and attach the device program, replacing the one attached before
 * (cgroup/devices_bpf.c). */
int pk_cgroup_devices_bpf_apply(const pk_cgroup_t *cg, const pk_device_rule_t *rules, size_t n, pk_err_t *err);
