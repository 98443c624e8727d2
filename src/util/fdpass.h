/* One fd and a short text over a unix socket (SCM_RIGHTS): the console socket, the seccomp listener, the
 * sync socket. */
#pragma once
#include "util/error.h"
#include <stddef.h>

int pk_fd_send(int sock, int fd, const void *data, size_t len, pk_err_t *err);
/* Receives one message; *fd is -1 when it carried none. Returns the data length. */
long pk_fd_recv(int sock, int *fd, void *data, size_t size, pk_err_t *err);
