#include "util/error.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

int pk_fail(pk_err_t *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->errnum = 0;
	return -1;
}

int pk_fail_errno(pk_err_t *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof err->msg)
		snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(errnum));
	err->errnum = errnum;
	return -1;
}

int pk_err_wrap(pk_err_t *err, const char *fmt, ...)
{
	char ctx[512], old[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof ctx, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Context first; the old message is cut when the two do not fit. */
	int n = snprintf(err->msg, sizeof err->msg, "%s: ", ctx);
	if (n >= 0 && (size_t)n < sizeof err->msg)
		memcpy(err->msg + n, old, sizeof err->msg - (size_t)n - 1);
	err->msg[sizeof err->msg - 1] = '\0';
	return -1;
}

int pk_err_one_line(pk_err_t *err)
{
	char in[sizeof err->msg];
	size_t o = 0;
	memcpy(in, err->msg, sizeof in);
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 5 < sizeof err->msg; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(err->msg + o, sizeof err->msg - o, "\\x%02x", *p);
		else
			err->msg[o++] = (char)*p;
	}
	err->msg[o] = '\0';
	return -1;
}
