#define _GNU_SOURCE
/* probe: a static helper copied into test rootfs, for what busybox cannot show.
 *   probe clock monotonic|boottime|realtime   seconds of that clock
 *   probe fds                                 every open fd and what it points to, one per line
 *   probe cwd                                 getcwd(), or the error
 *   probe open-write PATH                     "ok" if PATH opens for writing, else the errno name
 *   probe ids                                 real and effective uid/gid (as a setuid binary, what it gained)
 *   probe hugepages N KB                      "ok" if N huge pages of KB kB map and fault in, else the errno name */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "clock")) {
		clockid_t id = !strcmp(argv[2], "monotonic") ? CLOCK_MONOTONIC
			       : !strcmp(argv[2], "boottime") ? CLOCK_BOOTTIME
							      : CLOCK_REALTIME;
		struct timespec ts;
		clock_gettime(id, &ts);
		printf("%lld\n", (long long)ts.tv_sec);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "fds")) {
		DIR *d = opendir("/proc/self/fd");
		if (!d)
			return perror("/proc/self/fd"), 1;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
				continue;
			char path[64], target[4096];
			snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
			ssize_t n = readlink(path, target, sizeof target - 1);
			target[n < 0 ? 0 : n] = '\0';
			printf("%s %s\n", de->d_name, target);
		}
		closedir(d);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "cwd")) {
		char buf[4096];
		if (!getcwd(buf, sizeof buf))
			return printf("error %s\n", strerror(errno)), 1;
		puts(buf);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "open-write")) {
		int fd = open(argv[2], O_WRONLY);
		if (fd < 0)
			return printf("%s\n", strerrorname_np(errno)), 1;
		puts("ok");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "ids")) {
		printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "hugepages")) {
		size_t page = strtoull(argv[3], NULL, 10) * 1024, len = strtoull(argv[2], NULL, 10) * page;
		int shift = __builtin_ctzll(page);
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (shift << MAP_HUGE_SHIFT), -1, 0);
		if (p == MAP_FAILED)
			return printf("%s\n", strerrorname_np(errno)), 1;
		for (size_t off = 0; off < len; off += page)
			p[off] = 1;
		puts("ok");
		return 0;
	}
	fprintf(stderr, "usage: probe clock NAME | fds | cwd | open-write PATH | ids | hugepages N KB\n");
	return 2;
}
