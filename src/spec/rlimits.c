#include "spec/rlimits.h"
#include "util/cleanup.h"
#include <string.h>
#include <sys/resource.h>

#define RL(n) {RLIMIT_##n, "RLIMIT_" #n}

static const struct {
	int resource;
	const char *name;
} rlimits[] = {
	RL(AS),
	RL(CORE),
	RL(CPU),
	RL(DATA),
	RL(FSIZE),
	RL(LOCKS),
	RL(MEMLOCK),
	RL(MSGQUEUE),
	RL(NICE),
	RL(NOFILE),
	RL(NPROC),
	RL(RSS),
	RL(RTPRIO),
	RL(RTTIME),
	RL(SIGPENDING),
	RL(STACK),
};

int pk_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < PK_ARRAY_SIZE(rlimits); i++)
		if (strcmp(rlimits[i].name, name) == 0)
			return rlimits[i].resource;
	return -1;
}

const char *pk_rlimit_name(int resource)
{
	for (size_t i = 0; i < PK_ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}
