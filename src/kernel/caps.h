/* process.capabilities: the five sets, applied so the process ends with exactly what the config says. */
#pragma once
#include "spec/spec.h"

/* In the runtime, before anything is built: capabilities that we can name but the running kernel does not
 * know are dropped from every set, with a warning for each (runc's behaviour for such names). */
void pk_caps_drop_unknown_to_kernel(pk_caps_t *caps);
/* Before the uid switch: drop from the bounding set, keep capabilities across setuid. */
int pk_caps_prepare(const pk_caps_t *caps, pk_err_t *err);
/* After the uid switch: set effective, permitted, inheritable, then raise the ambient ones. */
int pk_caps_apply(const pk_caps_t *caps, pk_err_t *err);
