/* OCI hooks: each is run with the container's state JSON on its stdin, its args and env, and an optional
 * timeout (killed when it expires). */
#pragma once
#include "spec/spec.h"

/* Run all hooks of one kind in order; the first failure stops and fills err. */
int pk_hooks_run(const pk_spec_t *spec, enum pk_hook_kind kind, const char *state_json, pk_err_t *err);
