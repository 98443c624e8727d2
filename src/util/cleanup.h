/* The one cleanup idiom: variables that own a resource carry a cleanup attribute; handing the resource on is
 * explicit through pk_steal_fd()/pk_steal_ptr(). */
#pragma once
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void pk_freep(void *p) { free(*(void **)p); }
static inline void pk_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void pk_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void pk_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
static inline void pk_strvfreep(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}

#define _cleanup_free_ __attribute__((cleanup(pk_freep)))
#define _cleanup_close_ __attribute__((cleanup(pk_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(pk_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(pk_closedirp)))
#define _cleanup_strv_ __attribute__((cleanup(pk_strvfreep)))

static inline int pk_steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define pk_steal_ptr(pp)                                                                                       \
	({                                                                                                     \
		__typeof__(*(pp)) _p = *(pp);                                                                  \
		*(pp) = NULL;                                                                                  \
		_p;                                                                                            \
	})

#define PK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
