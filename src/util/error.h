/* The one error contract of pocket.
 *
 * A fallible function returns a negative value (or NULL) and fills the caller's pk_err_t with an errno and
 * a one-line message. Callers that add meaning on the way up prepend context with pk_err_wrap(); the front
 * end prints the final line once. Library code never exits; only the container child, past its point of no
 * return, fails closed by reporting the error over the sync socket and exiting. */
#pragma once
#include <stdarg.h>

typedef struct pk_err {
	int errnum;     /* errno of the root cause, 0 when the failure is not a syscall's */
	char msg[1024]; /* one line, no trailing newline */
} pk_err_t;

/* Fill err with a formatted message; returns -1 so callers can `return pk_fail(...)`. */
int pk_fail(pk_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, with errno appended as ": strerror(errnum)". */
int pk_fail_errno(pk_err_t *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Escape control characters in the message (a config's strings may hold any), so it stays one line and
 * cannot drive a terminal; returns -1. */
int pk_err_one_line(pk_err_t *err);
/* Prepend "context: " to the message already in err; returns -1. */
int pk_err_wrap(pk_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
