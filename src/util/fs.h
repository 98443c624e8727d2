/* Small file helpers used by the runtime (never on paths inside a container's rootfs: those go through
 * linux/inroot.h). */
#pragma once
#include "util/error.h"
#include <stddef.h>
#include <sys/types.h>

/* Read a whole file into a NUL-terminated heap buffer. */
int pk_read_file(const char *path, char **out, size_t *len, pk_err_t *err);
int pk_read_file_at(int dirfd, const char *name, char **out, size_t *len, pk_err_t *err);
/* The rest of an open fd (e.g. stdin); `name` is for the error. */
int pk_read_fd(int fd, const char *name, char **out, size_t *len, pk_err_t *err);
/* Write data to dirfd/name atomically: a temp file in the same directory, fsync-free rename. */
int pk_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, pk_err_t *err);
int pk_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, pk_err_t *err);
/* Write data to an existing file (e.g. /proc files), in one write(2). */
int pk_write_file(const char *path, const char *data, pk_err_t *err);
/* mkdir -p */
int pk_mkdir_p(const char *path, mode_t mode, pk_err_t *err);
/* rm -rf of a directory's content and the directory itself, without following symlinks. */
int pk_rm_rf_at(int dirfd, const char *name, pk_err_t *err);
