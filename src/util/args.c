#include "util/args.h"
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const pk_opt_t *find_long(const pk_opt_t *opts, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const pk_opt_t *find_short(const pk_opt_t *opts, int n, char c)
{
	for (int i = 0; i < n; i++)
		if (opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

/* --help or -h where the verb has no such flag: its flags, for the front end to print (PK_ARGS_HELP). */
static int help(const pk_opt_t *opts, int n, pk_err_t *err)
{
	size_t used = 0;
	err->errnum = PK_ARGS_HELP;
	err->msg[0] = '\0';
	for (int i = 0; i < n && used < sizeof err->msg; i++) {
		char shrt[8] = "    ";
		if (opts[i].short_name)
			snprintf(shrt, sizeof shrt, "-%c, ", opts[i].short_name);
		int w = snprintf(err->msg + used, sizeof err->msg - used, "%s  %s--%s%s", i ? "\n" : "", shrt,
				 opts[i].name, opts[i].takes_value ? " VALUE" : "");
		used += w > 0 ? (size_t)w : 0;
	}
	return -1;
}

int pk_args_parse(int argc, char **argv, const pk_opt_t *opts, int n_opts, pk_opt_cb cb, void *ctx,
		  pk_err_t *err)
{
	int i = 0;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			break; /* first positional */
		if (!strcmp(a, "--"))
			return i + 1;
		const char *name = a + 1 + (a[1] == '-');
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const pk_opt_t *o = find_long(opts, n_opts, name, len);
		if (!o && len == 1 && a[1] != '-')
			o = find_short(opts, n_opts, name[0]);
		if (!o && ((len == 4 && !strncmp(name, "help", 4)) || (len == 1 && name[0] == 'h')))
			return help(opts, n_opts, err);
		if (!o)
			return pk_fail(err, "flag provided but not defined: %.*s", (int)(len + (size_t)(name - a)), a);
		const char *value;
		if (o->takes_value) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return pk_fail(err, "flag needs an argument: %s", a);
		} else {
			value = eq ? eq + 1 : "true";
			if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "1") && strcmp(value, "0"))
				return pk_fail(err, "%.*s: invalid boolean value \"%s\"", (int)(eq - a), a, value);
			if (!strcmp(value, "1"))
				value = "true";
			else if (!strcmp(value, "0"))
				value = "false";
		}
		if (cb(ctx, o->id, value, err) < 0)
			return -1;
		i++;
	}
	return i;
}

int pk_args_uint(const char *flag, const char *value, unsigned long *out, pk_err_t *err)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-')
		return pk_fail(err, "--%s: expected a non-negative integer, got \"%s\"", flag, value);
	*out = v;
	return 0;
}

int pk_args_one_bool(void *ctx, int id, const char *value, pk_err_t *err)
{
	(void)id;
	(void)err;
	*(bool *)ctx = !strcmp(value, "true");
	return 0;
}
