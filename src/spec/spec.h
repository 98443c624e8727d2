/* The one data model: the OCI runtime config (config.md, config-linux.md) as C structs.
 *
 * Every front end produces a pk_spec_t; the engine reads nothing else. Strings are owned by the spec and
 * freed by pk_spec_free(). Arrays are a pointer plus a count. Fields the engine does not carry out yet are
 * kept as the raw JSON (`raw`) so nothing the user wrote is lost. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct json_t json_t;

enum pk_ns_type {
	PK_NS_MOUNT,
	PK_NS_PID,
	PK_NS_NETWORK,
	PK_NS_IPC,
	PK_NS_UTS,
	PK_NS_USER,
	PK_NS_CGROUP,
	PK_NS_TIME,
	PK_NS_COUNT
};

typedef struct pk_namespace {
	bool present; /* listed in linux.namespaces */
	char *path;   /* join this one when set; create a new one otherwise */
} pk_namespace_t;

typedef struct pk_idmap {
	uint32_t container_id, host_id, size;
} pk_idmap_t;

typedef struct pk_mount {
	char *destination;
	char *type;   /* may be NULL (bind mounts) */
	char *source; /* may be NULL */
	char **options;
	size_t n_options;
	pk_idmap_t *uid_mappings, *gid_mappings; /* idmapped mounts (rootless issue) */
	size_t n_uid_mappings, n_gid_mappings;
} pk_mount_t;

typedef struct pk_hook {
	char *path;
	char **args; /* NULL-terminated, may be NULL */
	char **env;  /* NULL-terminated, may be NULL */
	int timeout; /* seconds, 0 = none */
} pk_hook_t;

enum pk_hook_kind {
	PK_HOOK_PRESTART,
	PK_HOOK_CREATE_RUNTIME,
	PK_HOOK_CREATE_CONTAINER,
	PK_HOOK_START_CONTAINER,
	PK_HOOK_POSTSTART,
	PK_HOOK_POSTSTOP,
	PK_HOOK_KIND_COUNT
};

typedef struct pk_hooks {
	pk_hook_t *list;
	size_t n;
} pk_hooks_t;

typedef struct pk_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	uint32_t file_mode;
	bool has_file_mode;
	uint32_t uid, gid;
	bool has_uid, has_gid;
} pk_device_t;

typedef struct pk_sysctl {
	char *key, *value;
} pk_sysctl_t;

typedef struct pk_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
} pk_rlimit_t;

typedef struct pk_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient; /* bit masks of CAP_* */
	bool present;                                                  /* process.capabilities given */
} pk_caps_t;

/* linux.seccomp (config-linux.md "Seccomp"). Actions and operators are kept as libseccomp's SCMP_* values
 * (spec/seccomp.c maps the OCI names); syscall names are resolved when the filter is compiled, so a name
 * unknown to libseccomp or the architecture is skipped as runc does. */
typedef struct pk_seccomp_arg {
	unsigned index;
	uint64_t value, value_two;
	int op; /* enum scmp_compare */
} pk_seccomp_arg_t;

typedef struct pk_seccomp_rule {
	char **names; /* NULL-terminated */
	uint32_t action; /* SCMP_ACT_* without errno (see errno_ret) */
	uint32_t errno_ret;
	bool has_errno_ret;
	pk_seccomp_arg_t *args;
	size_t n_args;
} pk_seccomp_rule_t;

typedef struct pk_seccomp {
	bool present;
	uint32_t default_action;
	uint32_t default_errno_ret;
	bool has_default_errno_ret;
	uint32_t *archs; /* SCMP_ARCH_* */
	size_t n_archs;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	char *listener_path, *listener_metadata;
	pk_seccomp_rule_t *rules;
	size_t n_rules;
	char *canonical; /* the profile as canonical JSON (sorted keys): the compiled-filter cache's key */
} pk_seccomp_t;

/* linux.resources (config-linux.md "Control groups"): the values as the config gives them; the cgroup
 * backends (cgroup/v1.c, cgroup/v2.c) translate them. `set` tells a given 0 from an absent field. */
typedef struct pk_opt_i64 {
	bool set;
	int64_t v;
} pk_opt_i64_t;

typedef struct pk_device_rule {
	bool allow;
	char type;            /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1 = any */
	char access[4];       /* some of "rwm" */
} pk_device_rule_t;

/* linux.resources.blockIO: weightDevice entries use weight/leaf_weight, the throttle lists rate. */
typedef struct pk_blkio_device {
	int64_t major, minor;
	pk_opt_i64_t weight, leaf_weight;
	uint64_t rate;
} pk_blkio_device_t;

enum pk_blkio_throttle {
	PK_THROTTLE_READ_BPS,   /* throttleReadBpsDevice */
	PK_THROTTLE_WRITE_BPS,  /* throttleWriteBpsDevice */
	PK_THROTTLE_READ_IOPS,  /* throttleReadIOPSDevice */
	PK_THROTTLE_WRITE_IOPS, /* throttleWriteIOPSDevice */
	PK_THROTTLE_COUNT
};

typedef struct pk_hugepage_limit {
	char *page_size; /* as the kernel names it in hugetlb.<size>.*: "2MB", "1GB", "64KB" */
	uint64_t limit;
} pk_hugepage_limit_t;

typedef struct pk_rdma_limit {
	char *device;
	pk_opt_i64_t hca_handles, hca_objects;
} pk_rdma_limit_t;

typedef struct pk_net_priority {
	char *name;
	uint32_t priority;
} pk_net_priority_t;

typedef struct pk_resources {
	bool present;
	struct {
		pk_opt_i64_t limit, reservation, swap, kernel, kernel_tcp, swappiness;
		bool disable_oom_killer, use_hierarchy;
		bool has_disable_oom_killer, has_use_hierarchy;
	} memory;
	struct {
		pk_opt_i64_t shares, quota, burst, period, realtime_runtime, realtime_period, idle;
		char *cpus, *mems;
	} cpu;
	pk_opt_i64_t pids_limit;
	pk_device_rule_t *devices;
	size_t n_devices;
	json_t *unified; /* object of file name -> value, may be NULL */
	struct {
		pk_opt_i64_t weight, leaf_weight;
		pk_blkio_device_t *weight_device;
		size_t n_weight_device;
		pk_blkio_device_t *throttle[PK_THROTTLE_COUNT];
		size_t n_throttle[PK_THROTTLE_COUNT];
	} blkio;
	pk_hugepage_limit_t *hugepages;
	size_t n_hugepages;
	pk_rdma_limit_t *rdma;
	size_t n_rdma;
	struct {
		pk_opt_i64_t class_id;
		pk_net_priority_t *priorities;
		size_t n_priorities;
	} network;
} pk_resources_t;

typedef struct pk_process {
	bool terminal;
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	uint32_t umask;
	bool has_umask;
	char **args; /* NULL-terminated */
	char **env;  /* NULL-terminated */
	char *cwd;
	bool no_new_privileges;
	pk_caps_t caps;
	pk_rlimit_t *rlimits;
	size_t n_rlimits;
	int oom_score_adj;
	bool has_oom_score_adj;
	char *apparmor_profile, *selinux_label;
	/* process.ioPriority */
	bool has_io_priority;
	int io_class; /* IOPRIO_CLASS_* */
	int io_priority;
	/* process.scheduler */
	bool has_scheduler;
	int sched_policy; /* SCHED_* */
	int sched_nice, sched_priority;
	uint64_t sched_flags, sched_runtime, sched_deadline, sched_period;
} pk_process_t;

typedef struct pk_spec {
	char *oci_version;
	char *root_path; /* as written; made absolute against the bundle by the engine */
	bool root_readonly;
	char *hostname, *domainname;
	pk_process_t process; /* process.args == NULL when the config has no process */
	bool has_process;
	pk_mount_t *mounts;
	size_t n_mounts;
	pk_hooks_t hooks[PK_HOOK_KIND_COUNT];
	/* linux */
	pk_namespace_t ns[PK_NS_COUNT];
	pk_idmap_t *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	int64_t time_offset_monotonic[2], time_offset_boottime[2]; /* secs, nanosecs */
	bool has_time_offsets;
	pk_device_t *devices;
	size_t n_devices;
	pk_sysctl_t *sysctl;
	size_t n_sysctl;
	char **masked_paths, **readonly_paths; /* NULL-terminated */
	unsigned long rootfs_propagation;      /* MS_* flag; 0 = default */
	char *cgroups_path;
	char *mount_label;
	pk_seccomp_t seccomp;
	pk_resources_t resources;
	bool has_personality;
	unsigned long personality; /* linux.personality: PER_LINUX or PER_LINUX32, with flags */
	bool has_intel_rdt;        /* linux.intelRdt given */
	json_t *annotations; /* object, may be NULL */
	json_t *raw;         /* the whole config as parsed */
} pk_spec_t;

/* Parse a config.json text (or file) into spec. Errors name the JSON field, e.g. "process.args: expected a
 * non-empty array of strings". */
int pk_spec_parse(pk_spec_t *spec, const char *json_text, size_t len, pk_err_t *err);
int pk_spec_load(pk_spec_t *spec, const char *path, pk_err_t *err);
void pk_spec_free(pk_spec_t *spec);
/* A spec freed when it goes out of scope (zero-initialise it). */
#define _cleanup_spec_ __attribute__((cleanup(pk_spec_free)))

/* linux.resources of a config (called by pk_spec_parse; also by `update` for its --resources file, whose
 * errors then name `where`). */
int pk_resources_parse(json_t *resources, const char *where, pk_resources_t *out, pk_err_t *err);
void pk_resources_free(pk_resources_t *r);
/* linux.resources.blockIO, hugepageLimits, rdma and network (spec/resources_extras.c; called by
 * pk_resources_parse, errors name `where`). */
int pk_resources_parse_extras(json_t *resources, const char *where, pk_resources_t *out, pk_err_t *err);
void pk_resources_free_extras(pk_resources_t *r);
bool pk_resources_has_extra_limits(const pk_resources_t *r);
/* Does the config ask for any limit (a cgroup that cannot be made then matters)? */
bool pk_resources_has_limits(const pk_resources_t *r);
/* After the config's device rules: the devices every container may use, and its linux.devices. */
int pk_resources_add_default_devices(pk_resources_t *r, const pk_device_t *devices, size_t n_devices, pk_err_t *err);

/* process.ioPriority, process.scheduler, linux.personality, linux.intelRdt (called by pk_spec_parse). */
int pk_spec_parse_process_extras(json_t *root, pk_spec_t *spec, pk_err_t *err);

/* linux.seccomp of a config (called by pk_spec_parse). */
int pk_seccomp_parse(json_t *seccomp, pk_seccomp_t *out, pk_err_t *err);
void pk_seccomp_free(pk_seccomp_t *s);
/* The "seccomp" object of the features document: what this parser accepts. */
json_t *pk_seccomp_features(void);

/* Cross-field checks the engine relies on (e.g. a new user namespace needs mappings). */
int pk_spec_validate(const pk_spec_t *spec, pk_err_t *err);

/* The default config that `pocket spec` writes (rootless: for the calling user). Returns a new JSON
 * object. */
json_t *pk_spec_default(bool rootless, uid_t uid, gid_t gid);

/* The OCI features document (`pocket features`). */
json_t *pk_features(void);

const char *pk_ns_name(enum pk_ns_type t);    /* OCI name: "mount", "pid", ... */
int pk_ns_clone_flag(enum pk_ns_type t);      /* CLONE_NEW* */
const char *pk_ns_proc_name(enum pk_ns_type t); /* /proc/self/ns/<name>: "mnt", "pid", ... */
const char *pk_hook_kind_name(enum pk_hook_kind k);
