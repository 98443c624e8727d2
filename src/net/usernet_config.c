/* The annotations that choose a container's user-mode networking, checked strictly: a typo must not
 * silently leave a container without the network or the ports its user asked for. */
#include "net/usernet.h"
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *annotation(const pk_spec_t *spec, const char *key)
{
	return spec->annotations ? json_string_value(json_object_get(spec->annotations, key)) : NULL;
}

/* A decimal port 1..65535: digits only, no sign, no leading zero. */
static int parse_port(const char *s, size_t len, uint16_t *out)
{
	if (len == 0 || len > 5 || s[0] == '0')
		return -1;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

#define PORT_FORMAT "[IPV4:]HOSTPORT:CONTAINERPORT[/tcp|/udp]"

/* One entry: [IPV4:]HOSTPORT:CONTAINERPORT[/tcp|/udp]. */
static int parse_forward(const char *entry, size_t len, pk_port_forward_t *f, pk_err_t *err)
{
	char buf[64];
	if (len == 0)
		return pk_fail(err, "%s: empty entry (expected %s, comma-separated)", PK_USERNET_PORTS_ANNOTATION,
			       PORT_FORMAT);
	if (len >= sizeof buf)
		return pk_fail(err, "%s: \"%.*s\" is too long (expected %s)", PK_USERNET_PORTS_ANNOTATION,
			       (int)(sizeof buf - 1), entry, PORT_FORMAT);
	memcpy(buf, entry, len);
	buf[len] = '\0';
	f->udp = false;
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (!strcmp(slash + 1, "udp"))
			f->udp = true;
		else if (strcmp(slash + 1, "tcp"))
			return pk_fail(err, "%s: \"%.*s\": protocol \"%s\" (expected tcp or udp)",
				       PK_USERNET_PORTS_ANNOTATION, (int)len, entry, slash + 1);
	}
	char *last = strrchr(buf, ':');
	if (!last)
		return pk_fail(err, "%s: \"%.*s\" (expected %s)", PK_USERNET_PORTS_ANNOTATION, (int)len, entry,
			       PORT_FORMAT);
	*last = '\0';
	char *host_port = strrchr(buf, ':');
	const char *addr = "127.0.0.1";
	if (host_port) {
		*host_port++ = '\0';
		addr = buf;
	} else {
		host_port = buf;
	}
	if (inet_pton(AF_INET, addr, &f->host_addr) != 1)
		return pk_fail(err, "%s: \"%.*s\": host address \"%s\" (expected an IPv4 address such as 127.0.0.1)",
			       PK_USERNET_PORTS_ANNOTATION, (int)len, entry, addr);
	if (parse_port(host_port, strlen(host_port), &f->host_port) < 0 ||
	    parse_port(last + 1, strlen(last + 1), &f->container_port) < 0)
		return pk_fail(err, "%s: \"%.*s\": ports must be numbers from 1 to 65535 (expected %s)",
			       PK_USERNET_PORTS_ANNOTATION, (int)len, entry, PORT_FORMAT);
	return 0;
}

static int parse_ports(const char *value, pk_usernet_cfg_t *cfg, pk_err_t *err)
{
	const char *p = value;
	for (;;) {
		size_t len = strcspn(p, ",");
		if (cfg->n_ports == PK_USERNET_MAX_PORTS)
			return pk_fail(err, "%s: more than %d entries", PK_USERNET_PORTS_ANNOTATION,
				       PK_USERNET_MAX_PORTS);
		pk_port_forward_t *f = &cfg->ports[cfg->n_ports];
		if (parse_forward(p, len, f, err) < 0)
			return -1;
		for (size_t i = 0; i < cfg->n_ports; i++) {
			const pk_port_forward_t *o = &cfg->ports[i];
			if (o->host_port == f->host_port && o->udp == f->udp &&
			    o->host_addr.s_addr == f->host_addr.s_addr)
				return pk_fail(err, "%s: host port %u/%s is forwarded twice", PK_USERNET_PORTS_ANNOTATION,
					       (unsigned)f->host_port, f->udp ? "udp" : "tcp");
		}
		cfg->n_ports++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int read_config(const pk_spec_t *spec, pk_usernet_cfg_t *cfg, pk_err_t *err)
{
	memset(cfg, 0, sizeof *cfg);
	const char *mode = annotation(spec, PK_USERNET_ANNOTATION);
	const char *ports = annotation(spec, PK_USERNET_PORTS_ANNOTATION);
	if (!mode || !strcmp(mode, "none"))
		cfg->mode = PK_USERNET_NONE;
	else if (!strcmp(mode, "pasta"))
		cfg->mode = PK_USERNET_PASTA;
	else if (!strcmp(mode, "slirp4netns"))
		cfg->mode = PK_USERNET_SLIRP4NETNS;
	else
		return pk_fail(err, "%s: \"%s\" (expected pasta, slirp4netns or none)", PK_USERNET_ANNOTATION, mode);
	if (ports && cfg->mode == PK_USERNET_NONE)
		return pk_fail(err, "%s: ports need %s set to pasta or slirp4netns", PK_USERNET_PORTS_ANNOTATION,
			       PK_USERNET_ANNOTATION);
	if (ports && parse_ports(ports, cfg, err) < 0)
		return -1;
	if (cfg->mode == PK_USERNET_NONE)
		return 0;
	const pk_namespace_t *net = &spec->ns[PK_NS_NETWORK];
	if (!net->present || net->path)
		return pk_fail(err, "%s: %s needs a new network namespace (linux.namespaces: a \"network\" entry "
			       "without a path)", PK_USERNET_ANNOTATION, mode);
	return 0;
}

int pk_usernet_config(const pk_spec_t *spec, pk_usernet_cfg_t *cfg, pk_err_t *err)
{
	/* The values are the user's: whatever they hold, the error stays one line. */
	return read_config(spec, cfg, err) < 0 ? pk_err_one_line(err) : 0;
}
