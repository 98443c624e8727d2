/* The cgroup v2 device program. The kernel runs it on every open and mknod of a device node with
 * struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; } in r1 and
 * allows the access when it returns 1.
 *
 * Registers: r2 = type (BPF_DEVCG_DEV_BLOCK/CHAR), r3 = the access bits still undecided, r4 = major,
 * r5 = minor. The rules are tried from the last to the first, so the first one met that names an undecided
 * bit is the last in OCI order: a deny naming one denies; an allow clears its bits, and allows once none is
 * left. Per-bit decisions keep a later partial rule ("deny w") from being skipped by a request for more
 * bits ("rw"), which a whole-mask match would do. */
#include "cgroup/device_filter.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { R_RET = 0, R_CTX = 1, R_TYPE = 2, R_ACCESS = 3, R_MAJOR = 4, R_MINOR = 5 };

typedef struct {
	struct bpf_insn *v;
	size_t n;
} prog_t;

static void emit(prog_t *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	p->v[p->n++] = (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static uint32_t access_bits(const char *access)
{
	uint32_t bits = 0;
	for (const char *c = access; *c; c++)
		bits |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return bits;
}

static bool is_deny_all(const pk_device_rule_t *r)
{
	return !r->allow && r->type == 'a' && r->major < 0 && r->minor < 0 && access_bits(r->access) == 07;
}

/* One rule: compare what it names (jumps to its end when the device differs), then decide. */
static void emit_rule(prog_t *p, const pk_device_rule_t *r)
{
	size_t jumps[4], n_jumps = 0;
	int32_t bits = (int32_t)access_bits(r->access);
	if (r->type != 'a') {
		jumps[n_jumps++] = p->n;
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R_TYPE, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if (r->major >= 0) {
		jumps[n_jumps++] = p->n;
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R_MAJOR, 0, 0, (int32_t)(uint32_t)r->major);
	}
	if (r->minor >= 0) {
		jumps[n_jumps++] = p->n;
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R_MINOR, 0, 0, (int32_t)(uint32_t)r->minor);
	}
	if (r->allow) {
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, R_ACCESS, 0, 0, ~bits & 07);
		jumps[n_jumps++] = p->n;
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R_ACCESS, 0, 0, 0);
		emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R_RET, 0, 0, 1);
	} else {
		emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R_RET, R_ACCESS, 0, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, R_RET, 0, 0, bits);
		jumps[n_jumps++] = p->n;
		emit(p, BPF_JMP32 | BPF_JEQ | BPF_K, R_RET, 0, 0, 0);
		emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R_RET, 0, 0, 0);
	}
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < n_jumps; i++)
		p->v[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
}

int pk_device_filter_build(const pk_device_rule_t *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
			   pk_err_t *err)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].major > UINT32_MAX || rules[i].minor > UINT32_MAX)
			return pk_fail(err, "linux.resources.devices[%zu]: major and minor must fit 32 bits", i);
	size_t first = 0;
	bool default_allow = true;
	if (n && is_deny_all(&rules[0])) {
		first = 1; /* it decides whatever no later rule does: the default */
		default_allow = false;
	}
	prog_t p = {.v = calloc(8 + 8 * n, sizeof *p.v)};
	if (!p.v)
		return pk_fail_errno(err, ENOMEM, "linux.resources.devices");
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, R_TYPE, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(&p, BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, R_ACCESS, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(&p, BPF_ALU64 | BPF_RSH | BPF_K, R_ACCESS, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, R_MAJOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, R_MINOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (size_t i = n; i > first; i--)
		emit_rule(&p, &rules[i - 1]);
	emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, R_RET, 0, 0, default_allow);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}
