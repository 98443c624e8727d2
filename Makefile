# pocket: build, test, demo. `make check` and `make demo` install what they need from Debian first.
VERSION    := 0.1.0
CC         ?= gcc
CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
              -Wno-format-nonliteral -Wundef -Wvla -Wpointer-arith -Wcast-align -Wimplicit-fallthrough
ALL_CFLAGS := -std=gnu17 $(WARNINGS) -Isrc -D_GNU_SOURCE -DPOCKET_VERSION='"$(VERSION)"' \
              -fvisibility=hidden -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(CFLAGS)
LDLIBS     := -ljansson -lseccomp -lbpf -lelf -lz
BUILD      := build

LIB_SRCS   := $(wildcard src/util/*.c src/spec/*.c src/container/*.c src/kernel/*.c src/cgroup/*.c src/net/*.c)
CLI_SRCS   := src/pocket.c $(wildcard src/cmd/*.c)
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS   := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

DEB_BUILD  := gcc make pkg-config libc6-dev libjansson-dev libseccomp-dev libbpf-dev busybox-static jq iproute2
DEB_TEST   := $(DEB_BUILD) iproute2 util-linux bsdutils procps passwd uidmap jq passt slirp4netns

.PHONY: all clean check unit integration demo deps-build deps-test bundle

all: $(BUILD)/pocket

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libpocket.a: $(LIB_OBJS)
	ar rcs $@ $^

# Static (and position-independent, so ASLR still applies): no dynamic loader or shared libraries to map
# on every start; measured: `--version` 0.46 ms of CPU instead of 0.60, peak RSS of `run` 1.5 MiB instead
# of 2.2 (`make bench`). The price: a larger file for the sealed self-copy (kernel/selfexe.h) to copy.
$(BUILD)/pocket: $(CLI_OBJS) $(BUILD)/libpocket.a
	$(CC) $(ALL_CFLAGS) -static-pie -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpocket.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The default bundle: busybox from Debian's busybox-static, generated, never committed.
# Order-only on the binary: rebuilding pocket must not pull the bundle from under running tests.
$(BUILD)/bundle/config.json: tools/mkbundle.sh | $(BUILD)/pocket
	rm -rf $(BUILD)/bundle
	tools/mkbundle.sh $(BUILD)/pocket $(BUILD)/bundle

bundle: $(BUILD)/bundle/config.json

deps-build:
	@dpkg -s $(DEB_BUILD) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_BUILD); }

deps-test:
	@dpkg -s $(DEB_TEST) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_TEST); }

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "# $$t"; $$t || fail=1; done; exit $$fail

integration: $(BUILD)/pocket bundle $(HELPERS)
	tests/integration/run.sh $(BUILD)/pocket $(BUILD)/bundle $(BUILD)/probe

# The test command (README, .ci/run): unit tests, then integration tests against the real kernel.
check:
	$(MAKE) deps-test vm-deps deps-clients
	$(MAKE) all bundle $(HELPERS) $(UNIT_BINS)
	VM_TESTS="$(VM_TESTS)" VM_SYSTEMD_TESTS="$(VM_SYSTEMD_TESTS)" CLIENT_TESTS="$(CLIENT_TESTS)" tests/run-all.sh $(BUILD)

demo:
	$(MAKE) deps-build
	$(MAKE) all bundle
	tools/demo.sh $(BUILD)/pocket $(BUILD)/bundle

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

$(BUILD)/probe: tests/helpers/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -static -o $@ $<

$(BUILD)/seccomp_listener: tests/helpers/seccomp_listener.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -o $@ $<

$(BUILD)/recvtty: tests/helpers/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -o $@ $<

HELPERS := $(BUILD)/probe $(BUILD)/seccomp_listener $(BUILD)/recvtty

# The benchmark suite (bench/README.md): pocket against crun and runc, and bench/floor.c, the kernel's floor.
# Never part of `make check`. Writes build/bench/ (hyperfine JSON, results.tsv, medians.png).
DEB_BENCH  := crun runc hyperfine time gnuplot-nox jq util-linux coreutils busybox-static passwd procps

.PHONY: bench deps-bench

deps-bench:
	@dpkg -s $(DEB_BENCH) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_BENCH); }

$(BUILD)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -static -o $@ $<

bench:
	$(MAKE) deps-bench
	$(MAKE) all bundle $(BUILD)/bench/floor
	bench/run.sh $(BUILD)/pocket $(BUILD)/bundle $(BUILD)/bench/floor $(BUILD)/bench

# Integration tests on a pure cgroup v2 host: a qemu guest booting Debian's 6.1 kernel on the host's own files
# (tests/vm/README.md). Never part of the host's own `make check` run of the same files.
# systemd and dbus: the guest that tests the systemd cgroup driver boots the host's systemd, with its system bus.
DEB_VM     := linux-image-amd64 qemu-system-x86 busybox-static systemd dbus
VM_TESTS   := tests/integration/test_cgroups.sh tests/integration/test_cgroups_rootless.sh \
              tests/integration/test_usernet.sh
# The same guest with the host's systemd as its PID 1 (POCKET_VM_INIT=systemd): the systemd cgroup driver.
VM_SYSTEMD_TESTS := tests/integration/test_cgroups_systemd.sh

.PHONY: vm-deps check-v2

# --no-install-recommends: the guest needs neither the kernel's firmware and apparmor nor qemu's GUI bits.
vm-deps:
	@dpkg -s $(DEB_VM) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_VM); }

check-v2:
	$(MAKE) vm-deps
	$(MAKE) all bundle $(HELPERS)
	tests/vm/run-in-guest.sh env POCKET_TEST_TIMEOUT=600 tests/integration/run.sh $(BUILD)/pocket $(BUILD)/bundle $(BUILD)/probe $(VM_TESTS)
	POCKET_VM_INIT=systemd tests/vm/run-in-guest.sh env POCKET_TEST_TIMEOUT=600 tests/integration/run.sh $(BUILD)/pocket \
		$(BUILD)/bundle $(BUILD)/probe $(VM_SYSTEMD_TESTS)

# Real clients driving pocket (tests/clients/): Debian's podman 4.3 (conmon, CNI plugins, cgroupfs) and containerd 1.6
# (ctr, the runc v2 shim), each scenario compared with Debian's runc; `make check` runs them too. Each test keeps its
# podman/containerd state under its own temp dir.
DEB_CLIENTS  := podman conmon containernetworking-plugins uidmap fuse-overlayfs catatonit iptables containerd runc \
                util-linux passwd jq
CLIENT_TESTS := tests/clients/test_podman.sh tests/clients/test_containerd.sh

.PHONY: deps-clients check-clients

deps-clients:
	@dpkg -s $(DEB_CLIENTS) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_CLIENTS); }

check-clients:
	$(MAKE) deps-test deps-clients
	$(MAKE) all bundle $(HELPERS)
	tests/integration/run.sh $(BUILD)/pocket $(BUILD)/bundle $(BUILD)/probe $(CLIENT_TESTS)
