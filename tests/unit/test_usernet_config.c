/* Unit tests for the network annotations (net/usernet_config.c): what each accepted value means, and that
 * every refusal is one line naming the annotation. */
#include "net/usernet.h"
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "tap.h"


/* Parse mode and ports (NULL: annotation absent) for a config with a new network namespace. */
static int config(const char *mode, const char *ports, pk_usernet_cfg_t *cfg, pk_err_t *err)
{
	pk_spec_t spec = {0};
	spec.ns[PK_NS_NETWORK].present = true;
	spec.annotations = json_object();
	if (mode)
		json_object_set_new(spec.annotations, PK_USERNET_ANNOTATION, json_string(mode));
	if (ports)
		json_object_set_new(spec.annotations, PK_USERNET_PORTS_ANNOTATION, json_string(ports));
	int r = pk_usernet_config(&spec, cfg, err);
	json_decref(spec.annotations);
	return r;
}

static bool forward_is(const pk_port_forward_t *f, const char *addr, unsigned host, unsigned ctr, bool udp)
{
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &f->host_addr, a, sizeof a);
	return !strcmp(a, addr) && f->host_port == host && f->container_port == ctr && f->udp == udp;
}

int main(void)
{
	pk_usernet_cfg_t c;
	pk_err_t err;
	check(config(NULL, NULL, &c, &err) == 0 && c.mode == PK_USERNET_NONE && c.n_ports == 0, "no annotation: none");
	check(config("none", NULL, &c, &err) == 0 && c.mode == PK_USERNET_NONE, "none");
	check(config("pasta", NULL, &c, &err) == 0 && c.mode == PK_USERNET_PASTA && c.n_ports == 0, "pasta, no ports");
	check(config("slirp4netns", "8080:80", &c, &err) == 0 && c.mode == PK_USERNET_SLIRP4NETNS && c.n_ports == 1 &&
		      forward_is(&c.ports[0], "127.0.0.1", 8080, 80, false),
	      "host address defaults to 127.0.0.1, protocol to tcp");
	check(config("pasta", "0.0.0.0:1:65535/udp,10.1.2.3:65535:1/tcp,8080:80/udp", &c, &err) == 0 && c.n_ports == 3 &&
		      forward_is(&c.ports[0], "0.0.0.0", 1, 65535, true) &&
		      forward_is(&c.ports[1], "10.1.2.3", 65535, 1, false) &&
		      forward_is(&c.ports[2], "127.0.0.1", 8080, 80, true),
	      "addresses, port bounds, protocols");
	check(config("pasta", "8080:80,8080:80/udp,127.0.0.2:8080:80", &c, &err) == 0 && c.n_ports == 3,
	      "one host port per protocol and address");
	char many[PK_USERNET_MAX_PORTS * 16] = "";
	for (int i = 0; i <= PK_USERNET_MAX_PORTS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s%d:80", i ? "," : "", 1000 + i);
	check(config("pasta", many, &c, &err) < 0 && strstr(err.msg, "more than"), "too many ports");
	check(config("pasta", "8080:80\n", &c, &err) < 0 && !strchr(err.msg, '\n') &&
		      !strncmp(err.msg, PK_USERNET_PORTS_ANNOTATION ": ", strlen(PK_USERNET_PORTS_ANNOTATION) + 2),
	      "a control character in a value stays out of the one-line error");
	pk_spec_t host = {0};
	host.annotations = json_pack("{s:s}", PK_USERNET_ANNOTATION, "pasta");
	check(pk_usernet_config(&host, &c, &err) < 0 && strstr(err.msg, "needs a new network namespace"),
	      "the host's network namespace is refused");
	json_decref(host.annotations);
	return tap_done();
}
