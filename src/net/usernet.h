/* User-mode networking: a container's new network namespace gets an interface and outbound connectivity
 * from a helper that runs outside it, pasta (Debian's passt) or slirp4netns, with ports of the host
 * forwarded into it. Chosen per container by annotations in config.json (README "Networking"):
 *
 *   run.pocket.network        "pasta" | "slirp4netns" | "none" (default: loopback only)
 *   run.pocket.network.ports  "[IPV4:]HOSTPORT:CONTAINERPORT[/tcp|/udp],..." (host address default 127.0.0.1)
 *
 * The helper is started by `create` once the namespaces exist, lives as long as the container, and is
 * stopped by `delete`; the state records it as pid and start time, so a recycled pid is never signalled. */
#pragma once
#include "spec/spec.h"
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PK_USERNET_ANNOTATION "run.pocket.network"
#define PK_USERNET_PORTS_ANNOTATION "run.pocket.network.ports"
#define PK_USERNET_MAX_PORTS 64

typedef enum pk_usernet_mode { PK_USERNET_NONE, PK_USERNET_PASTA, PK_USERNET_SLIRP4NETNS } pk_usernet_mode_t;

typedef struct pk_port_forward {
	struct in_addr host_addr;
	uint16_t host_port, container_port;
	bool udp;
} pk_port_forward_t;

typedef struct pk_usernet_cfg {
	pk_usernet_mode_t mode;
	pk_port_forward_t ports[PK_USERNET_MAX_PORTS];
	size_t n_ports;
} pk_usernet_cfg_t;

/* The helper of a running container. */
typedef struct pk_usernet {
	pid_t pid;                /* 0: none */
	unsigned long long start; /* its start time (pk_proc_start_time) */
	bool our_child;           /* slirp4netns is ours to reap while create runs; pasta daemonizes */
} pk_usernet_t;

/* Read the annotations of spec into cfg, strictly: a bad value is a one-line error naming the annotation.
 * A helper needs a new network namespace (not the host's, not one joined by path). */
int pk_usernet_config(const pk_spec_t *spec, pk_usernet_cfg_t *cfg, pk_err_t *err);
/* Start the helper for the namespaces given by fd and wait until it is ready (ports bound, interface up).
 * statedir_fd is the container's state directory: the helper's log, pid file and API socket live there.
 * On failure nothing is left running and the error carries the helper's own last message. */
int pk_usernet_start(const pk_usernet_cfg_t *cfg, int netns_fd, int userns_fd, int statedir_fd, pk_usernet_t *net,
		     pk_err_t *err);
/* Stop the helper (TERM, then KILL when it lingers) if it is still the process recorded; no-op for pid 0. */
void pk_usernet_stop(const pk_usernet_t *net);
