/* Command-line flags the way runc (urfave/cli over Go's flag package) takes them: `--flag value`,
 * `--flag=value`, `-f value`, single-dash long flags (`-no-subreaper`), `--bool=false`, and `--` to end the
 * flags. Parsing stops at the first positional argument, as Go's flag package does, so `exec ID cmd -x`
 * leaves `-x` to the command. Options are data: a table of pk_opt_t. */
#pragma once
#include "util/error.h"
#include <stdbool.h>

typedef struct pk_opt {
	const char *name; /* long name, without dashes */
	char short_name;  /* 0 when none */
	bool takes_value;
	int id; /* handed to the callback */
} pk_opt_t;

/* Called for each flag; `value` is the flag's value, or "true"/"false" for a boolean flag. */
typedef int (*pk_opt_cb)(void *ctx, int id, const char *value, pk_err_t *err);

/* err->errnum when the arguments asked for help (--help, -h): err->msg then lists the verb's flags, one a
 * line (the one place a message has more than one). Not an errno value. */
#define PK_ARGS_HELP (-4242)

/* Parses argv[0..argc) (argv[0] is the first flag, not the program). Returns the index of the first
 * positional argument, or -1 with err set. */
int pk_args_parse(int argc, char **argv, const pk_opt_t *opts, int n_opts, pk_opt_cb cb, void *ctx,
		  pk_err_t *err);

/* A callback for a verb whose one flag is a boolean: ctx is the bool. */
int pk_args_one_bool(void *ctx, int id, const char *value, pk_err_t *err);

/* Parse a non-negative decimal integer flag value. */
int pk_args_uint(const char *flag, const char *value, unsigned long *out, pk_err_t *err);
