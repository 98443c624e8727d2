/* Unit test of the cgroup v2 device program generator (cgroup/device_filter.c): the program it builds is run
 * here by a small interpreter of the instructions it emits, for devices and accesses whose answer the OCI
 * rules decide. The integration test (test_cgroups.sh) has the kernel run it. */
#include "cgroup/device_filter.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"


/* -1: an instruction the generator should never emit, or a jump out of the program. */
static int run(const struct bpf_insn *p, size_t len, char type, const char *access, uint32_t major, uint32_t minor)
{
	uint32_t acc = 0;
	for (const char *c = access; *c; c++)
		acc |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
	struct bpf_cgroup_dev_ctx ctx = {.access_type = acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
					 .major = major, .minor = minor};
	uint64_t r[11] = {0};
	for (size_t pc = 0; pc < len; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t imm = (uint64_t)(int64_t)i->imm;
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != 1 || i->off < 0 || (size_t)i->off + 4 > sizeof ctx)
				return -1;
			uint32_t v;
			memcpy(&v, (const char *)&ctx + i->off, 4);
			r[i->dst_reg] = v;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K: r[i->dst_reg] &= imm; break;
		case BPF_ALU64 | BPF_RSH | BPF_K: r[i->dst_reg] >>= i->imm; break;
		case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = imm; break;
		case BPF_ALU64 | BPF_MOV | BPF_X: r[i->dst_reg] = r[i->src_reg]; break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)r[i->dst_reg] != (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			if ((uint32_t)r[i->dst_reg] == (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: return -1;
		}
	}
	return -1;
}

#define ANY (-1)
#define ALLOW(t, maj, min, acc) {true, t, maj, min, acc}
#define DENY(t, maj, min, acc) {false, t, maj, min, acc}

typedef struct {
	char type;
	const char *access;
	uint32_t major, minor;
	int want;
} probe_t;

static void check_rules(const char *name, const pk_device_rule_t *rules, size_t n_rules, const probe_t *probes,
			size_t n_probes)
{
	struct bpf_insn *insns = NULL;
	size_t len = 0;
	pk_err_t err;
	if (pk_device_filter_build(rules, n_rules, &insns, &len, &err) < 0) {
		check(false, err.msg);
		return;
	}
	for (size_t i = 0; i < n_probes; i++) {
		const probe_t *p = &probes[i];
		char what[200];
		snprintf(what, sizeof what, "%s: %c %u:%u %s is %s", name, p->type, p->major, p->minor, p->access,
			 p->want ? "allowed" : "denied");
		check(run(insns, len, p->type, p->access, p->major, p->minor) == p->want, what);
	}
	free(insns);
}

#define CHECK(name, rules, probes)                                                                             \
	check_rules(name, rules, sizeof rules / sizeof *rules, probes, sizeof probes / sizeof *probes)

int main(void)
{
	{
		/* pocket spec's default: deny all, then the default devices. */
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm"), ALLOW('c', ANY, ANY, "m"),
						  ALLOW('c', 1, 3, "rwm"), ALLOW('c', 136, ANY, "rwm")};
		const probe_t probes[] = {{'c', "rw", 1, 3, 1},     {'c', "r", 1, 5, 0},   {'b', "r", 1, 3, 0},
					  {'c', "m", 10, 229, 1},   {'b', "m", 8, 0, 0},   {'c', "rw", 136, 7, 1},
					  {'c', "rwm", 136, 99999, 1}, {'c', "r", 137, 0, 0}};
		CHECK("deny-all first", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {ALLOW('c', 1, 3, "r")};
		const probe_t probes[] = {{'c', "rwm", 10, 229, 1}, {'b', "w", 8, 0, 1}, {'c', "rw", 1, 3, 1}};
		CHECK("no deny-all: what no rule denies stays allowed", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm"), ALLOW('c', 10, 229, "r")};
		const probe_t probes[] = {{'c', "r", 10, 229, 1}, {'c', "rw", 10, 229, 0}, {'c', "w", 10, 229, 0},
					  {'c', "m", 10, 229, 0}, {'c', "r", 10, 228, 0}};
		CHECK("an allow covers only its access bits", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {ALLOW('a', ANY, ANY, "rwm"), DENY('c', 10, 229, "w")};
		const probe_t probes[] = {{'c', "rw", 10, 229, 0}, {'c', "r", 10, 229, 1}, {'c', "w", 10, 229, 0},
					  {'c', "rw", 10, 230, 1}, {'b', "w", 10, 229, 1}};
		CHECK("a later partial deny is not skipped by a wider request", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm"), ALLOW('c', 10, 229, "rwm"),
						  DENY('c', 10, ANY, "rwm")};
		const probe_t probes[] = {{'c', "r", 10, 229, 0}, {'c', "m", 10, 1, 0}};
		CHECK("the last matching rule wins (deny after allow)", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm"), DENY('c', 10, ANY, "rwm"),
						  ALLOW('c', 10, 229, "rwm")};
		const probe_t probes[] = {{'c', "rw", 10, 229, 1}, {'c', "r", 10, 228, 0}};
		CHECK("the last matching rule wins (allow after deny)", rules, probes);
	}
	{
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm"), ALLOW('b', 4095, 1048575, "rw"),
						  ALLOW('c', 1, 3, "r"), ALLOW('c', 1, 3, "w")};
		const probe_t probes[] = {{'b', "rw", 4095, 1048575, 1}, {'c', "rw", 4095, 1048575, 0},
					  {'c', "rw", 1, 3, 1}, {'c', "rwm", 1, 3, 0}};
		CHECK("widest major and minor; bits allowed by two rules", rules, probes);
	}
	{
		const probe_t probes[] = {{'c', "rwm", 1, 3, 0}};
		const pk_device_rule_t rules[] = {DENY('a', ANY, ANY, "rwm")};
		CHECK("deny-all alone", rules, probes);
	}
	return tap_done();
}
