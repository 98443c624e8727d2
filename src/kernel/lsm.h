/* Linux security modules: process.apparmorProfile, process.selinuxLabel, linux.mountLabel. Asking for a
 * label on a host whose LSM is not active is an error, never a silent run without confinement. */
#pragma once
#include "spec/spec.h"

/* Before anything is built: is every LSM the config names active here? (Also linux.intelRdt.) */
int pk_lsm_check(const pk_spec_t *spec, pk_err_t *err);
/* In the process, just before execve: the label its program runs under. */
int pk_lsm_set_exec_label(const pk_process_t *p, pk_err_t *err);
