/* linux.resources.devices as a cgroup v2 device program (BPF_PROG_TYPE_CGROUP_DEVICE): our own instructions,
 * loaded and attached by cgroup/devices_bpf.c. Kept apart from the loader so the unit test can run the
 * program it builds without a kernel. */
#pragma once
#include "spec/spec.h"
#include <linux/bpf.h>

/* The program for rules, taken as OCI orders them: for each access bit asked for (r, w, m), the last rule
 * that matches the device and names the bit decides. A device no rule decides is allowed, as on a fresh v1
 * devices cgroup, unless the list starts with a deny-all (runc's allow-list mode; `pocket spec` writes one).
 * *insns is malloc'd; the caller frees it. */
int pk_device_filter_build(const pk_device_rule_t *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
			   pk_err_t *err);
