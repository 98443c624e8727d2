/* bench/floor.c: the physical floor for the benchmark figures. It does only what the kernel
 * requires to run /bin/true in a container, so that a runtime's time reads as a multiple of it.
 *
 *   floor ROOTFS        clone with the default spec's namespaces (pid, net, ipc, uts, mount, cgroup),
 *                       make mounts private, bind ROOTFS, mount its /proc, pivot_root, exec /bin/true, wait
 *   floor -n ROOTFS     the same without a network namespace (one of the dearest steps)
 *   floor -u ROOTFS     rootless: the same in a new user namespace that maps the caller's uid and gid
 *                       to 0 (run it as an unprivileged user)
 *   floor -e PID        the floor of `exec`: join PID's namespaces, fork, exec /bin/true, wait
 *   floor --version     the floor of a bare invocation: exec a tiny static binary that exits
 *
 * No config parsing, no state, no cgroups, no security setup: none of that is the kernel's requirement. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const true_argv[] = {"/bin/true", NULL};

static void die(const char *what)
{
	perror(what);
	_exit(127);
}

static int wait_for(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct container {
	const char *rootfs;
	int userns;       /* map uid/gid to 0 in the new user namespace before anything else */
	uid_t uid;        /* the caller's ids, as they were before clone */
	gid_t gid;
};

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0)
		die(path);
}

/* The kernel lets an unprivileged process map only its own ids, and its gid only once setgroups is
 * denied. The new process writes its own maps: it holds every capability in its new user namespace. */
static void map_ids(uid_t uid, gid_t gid)
{
	char map[64];
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
}

static int container_init(void *arg)
{
	const struct container *c = arg;
	const char *rootfs = c->rootfs;
	if (c->userns)
		map_ids(c->uid, c->gid);
	/* Without this, pivot_root refuses (a shared "/") and our mounts would leak to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind rootfs");
	if (chdir(rootfs) < 0)
		die("chdir rootfs");
	/* Before pivot_root: in a user namespace the kernel mounts a new proc only while the mount
	 * namespace still shows a full proc (the host's), as runtimes do too. */
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	/* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only the rootfs. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach old root");
	if (chdir("/") < 0)
		die("chdir /");
	execv(true_argv[0], true_argv);
	die("exec /bin/true");
	return 127;
}

static int run_container(const char *rootfs, int netns, int userns)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct container c = {.rootfs = rootfs, .userns = userns, .uid = getuid(), .gid = getgid()};
	int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP | SIGCHLD;
	if (netns)
		flags |= CLONE_NEWNET;
	/* The kernel creates the user namespace first and makes it the owner of the others. */
	if (userns)
		flags |= CLONE_NEWUSER;
	pid_t pid = clone(container_init, stack + sizeof stack, flags, &c);
	if (pid < 0)
		die("clone");
	return wait_for(pid);
}

static int exec_into(const char *target)
{
	/* Mount last: after it, /proc/TARGET/ns is no longer the host's view. Joining the mount
	 * namespace also moves our root to the container's (pivoted) root. */
	static const char *const ns[] = {"ipc", "uts", "net", "pid", "cgroup", "mnt"};
	int fds[sizeof ns / sizeof ns[0]];
	char path[64];
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		snprintf(path, sizeof path, "/proc/%s/ns/%s", target, ns[i]);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die(path);
	}
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
		if (setns(fds[i], 0) < 0)
			die(ns[i]);
	/* Joining a pid namespace only applies to children, hence the fork. */
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execv(true_argv[0], true_argv);
		die("exec /bin/true");
	}
	return wait_for(pid);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return puts("floor (pocket bench)") < 0;
	if (argc == 2)
		return run_container(argv[1], 1, 0);
	if (argc == 3 && strcmp(argv[1], "-n") == 0)
		return run_container(argv[2], 0, 0);
	if (argc == 3 && strcmp(argv[1], "-u") == 0)
		return run_container(argv[2], 1, 1);
	if (argc == 3 && strcmp(argv[1], "-e") == 0)
		return exec_into(argv[2]);
	fprintf(stderr, "usage: floor [-n|-u] ROOTFS | floor -e PID | floor --version\n");
	return 2;
}
