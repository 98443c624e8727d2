/* Releasing a pk_spec_t: safe on a zeroed or partly filled spec, and leaves it zeroed. */
#include "spec/spec.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void strv_free(char **v)
{
	if (v)
		for (char **p = v; *p; p++)
			free(*p);
	free(v);
}

static void process_free(pk_process_t *p)
{
	free(p->additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
}

static void mount_free(pk_mount_t *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	strv_free(m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static void hooks_free(pk_hooks_t *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->list[i].path);
		strv_free(h->list[i].args);
		strv_free(h->list[i].env);
	}
	free(h->list);
}

void pk_spec_free(pk_spec_t *spec)
{
	free(spec->oci_version);
	free(spec->root_path);
	free(spec->hostname);
	free(spec->domainname);
	process_free(&spec->process);
	for (size_t i = 0; i < spec->n_mounts; i++)
		mount_free(&spec->mounts[i]);
	free(spec->mounts);
	for (int k = 0; k < PK_HOOK_KIND_COUNT; k++)
		hooks_free(&spec->hooks[k]);
	for (int t = 0; t < PK_NS_COUNT; t++)
		free(spec->ns[t].path);
	free(spec->uid_mappings);
	free(spec->gid_mappings);
	for (size_t i = 0; i < spec->n_devices; i++)
		free(spec->devices[i].path);
	free(spec->devices);
	for (size_t i = 0; i < spec->n_sysctl; i++) {
		free(spec->sysctl[i].key);
		free(spec->sysctl[i].value);
	}
	free(spec->sysctl);
	strv_free(spec->masked_paths);
	strv_free(spec->readonly_paths);
	free(spec->cgroups_path);
	free(spec->mount_label);
	pk_seccomp_free(&spec->seccomp);
	pk_resources_free(&spec->resources);
	json_decref(spec->annotations);
	json_decref(spec->raw);
	memset(spec, 0, sizeof *spec);
}
