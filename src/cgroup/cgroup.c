#include "cgroup/cgroup.h"
#include "cgroup/host_mounts.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define OWNED_PARENT "/pocket"

/* From a hierarchy's options ("cpu,cpuacct", "name=systemd"), the controllers ("name=systemd" is not one). */
static void controllers_of(const char *super, char *out, size_t size)
{
	out[0] = '\0';
	char buf[1024];
	snprintf(buf, sizeof buf, "%.1000s", super);
	char *save, *tok;
	static const char *const known[] = {"cpu",    "cpuacct", "cpuset",  "memory", "devices",    "freezer",
					    "blkio",  "pids",    "hugetlb", "net_cls", "net_prio",   "perf_event",
					    "rdma",   "misc"};
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < PK_ARRAY_SIZE(known); i++)
			if (!strcmp(tok, known[i])) {
				size_t l = strlen(out);
				snprintf(out + l, size - l, "%s%s", l ? "," : "", tok);
			}
}

static int find_hierarchies(pk_cgroup_t *cg, pk_err_t *err)
{
	struct statfs sf;
	if (statfs(CGROUP_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		cg->unified = true;
		pk_cg_hier_t *h = &cg->hier[cg->n_hier++];
		snprintf(h->mount, sizeof h->mount, CGROUP_ROOT);
		h->v2 = true;
		_cleanup_free_ char *ctl = NULL;
		pk_err_t ignored;
		if (pk_read_file(CGROUP_ROOT "/cgroup.controllers", &ctl, NULL, &ignored) == 0) {
			ctl[strcspn(ctl, "\n")] = '\0';
			for (char *p = ctl; *p; p++)
				if (*p == ' ')
					*p = ',';
			snprintf(h->controllers, sizeof h->controllers, "%s", ctl);
		}
		return 0;
	}
	const pk_cgroup_mount_t *mounts;
	size_t n;
	if (pk_cgroup_host_mounts(&mounts, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && cg->n_hier < PK_CGROUP_MAX_HIER; i++) {
		if (!strcmp(mounts[i].path, CGROUP_ROOT))
			continue; /* cgroup2 at the root, yet not found by statfs: over-mounted; not ours to use */
		pk_cg_hier_t *h = &cg->hier[cg->n_hier++];
		snprintf(h->mount, sizeof h->mount, "%s", mounts[i].path);
		h->v2 = mounts[i].v2;
		if (!h->v2)
			controllers_of(mounts[i].options, h->controllers, sizeof h->controllers);
	}
	if (cg->n_hier == 0)
		return pk_fail(err, "cgroups: no cgroup hierarchy is mounted under " CGROUP_ROOT);
	return 0;
}

void pk_cgroup_default_name(const char *root, const char *id, char *out, size_t size)
{
	struct stat st;
	if (!strcmp(root, "/run/pocket") || stat(root, &st) < 0)
		snprintf(out, size, "%s", id);
	else
		snprintf(out, size, "%s-%llu", id, (unsigned long long)st.st_ino);
}

int pk_cgroup_init(pk_cgroup_t *cg, const char *cgroups_path, const char *id, bool systemd, pk_err_t *err)
{
	memset(cg, 0, sizeof *cg);
	if (systemd) {
		if (pk_cgroup_systemd_init(cg, cgroups_path, id, err) < 0 || find_hierarchies(cg, err) < 0)
			return -1;
		return cg->unified ? 0 : pk_fail(err, "--systemd-cgroup: only on a pure cgroup v2 host");
	}
	if (!cgroups_path || !*cgroups_path) {
		snprintf(cg->path, sizeof cg->path, OWNED_PARENT "/%s", id);
		cg->owned_parent = true;
	} else if (cgroups_path[0] == '/') {
		snprintf(cg->path, sizeof cg->path, "%s", cgroups_path);
		cg->owned_parent = !strncmp(cg->path, OWNED_PARENT "/", sizeof OWNED_PARENT);
	} else {
		snprintf(cg->path, sizeof cg->path, OWNED_PARENT "/%s", cgroups_path);
		cg->owned_parent = true;
	}
	if (strstr(cg->path, "/../") || strstr(cg->path, "/./") || !strcmp(cg->path + strlen(cg->path) - 3, "/.."))
		return pk_fail(err, "linux.cgroupsPath: \"%s\" must not contain . or .. components", cgroups_path);
	if (find_hierarchies(cg, err) < 0)
		return -1;
	if (cg->unified && geteuid() != 0 && (!cgroups_path || cgroups_path[0] != '/'))
		pk_cgroup_delegated_place(cg, cgroups_path && *cgroups_path ? cgroups_path : id);
	return 0;
}

const pk_cg_hier_t *pk_cgroup_find(const pk_cgroup_t *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n_hier; i++) {
		const pk_cg_hier_t *h = &cg->hier[i];
		if (cg->unified)
			return h; /* one hierarchy: the caller checks cgroup.controllers through the files */
		char list[300];
		snprintf(list, sizeof list, ",%s,", h->controllers);
		char want[64];
		snprintf(want, sizeof want, ",%s,", controller);
		if (!h->v2 && strstr(list, want))
			return h;
	}
	return NULL;
}

int pk_cgroup_write(const pk_cg_hier_t *h, const char *path, const char *file, const char *value, pk_err_t *err)
{
	char p[PK_CGROUP_DIR_MAX];
	snprintf(p, sizeof p, "%s%s/%s", h->mount, path, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "cgroup %s", p);
	ssize_t n = write(fd, value, strlen(value));
	if (n != (ssize_t)strlen(value))
		return pk_fail_errno(err, n < 0 ? errno : EIO, "cgroup %s = %s", p, value);
	return 0;
}

/* v1 cpuset: a new cgroup has no cpus or mems, and takes no task until it gets its parent's. */
static void cpuset_inherit(const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < PK_ARRAY_SIZE(files); i++) {
		char mine[PK_CGROUP_FILE_MAX], parent[PK_CGROUP_FILE_MAX];
		snprintf(mine, sizeof mine, "%s/%s", dir, files[i]);
		snprintf(parent, sizeof parent, "%s/../%s", dir, files[i]);
		_cleanup_free_ char *cur = NULL, *up = NULL;
		pk_err_t ignored;
		if (pk_read_file(mine, &cur, NULL, &ignored) < 0 || (cur[0] != '\n' && cur[0]))
			continue;
		if (pk_read_file(parent, &up, NULL, &ignored) == 0)
			pk_write_file(mine, up, &ignored);
	}
}

/* v2: controllers must be enabled in every ancestor's subtree_control to be usable below it. Not in a
 * cgroup that holds processes (the root aside; a rootless caller's own): the kernel refuses it domain
 * controllers, and threaded ones would make it a thread root, under which a plain child takes no process. */
static void v2_enable_controllers(const char *dir)
{
	char ctl_path[PK_CGROUP_FILE_MAX], sub_path[PK_CGROUP_FILE_MAX], procs_path[PK_CGROUP_FILE_MAX];
	snprintf(ctl_path, sizeof ctl_path, "%s/cgroup.controllers", dir);
	snprintf(sub_path, sizeof sub_path, "%s/cgroup.subtree_control", dir);
	snprintf(procs_path, sizeof procs_path, "%s/cgroup.procs", dir);
	_cleanup_free_ char *ctl = NULL, *procs = NULL;
	pk_err_t ignored;
	if (strcmp(dir, CGROUP_ROOT) && pk_read_file(procs_path, &procs, NULL, &ignored) == 0 && procs[0])
		return;
	if (pk_read_file(ctl_path, &ctl, NULL, &ignored) < 0)
		return;
	char *save, *tok;
	for (tok = strtok_r(ctl, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		char plus[64];
		snprintf(plus, sizeof plus, "+%s", tok);
		pk_write_file(sub_path, plus, &ignored); /* a controller busy elsewhere stays off: not fatal */
	}
}

static int mkdir_levels(const pk_cgroup_t *cg, const pk_cg_hier_t *h, pk_err_t *err)
{
	char dir[PK_CGROUP_DIR_MAX];
	size_t base = (size_t)snprintf(dir, sizeof dir, "%s", h->mount);
	snprintf(dir + base, sizeof dir - base, "%s", cg->path);
	/* A v1 hierarchy without cpuset needs nothing of the levels above: the container's own first, and the
	 * walk from the top only when its parent is missing. (v2 and cpuset fix up every level on the way.) */
	if (!h->v2 && !strstr(h->controllers, "cpuset")) {
		if (mkdir(dir, 0755) == 0 || errno == EEXIST)
			return 0;
		if (errno != ENOENT)
			return pk_fail_errno(err, errno, "cgroup %s", dir);
	}
	for (char *p = dir + base + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (h->v2) {
			/* enable in the parent, then create the child */
			char parent[PK_CGROUP_DIR_MAX];
			snprintf(parent, sizeof parent, "%s", dir);
			*strrchr(parent, '/') = '\0';
			v2_enable_controllers(parent);
		}
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return pk_fail_errno(err, errno, "cgroup %s", dir);
		if (strstr(h->controllers, "cpuset"))
			cpuset_inherit(dir);
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

/* Can we make the cgroup in this hierarchy? The deepest level that exists must be writable. */
static int check_writable(const pk_cgroup_t *cg, const pk_cg_hier_t *h, pk_err_t *err)
{
	char dir[PK_CGROUP_DIR_MAX];
	snprintf(dir, sizeof dir, "%s%s", h->mount, cg->path);
	size_t root = strlen(h->mount);
	while (access(dir, W_OK) < 0) {
		if (errno != ENOENT || strlen(dir) <= root)
			return pk_fail_errno(err, errno, "cgroup %s", dir);
		*strrchr(dir, '/') = '\0';
	}
	return 0;
}

int pk_cgroup_create_first(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	/* Unprivileged, a hierarchy we may not write is found before anything is made (the caller may then go
	 * on without a cgroup). Root may write them all: mkdir says so if not (a read-only mount). */
	for (size_t i = 0; i < cg->n_hier && geteuid() != 0; i++)
		if (check_writable(cg, &cg->hier[i], err) < 0)
			return -1;
	/* Another container's cgroup is not ours to share, nor to remove on delete (runc refuses too). */
	pid_t *pids = NULL;
	size_t n = 0;
	pk_err_t ignored;
	if (pk_cgroup_pids(cg, &pids, &n, &ignored) == 0 && n > 0) {
		free(pids);
		return pk_fail(err, "linux.cgroupsPath: cgroup %s is already in use (%zu processes)", cg->path, n);
	}
	free(pids);
	if (cg->systemd) { /* systemd makes the scope around the init (pk_cgroup_enter) */
		cg->systemd_res = r;
		return 0;
	}
	for (size_t i = 0; i < cg->n_hier; i++)
		if (cg->hier[i].v2 && mkdir_levels(cg, &cg->hier[i], err) < 0) {
			pk_cgroup_destroy(cg, &ignored);
			return -1;
		}
	return 0;
}

int pk_cgroup_create_rest(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (cg->systemd)
		return 0;
	for (size_t i = 0; i < cg->n_hier; i++)
		if (!cg->hier[i].v2 && mkdir_levels(cg, &cg->hier[i], err) < 0)
			return -1;
	return pk_cgroup_apply(cg, r, err);
}

int pk_cgroup_create(pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (pk_cgroup_create_first(cg, r, err) < 0)
		return -1;
	if (pk_cgroup_create_rest(cg, r, err) < 0) {
		pk_err_t ignored;
		pk_cgroup_destroy(cg, &ignored);
		return -1;
	}
	return 0;
}

int pk_cgroup_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (!r->present)
		return 0;
	return cg->unified ? pk_cgroup_v2_apply(cg, r, err) : pk_cgroup_v1_apply(cg, r, err);
}

int pk_cgroup_v2_fd(const pk_cgroup_t *cg)
{
	if (cg->systemd)
		return -1;
	for (size_t i = 0; i < cg->n_hier; i++)
		if (cg->hier[i].v2) {
			char p[PK_CGROUP_DIR_MAX];
			pk_cgroup_entry_dir(cg, &cg->hier[i], p, sizeof p);
			return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
	return -1;
}

void pk_cgroup_entry_dir(const pk_cgroup_t *cg, const pk_cg_hier_t *h, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s%s", h->mount, cg->path, h->sub[0] ? "/" : "", h->sub);
}

int pk_cgroup_set_sub(pk_cgroup_t *cg, const char *spec, pk_err_t *err)
{
	const char *colon = strchr(spec, ':');
	const char *sub = colon ? colon + 1 : spec;
	while (*sub == '/')
		sub++;
	if (!*sub || strlen(sub) >= sizeof cg->hier[0].sub || !strcmp(sub, "..") || !strncmp(sub, "../", 3) ||
	    strstr(sub, "/../") || (strlen(sub) >= 3 && !strcmp(sub + strlen(sub) - 3, "/..")))
		return pk_fail(err, "--cgroup %s: expected [CONTROLLER:]PATH, PATH a sub-cgroup of the container's "
			       "(no .. components)", spec);
	char ctl[256] = "";
	if (colon)
		snprintf(ctl, sizeof ctl, "%.*s", (int)(colon - spec), spec);
	if (ctl[0] && cg->unified)
		return pk_fail(err, "--cgroup %s: cgroup v2 takes a path without a controller", spec);
	/* The hierarchies of the controllers named, or every one. */
	bool chosen[PK_CGROUP_MAX_HIER] = {false};
	char buf[256], *save, *tok;
	snprintf(buf, sizeof buf, "%s", ctl);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const pk_cg_hier_t *h = pk_cgroup_find(cg, tok);
		if (!h)
			return pk_fail(err, "--cgroup %s: no cgroup hierarchy here has the controller %s", spec, tok);
		chosen[h - cg->hier] = true;
	}
	for (size_t i = 0; i < cg->n_hier; i++) {
		pk_cg_hier_t *h = &cg->hier[i];
		if (ctl[0] && !chosen[i])
			continue;
		snprintf(h->sub, sizeof h->sub, "%s", sub);
		char dir[PK_CGROUP_DIR_MAX];
		pk_cgroup_entry_dir(cg, h, dir, sizeof dir);
		struct stat st;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return pk_fail(err, "--cgroup %s: no sub-cgroup %s (it must exist)", spec, dir);
	}
	return 0;
}

int pk_cgroup_enter(const pk_cgroup_t *cg, pid_t pid, bool v1, bool v2, pk_err_t *err)
{
	if (cg->systemd_res)
		return pk_cgroup_systemd_start(cg, pid, cg->systemd_res, err);
	char v[32];
	snprintf(v, sizeof v, "%d", (int)pid);
	for (size_t i = 0; i < cg->n_hier; i++) {
		const pk_cg_hier_t *h = &cg->hier[i];
		if (!(h->v2 ? v2 : v1))
			continue;
		char dir[PK_CGROUP_DIR_MAX];
		pk_cgroup_entry_dir(cg, h, dir, sizeof dir);
		char procs[PK_CGROUP_DIR_MAX + 16];
		snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
		if (pk_write_file(procs, v, err) < 0)
			return pk_err_wrap(err, "cgroup");
	}
	return 0;
}

static int read_pids(const char *dir, pid_t **pids, size_t *n, pk_err_t *err)
{
	char p[PK_CGROUP_DIR_MAX];
	snprintf(p, sizeof p, "%s/cgroup.procs", dir);
	_cleanup_free_ char *text = NULL;
	if (pk_read_file(p, &text, NULL, err) < 0)
		return -1;
	size_t cap = 16;
	*n = 0;
	*pids = malloc(cap * sizeof **pids);
	for (char *s = text; *pids && *s;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		if (*n == cap) {
			pid_t *np = realloc(*pids, (cap *= 2) * sizeof *np);
			if (!np)
				break;
			*pids = np;
		}
		(*pids)[(*n)++] = (pid_t)v;
		s = end + (*end == '\n');
	}
	if (!*pids)
		return pk_fail_errno(err, ENOMEM, "cgroup.procs");
	return 0;
}

/* The hierarchy that holds every process of the container: the v2 one where there is one, else pids (or
 * whichever v1 comes first). */
static const pk_cg_hier_t *tracking(const pk_cgroup_t *cg)
{
	for (size_t i = 0; i < cg->n_hier; i++)
		if (cg->hier[i].v2)
			return &cg->hier[i];
	const pk_cg_hier_t *h = pk_cgroup_find(cg, "pids");
	return h ? h : &cg->hier[0];
}

/* The pids of dir and of every cgroup below it, appended to *pids (a sub-cgroup's members are the
 * container's too: exec --cgroup, or a container that manages its own cgroups). */
static int add_pids_below(const char *dir, pid_t **pids, size_t *n, pk_err_t *err)
{
	pid_t *more = NULL;
	size_t n_more = 0;
	if (read_pids(dir, &more, &n_more, err) < 0)
		return -1;
	pid_t *all = n_more ? realloc(*pids, (*n + n_more) * sizeof *all) : *pids;
	if (n_more && !all) {
		free(more);
		return pk_fail_errno(err, ENOMEM, "cgroup.procs");
	}
	if (n_more)
		memcpy(all + *n, more, n_more * sizeof *more);
	*pids = all;
	*n += n_more;
	free(more);
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char sub[PK_CGROUP_DIR_MAX];
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
			continue;
		if (add_pids_below(sub, pids, n, err) < 0)
			return -1;
	}
	return 0;
}

int pk_cgroup_pids(const pk_cgroup_t *cg, pid_t **pids, size_t *n, pk_err_t *err)
{
	const pk_cg_hier_t *h = tracking(cg);
	char dir[PK_CGROUP_DIR_MAX];
	snprintf(dir, sizeof dir, "%s%s", h->mount, cg->path);
	*pids = NULL;
	*n = 0;
	if (add_pids_below(dir, pids, n, err) < 0) {
		free(*pids);
		*pids = NULL;
		return -1;
	}
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void kill_all_in(const char *dir)
{
	char killf[PK_CGROUP_DIR_MAX];
	snprintf(killf, sizeof killf, "%s/cgroup.kill", dir);
	pk_err_t ignored;
	if (access(killf, F_OK) == 0 && pk_write_file(killf, "1", &ignored) == 0)
		return;
	pid_t *pids = NULL;
	size_t n = 0;
	if (read_pids(dir, &pids, &n, &ignored) == 0)
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
	free(pids);
}

/* rmdir, retried while the kernel still counts exiting tasks (EBUSY); cgroups the container made below its
 * own (a systemd inside, say) go first, deepest first. */
static int remove_dir(const char *dir, pk_err_t *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[PK_CGROUP_DIR_MAX];
		if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
			continue;
		kill_all_in(sub);
		if (remove_dir(sub, err) < 0)
			return -1;
	}
	for (long wait = 1;; wait *= 2) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || wait > 512)
			return pk_fail_errno(err, errno, "remove cgroup %s", dir);
		kill_all_in(dir);
		sleep_ms(wait);
	}
}

int pk_cgroup_destroy(const pk_cgroup_t *cg, pk_err_t *err)
{
	int rc = 0;
	bool thawed = false;
	pk_cgroup_systemd_stop(cg); /* a scope of the systemd driver goes through systemd; no-op otherwise */
	for (size_t i = 0; i < cg->n_hier; i++) {
		char dir[PK_CGROUP_DIR_MAX];
		snprintf(dir, sizeof dir, "%s%s", cg->hier[i].mount, cg->path);
		/* Usually empty by now: one rmdir. Otherwise kill what is left, and thaw first, since a frozen
		 * cgroup keeps its killed tasks from exiting. */
		if (rmdir(dir) < 0) {
			if (errno == ENOENT)
				continue;
			if (!thawed) {
				pk_err_t ignored;
				pk_cgroup_freeze(cg, false, &ignored);
				thawed = true;
			}
			kill_all_in(dir);
			if (remove_dir(dir, err) < 0) {
				rc = -1;
				continue;
			}
		}
		if (cg->owned_parent) {
			/* The levels we made under /pocket, and /pocket itself, go when they empty; another
			 * container's keep them (rmdir fails with EBUSY or ENOTEMPTY, and that is fine). */
			char *slash;
			while ((slash = strrchr(dir, '/')) && slash > dir + strlen(cg->hier[i].mount) &&
			       strcmp(slash, "/pocket")) {
				*slash = '\0';
				if (rmdir(dir) < 0)
					break;
			}
		}
	}
	return rc;
}

static const pk_cg_hier_t *freezer(const pk_cgroup_t *cg)
{
	return cg->unified ? &cg->hier[0] : pk_cgroup_find(cg, "freezer");
}

bool pk_cgroup_is_frozen(const pk_cgroup_t *cg)
{
	const pk_cg_hier_t *h = freezer(cg);
	if (!h)
		return false;
	char p[PK_CGROUP_FILE_MAX];
	snprintf(p, sizeof p, "%s%s/%s", h->mount, cg->path, h->v2 ? "cgroup.events" : "freezer.state");
	_cleanup_free_ char *text = NULL;
	pk_err_t ignored;
	if (pk_read_file(p, &text, NULL, &ignored) < 0)
		return false;
	return h->v2 ? strstr(text, "frozen 1") != NULL : !strncmp(text, "FROZEN", 6);
}

int pk_cgroup_freeze(const pk_cgroup_t *cg, bool frozen, pk_err_t *err)
{
	const pk_cg_hier_t *h = freezer(cg);
	if (!h)
		return pk_fail(err, "cgroups: no freezer on this host (neither cgroup v2 nor the v1 freezer hierarchy)");
	char dir[PK_CGROUP_DIR_MAX];
	snprintf(dir, sizeof dir, "%s%s", h->mount, cg->path);
	if (access(dir, F_OK) < 0)
		return pk_fail_errno(err, errno, "cgroup %s", dir);
	if (pk_cgroup_write(h, cg->path, h->v2 ? "cgroup.freeze" : "freezer.state",
			    h->v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED"), err) < 0)
		return -1;
	/* Freezing completes asynchronously: wait until the kernel says it is done. */
	for (long wait = 1; wait <= 1024; wait *= 2) {
		if (pk_cgroup_is_frozen(cg) == frozen)
			return 0;
		sleep_ms(wait);
	}
	return pk_fail(err, "cgroup %s: the freezer did not settle", dir);
}
