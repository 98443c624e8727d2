/* A container's state directory under the runtime root: <root>/<id>/ holds state.json (written
 * atomically), exec.fifo (present while the container is created but not started) and is flock()ed by
 * commands that change it. The status is never stored: it is derived from the init process (checked by
 * pidfd and its start time, so a recycled pid is not mistaken for it) and the fifo. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <sys/types.h>

typedef struct json_t json_t;

typedef enum pk_status {
	PK_STATUS_CREATING,
	PK_STATUS_CREATED,
	PK_STATUS_RUNNING,
	PK_STATUS_PAUSED,
	PK_STATUS_STOPPED,
} pk_status_t;

typedef struct pk_state {
	char *id, *bundle, *rootfs, *created, *owner;
	bool creating;               /* create has not finished */
	pid_t pid;                   /* init, as the runtime's pid namespace sees it; 0 before it exists */
	unsigned long long pid_start; /* its start time (field 22 of /proc/<pid>/stat) */
	json_t *annotations;         /* may be NULL */
	char *cgroup_path;           /* the container's cgroup, from each hierarchy's root */
	pid_t usernet_pid;           /* its user-mode network helper (net/usernet.h), 0 when none */
	unsigned long long usernet_start;
} pk_state_t;

#define PK_STATE_FIFO "exec.fifo"

int pk_id_validate(const char *id, pk_err_t *err);
/* Open <root>/<id> (O_DIRECTORY) and take its lock (exclusive or shared). Unknown id: an error that says
 * so, with errnum ENOENT. */
int pk_state_open(const char *root, const char *id, bool exclusive, pk_err_t *err);
int pk_state_load(int dirfd, pk_state_t *st, pk_err_t *err);
int pk_state_save(int dirfd, const pk_state_t *st, pk_err_t *err);
void pk_state_free(pk_state_t *st);
pk_status_t pk_state_status(int dirfd, const pk_state_t *st);
const char *pk_status_name(pk_status_t s);
/* The OCI state document (runtime.md "State") plus runc's rootfs/created/owner. */
json_t *pk_state_json(const pk_state_t *st, pk_status_t status);
char *pk_state_json_text(const pk_state_t *st, pk_status_t status);
/* A pidfd for the init that is verified to still be the same process, or -1 (errno set). */
int pk_state_pidfd(const pk_state_t *st);
/* The same for any process recorded by pid and start time. */
int pk_proc_pidfd(pid_t pid, unsigned long long start);
unsigned long long pk_proc_start_time(pid_t pid);
/* Remove the state directory of id. */
int pk_state_remove(const char *root, const char *id, pk_err_t *err);
