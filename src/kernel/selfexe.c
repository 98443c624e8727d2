#include "kernel/selfexe.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Set once by main() before any command runs. */
static char **saved_argv;
void pk_selfexe_set_argv(char **argv) { saved_argv = argv; }

bool pk_selfexe_needed(const pk_spec_t *spec, const pk_caps_t *process_caps)
{
	if (spec->ns[PK_NS_USER].present)
		return false;
	if (spec->ns[PK_NS_PID].present && spec->ns[PK_NS_PID].path)
		return true;
	if (!spec->ns[PK_NS_PID].present)
		return true; /* the host's pid namespace: anything may be watching */
	const uint64_t ptrace = 1ULL << 19; /* CAP_SYS_PTRACE */
	bool container_may = !spec->process.caps.present || (spec->process.caps.bounding & ptrace);
	bool process_may = process_caps && (!process_caps->present || (process_caps->bounding & ptrace));
	return container_may || process_may;
}

int pk_selfexe_protect(const pk_spec_t *spec, const pk_caps_t *process_caps, pk_err_t *err)
{
	/* Whatever we clone from here inherits this: non-dumpable from its first instruction. Not so for an
	 * unprivileged runtime: it must still open its child's /proc files to write the user mappings, and
	 * its container always has a user namespace, where nothing holds CAP_SYS_PTRACE over the host; the
	 * child turns non-dumpable itself once the mappings are written. */
	if (geteuid() == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return pk_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
	if (!pk_selfexe_needed(spec, process_caps))
		return 0;
	return pk_selfexe_ensure_sealed(saved_argv, err);
}

/* How much of our own file execve needs: up to the end of the last segment its program headers describe.
 * What follows (section headers, debug information: a third of the file) is left out of the copy. */
static off_t exec_extent(int fd, off_t file_size)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > 64)
		return file_size;
	Elf64_Phdr ph[64];
	size_t len = eh.e_phnum * sizeof ph[0];
	if (pread(fd, ph, len, (off_t)eh.e_phoff) != (ssize_t)len)
		return file_size;
	uint64_t end = eh.e_phoff + len;
	for (size_t i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	return end < (uint64_t)file_size ? (off_t)end : file_size;
}

int pk_selfexe_ensure_sealed(char **argv, pk_err_t *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return pk_fail_errno(err, errno, "open /proc/self/exe");
	int seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return 0;
	struct stat st;
	if (fstat(self, &st) < 0)
		return pk_fail_errno(err, errno, "stat /proc/self/exe");
	/* Kernels with vm.memfd_noexec want MFD_EXEC said out loud; older ones refuse the flag. */
	_cleanup_close_ int mfd = memfd_create("pocket", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)
		mfd = memfd_create("pocket", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return pk_fail_errno(err, errno, "memfd_create for a sealed copy of the runtime");
	off_t off = 0, size = exec_extent(self, st.st_size);
	while (off < size) {
		ssize_t n = sendfile(mfd, self, &off, (size_t)(size - off));
		if (n <= 0)
			return pk_fail_errno(err, n < 0 ? errno : EIO, "copy the runtime into a sealed memfd");
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return pk_fail_errno(err, errno, "seal the runtime's copy");
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	return pk_fail_errno(err, errno, "re-execute from the sealed copy");
}
