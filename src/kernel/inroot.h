/* Paths inside a container's rootfs are attacker-controlled: every lookup the runtime does there is resolved
 * as if rootfd were "/", so neither a symlink nor ".." can lead outside it. openat2(RESOLVE_IN_ROOT) is the
 * fast path; a component-by-component walk with O_NOFOLLOW is the fallback for kernels without it. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <sys/types.h>

/* Open `path` (absolute or relative, always taken inside rootfd) with `flags` (O_CLOEXEC is added). The
 * final component's symlink is followed inside the root unless flags has O_NOFOLLOW. */
int pk_inroot_open(int rootfd, const char *path, int flags, pk_err_t *err);
/* mkdir -p inside the root; returns an O_PATH fd of the directory. */
int pk_inroot_mkdir_p(int rootfd, const char *path, mode_t mode, pk_err_t *err);
/* Make sure a mount target exists (a directory, or a regular file when `file`), creating parents; returns an
 * O_PATH fd of it. */
int pk_inroot_mktarget(int rootfd, const char *path, bool file, pk_err_t *err);
/* Split "a/b/c" into its parent fd (inside root, created when `create`) and last component. */
int pk_inroot_parent(int rootfd, const char *path, bool create, char *name, size_t name_size, pk_err_t *err);

/* Many files made in few directories (the devices and links of /dev): each directory is resolved (and made)
 * once. The fd pk_inroot_parent_cached returns is the cache's: not to be closed. */
typedef struct pk_inroot_dircache {
	char dir[4096];
	int fd;
} pk_inroot_dircache_t;
#define PK_INROOT_DIRCACHE_INIT ((pk_inroot_dircache_t){.fd = -1})
int pk_inroot_parent_cached(pk_inroot_dircache_t *c, int rootfd, const char *path, char *name, size_t name_size,
			    pk_err_t *err);
void pk_inroot_dircache_release(pk_inroot_dircache_t *c);
