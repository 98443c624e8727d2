/* Run a helper program of the host (newuidmap, busctl, ...) and take what it says: stdin is /dev/null,
 * stdout and stderr are captured together. */
#pragma once
#include "util/error.h"
#include <stddef.h>

/* Run argv (argv[0] looked up in PATH) and wait for it. out (size bytes, NUL-terminated) gets the start of its
 * output; *status its wait status (an exit status of 127: the program is not installed). Returns -1 only
 * when it could not be run at all (err set). */
int pk_command_run(char *const argv[], char *out, size_t size, int *status, pk_err_t *err);
