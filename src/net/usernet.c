/* Starting and stopping the user-mode network helper of a container (net/usernet.h).
 *
 * The helper gets exactly: /dev/null as stdin, the log file of the state directory as stdout and stderr,
 * the container's network namespace as fd 3, its user namespace as fd 4 (when it has one) and, for
 * slirp4netns, the write end of its ready pipe as fd 5; nothing else of ours. It runs in a session of its
 * own (no terminal signal of the caller's reaches it), with default signal dispositions and mask, in the
 * state directory (its pid file and API socket have short relative paths, whatever --root is). It is
 * born in the cgroup of the runtime's caller, never in the container's: the runtime does not enter that
 * cgroup, so the helper's memory and pids are not charged to the container's limits, and the container's
 * cgroup can be removed while the helper still runs. */
#include "net/usernet.h"
#include "container/state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LOG_FILE "usernet.log"
#define PASTA_PID_FILE "pasta.pid"
#define SLIRP_API_SOCKET "slirp4netns.sock"
#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 3000

enum { FD_NETNS = 3, FD_USERNS = 4, FD_READY = 5, FD_FIRST_FREE = 6 };

static const char *helper_name(pk_usernet_mode_t mode)
{
	return mode == PK_USERNET_PASTA ? "pasta" : "slirp4netns";
}

/* The runtime may have joined the container's pid namespace for the init it spawned (a config that names
 * one by path): the helper must be in ours, where the pid we record means the same process. */
static int own_pid_namespace_for_children(pk_err_t *err)
{
	struct stat active, children;
	if (stat("/proc/self/ns/pid", &active) < 0 || stat("/proc/self/ns/pid_for_children", &children) < 0)
		return pk_fail_errno(err, errno, "%s: /proc/self/ns", PK_USERNET_ANNOTATION);
	if (active.st_ino == children.st_ino && active.st_dev == children.st_dev)
		return 0;
	_cleanup_close_ int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
		return pk_fail_errno(err, errno, "%s: back to the runtime's pid namespace", PK_USERNET_ANNOTATION);
	return 0;
}

/* An fd of ours, copied above the numbers the helper's fds take, so no dup2 overwrites another source. */
static int lift_fd(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, FD_FIRST_FREE + 4);
}

static int spawn_helper(pk_usernet_mode_t mode, char *const argv[], int statedir_fd, int netns_fd,
			int userns_fd, int ready_fd, pid_t *pid, pk_err_t *err)
{
	if (own_pid_namespace_for_children(err) < 0)
		return -1;
	_cleanup_close_ int log = openat(statedir_fd, LOG_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
					 O_NOFOLLOW | O_CLOEXEC, 0600);
	_cleanup_close_ int log_hi = lift_fd(log), net_hi = lift_fd(netns_fd), user_hi = lift_fd(userns_fd),
			    ready_hi = lift_fd(ready_fd), dir_hi = lift_fd(statedir_fd);
	if (log < 0 || log_hi < 0 || net_hi < 0 || dir_hi < 0 || (userns_fd >= 0 && user_hi < 0) ||
	    (ready_fd >= 0 && ready_hi < 0))
		return pk_fail_errno(err, errno, "%s: prepare the fds of %s", PK_USERNET_ANNOTATION, helper_name(mode));

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, log_hi, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, log_hi, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, net_hi, FD_NETNS);
	if (user_hi >= 0)
		posix_spawn_file_actions_adddup2(&fa, user_hi, FD_USERNS);
	if (ready_hi >= 0)
		posix_spawn_file_actions_adddup2(&fa, ready_hi, FD_READY);
	posix_spawn_file_actions_addfchdir_np(&fa, dir_hi);
	posix_spawn_file_actions_addclosefrom_np(&fa, FD_FIRST_FREE);
	int r = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r == ENOENT)
		return pk_fail(err, "%s: %s not found in PATH (Debian package %s)", PK_USERNET_ANNOTATION, argv[0],
			       mode == PK_USERNET_PASTA ? "passt" : "slirp4netns");
	if (r)
		return pk_fail_errno(err, r, "%s: start %s", PK_USERNET_ANNOTATION, argv[0]);
	return 0;
}

/* The helper's last word from its log (its error, when it failed), skipping the noise of a host without
 * a syslog socket. */
static void last_log_line(int statedir_fd, char *out, size_t size)
{
	_cleanup_free_ char *text = NULL;
	pk_err_t ignored;
	snprintf(out, size, "no message");
	if (pk_read_file_at(statedir_fd, LOG_FILE, &text, NULL, &ignored) < 0)
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!*line || strstr(line, "to syslog") || strstr(line, "Don't run as root"))
			continue;
		snprintf(out, size, "%s", line);
	}
}

static int helper_failed(pk_usernet_mode_t mode, int statedir_fd, const char *what, pk_err_t *err)
{
	char line[512];
	last_log_line(statedir_fd, line, sizeof line);
	pk_fail(err, "%s: %s %s: %s", PK_USERNET_ANNOTATION, helper_name(mode), what, line);
	return pk_err_one_line(err);
}

static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* Wait until pidfd's process has exited, up to ms; true when it has. */
static bool wait_exit(int pidfd, int ms)
{
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (ms % 1000) * 1000000L;
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int r;
	while ((r = poll(&p, 1, ms_left(&deadline))) < 0 && errno == EINTR)
		;
	return r > 0;
}

static void kill_child(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* pasta forks into the background once its interface is configured and its ports are bound, and the
 * first process exits 0 after writing the pid file: that exit is the ready signal. */
static int start_pasta(const pk_usernet_cfg_t *cfg, int netns_fd, int userns_fd, int statedir_fd, pk_usernet_t *net,
		       pk_err_t *err)
{
	static char userns_arg[] = "/proc/self/fd/4", netns_arg[] = "/proc/self/fd/3";
	char specs[PK_USERNET_MAX_PORTS][48];
	char *argv[32 + 2 * PK_USERNET_MAX_PORTS];
	size_t n = 0;
	bool tcp = false, udp = false;
	argv[n++] = "pasta";
	argv[n++] = "--quiet";
	argv[n++] = "--config-net";
	/* The container reaches the outside, not the services on the host's loopback. */
	argv[n++] = "--no-map-gw";
	/* The namespace is named by fd: nothing on a filesystem to watch for its removal. */
	argv[n++] = "--no-netns-quit";
	/* Nothing forwarded from the container to the host's ports. */
	argv[n++] = "-T";
	argv[n++] = "none";
	argv[n++] = "-U";
	argv[n++] = "none";
	for (size_t i = 0; i < cfg->n_ports; i++) {
		const pk_port_forward_t *f = &cfg->ports[i];
		char addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &f->host_addr, addr, sizeof addr);
		snprintf(specs[i], sizeof specs[i], "%s/%u:%u", addr, (unsigned)f->host_port,
			 (unsigned)f->container_port);
		argv[n++] = f->udp ? "-u" : "-t";
		argv[n++] = specs[i];
		*(f->udp ? &udp : &tcp) = true;
	}
	if (!tcp) {
		argv[n++] = "-t";
		argv[n++] = "none";
	}
	if (!udp) {
		argv[n++] = "-u";
		argv[n++] = "none";
	}
	/* As root, pasta would turn into nobody before it joins the namespaces, which nobody may not. */
	if (geteuid() == 0) {
		argv[n++] = "--runas";
		argv[n++] = "0";
	}
	if (userns_fd >= 0) {
		argv[n++] = "--userns";
		argv[n++] = userns_arg;
	}
	argv[n++] = "--netns";
	argv[n++] = netns_arg;
	argv[n++] = "--pid";
	argv[n++] = PASTA_PID_FILE;
	argv[n] = NULL;

	pid_t launcher;
	if (spawn_helper(PK_USERNET_PASTA, argv, statedir_fd, netns_fd, userns_fd, -1, &launcher, err) < 0)
		return -1;
	_cleanup_close_ int launcher_fd = (int)syscall(SYS_pidfd_open, launcher, 0);
	if (launcher_fd < 0 || !wait_exit(launcher_fd, READY_TIMEOUT_MS)) {
		kill_child(launcher);
		return pk_fail(err, "%s: pasta not ready after %d s", PK_USERNET_ANNOTATION, READY_TIMEOUT_MS / 1000);
	}
	int status;
	while (waitpid(launcher, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return helper_failed(PK_USERNET_PASTA, statedir_fd, "failed", err);
	_cleanup_free_ char *text = NULL;
	if (pk_read_file_at(statedir_fd, PASTA_PID_FILE, &text, NULL, err) < 0)
		return pk_err_wrap(err, "%s: pasta's pid file", PK_USERNET_ANNOTATION);
	unlinkat(statedir_fd, PASTA_PID_FILE, 0);
	char *end;
	long pid = strtol(text, &end, 10);
	if (pid <= 0 || (*end && *end != '\n'))
		return pk_fail(err, "%s: pasta's pid file holds no pid", PK_USERNET_ANNOTATION);
	net->pid = (pid_t)pid;
	net->start = pk_proc_start_time(net->pid);
	net->our_child = false;
	if (!net->start)
		return helper_failed(PK_USERNET_PASTA, statedir_fd, "exited", err);
	return 0;
}

/* One request on slirp4netns's API socket (a connection per request); its refusal as our error. */
static int slirp_api(int statedir_fd, json_t *req, pk_err_t *err)
{
	_cleanup_free_ char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return pk_fail(err, "encode a slirp4netns request");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", statedir_fd, SLIRP_API_SOCKET);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 5};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return pk_fail_errno(err, errno, "slirp4netns API socket");
	shutdown(fd, SHUT_WR);
	char reply[4096];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof reply - 1 && (r = read(fd, reply + got, sizeof reply - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return pk_fail_errno(err, errno, "slirp4netns API reply");
		got += (size_t)r;
	}
	reply[got] = '\0';
	json_t *o = json_loads(reply, 0, NULL);
	const char *desc = json_string_value(json_object_get(json_object_get(o, "error"), "desc"));
	int ret = 0;
	if (!o || !json_object_get(o, "return"))
		ret = pk_fail(err, "slirp4netns: %s", desc ? desc : reply);
	json_decref(o);
	return ret;
}

static int slirp_forward(int statedir_fd, const pk_port_forward_t *f, pk_err_t *err)
{
	char addr[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &f->host_addr, addr, sizeof addr);
	json_t *req = json_pack("{s:s,s:{s:s,s:s,s:i,s:i}}", "execute", "add_hostfwd", "arguments", "proto",
				f->udp ? "udp" : "tcp", "host_addr", addr, "host_port", (int)f->host_port,
				"guest_port", (int)f->container_port);
	if (!req || slirp_api(statedir_fd, req, err) < 0) {
		if (!req)
			pk_fail(err, "encode a slirp4netns request");
		pk_err_wrap(err, "%s: %s:%u:%u/%s", PK_USERNET_PORTS_ANNOTATION, addr, (unsigned)f->host_port,
			    (unsigned)f->container_port, f->udp ? "udp" : "tcp");
		return pk_err_one_line(err);
	}
	return 0;
}

/* slirp4netns stays in the foreground (our child while create runs) and writes "1" on its ready fd once
 * the interface is configured and its API socket listens; ports are then added through that socket. */
static int start_slirp4netns(const pk_usernet_cfg_t *cfg, int netns_fd, int userns_fd, int statedir_fd,
			     pk_usernet_t *net, pk_err_t *err)
{
	char *argv[] = {"slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback", "--ready-fd=5",
			"--api-socket", SLIRP_API_SOCKET, "--netns-type=path", "/proc/self/fd/3", "tap0", NULL, NULL};
	static char userns_arg[] = "--userns-path=/proc/self/fd/4";
	if (userns_fd >= 0) {
		/* Options before the positional arguments. */
		memmove(&argv[8], &argv[7], 3 * sizeof *argv);
		argv[7] = userns_arg;
	}
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return pk_fail_errno(err, errno, "%s: ready pipe", PK_USERNET_ANNOTATION);
	_cleanup_close_ int ready_r = ready[0];
	pid_t pid;
	int r = spawn_helper(PK_USERNET_SLIRP4NETNS, argv, statedir_fd, netns_fd, userns_fd, ready[1], &pid, err);
	close(ready[1]);
	if (r < 0)
		return -1;
	net->pid = pid;
	net->start = pk_proc_start_time(pid);
	net->our_child = true;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += READY_TIMEOUT_MS / 1000;
	char c = 0;
	for (;;) {
		struct pollfd p = {.fd = ready_r, .events = POLLIN};
		int n = poll(&p, 1, ms_left(&deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pk_usernet_stop(net);
			net->pid = 0;
			return pk_fail(err, "%s: slirp4netns not ready after %d s", PK_USERNET_ANNOTATION,
				       READY_TIMEOUT_MS / 1000);
		}
		ssize_t got = read(ready_r, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		break; /* "1", or end of file: it exited before it was ready */
	}
	if (c != '1') {
		pk_usernet_stop(net);
		net->pid = 0;
		return helper_failed(PK_USERNET_SLIRP4NETNS, statedir_fd, "failed", err);
	}
	for (size_t i = 0; i < cfg->n_ports; i++) {
		if (slirp_forward(statedir_fd, &cfg->ports[i], err) < 0) {
			pk_usernet_stop(net);
			net->pid = 0;
			return -1;
		}
	}
	return 0;
}

int pk_usernet_start(const pk_usernet_cfg_t *cfg, int netns_fd, int userns_fd, int statedir_fd, pk_usernet_t *net,
		     pk_err_t *err)
{
	memset(net, 0, sizeof *net);
	if (cfg->mode == PK_USERNET_PASTA)
		return start_pasta(cfg, netns_fd, userns_fd, statedir_fd, net, err);
	if (cfg->mode == PK_USERNET_SLIRP4NETNS)
		return start_slirp4netns(cfg, netns_fd, userns_fd, statedir_fd, net, err);
	return 0;
}

void pk_usernet_stop(const pk_usernet_t *net)
{
	if (net->pid <= 0)
		return;
	if (net->our_child) {
		/* Unreaped, its pid cannot have been reused. */
		kill_child(net->pid);
		return;
	}
	_cleanup_close_ int pidfd = pk_proc_pidfd(net->pid, net->start);
	if (pidfd < 0)
		return; /* gone already */
	syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	if (wait_exit(pidfd, STOP_TIMEOUT_MS))
		return;
	pk_warn("%s: helper %d did not stop on SIGTERM: killing it", PK_USERNET_ANNOTATION, (int)net->pid);
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	wait_exit(pidfd, STOP_TIMEOUT_MS);
}
