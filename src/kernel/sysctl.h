/* linux.sysctl: written to /proc/sys in the container's view, which keys are allowed (those of a namespace the
 * container has of its own) is checked by pk_spec_validate. */
#pragma once
#include "spec/spec.h"

int pk_sysctl_apply(const pk_spec_t *spec, pk_err_t *err);
