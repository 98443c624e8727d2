/* fds and a short text over a unix socket (SCM_RIGHTS): the console socket, the seccomp listener, the
 * sync socket. */
#pragma once
#include "util/error.h"
#include <stddef.h>

#define PK_FDPASS_MAX 16 /* the most fds one message carries */

int pk_fd_send(int sock, int fd, const void *data, size_t len, pk_err_t *err);
/* Receives one message; *fd is -1 when it carried none. Returns the data length. */
long pk_fd_recv(int sock, int *fd, void *data, size_t size, pk_err_t *err);
/* n (0 to PK_FDPASS_MAX) fds in one message. */
int pk_fds_send(int sock, const int *fds, size_t n, const void *data, size_t len, pk_err_t *err);
/* Receives one message and the fds it carried (*n of them, at most max; any beyond max are closed). */
long pk_fds_recv(int sock, int *fds, size_t max, size_t *n, void *data, size_t size, pk_err_t *err);
