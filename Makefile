# privatecloud.iaas — the two commands a newcomer needs are `make lab` and `make test`.
# Every target does its own set-up (apt packages, the virtualenv, the test image) and is safe
# to rerun.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
CACHE := $(ROOT)/.cache
# The container scenarios; 'kernel' (QEMU VMs with Debian's kernel) has its own target.
SCENARIOS ?= $(filter-out kernel,$(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
# Every container scenario runs on Debian 13; these also run on Debian 12, the release before it
# (docs/testing.md says why these). RELEASE=12 or RELEASE=13 runs the scenarios on that one only.
SCENARIOS_12 ?= ntp cloudstack_db bridge iptables euca_system
RELEASE ?=
MATRIX = $(if $(RELEASE),$(addsuffix @$(RELEASE),$(SCENARIOS)),$(SCENARIOS) $(addsuffix @12,$(filter $(SCENARIOS_12),$(SCENARIOS))))
# The release of make lab's containers.
LAB_RELEASE ?= 13
# make test also runs the kernel scenario (QEMU VMs under TCG emulation); KERNEL=0 skips it.
KERNEL ?= 1

# Everything below runs with the virtualenv first on PATH, this checkout on the collections
# path and podman reading the project's own containers.conf (nothing under /etc is edited).
# .venv links to a virtualenv kept outside the checkout (tests/harness/deps.sh).
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CACHE)/collections
export CONTAINERS_CONF := $(CACHE)/containers.conf
export MOLECULE_GLOB := molecule/*/molecule.yml
export ANSIBLE_FORCE_COLOR ?= false
export PY_COLORS ?= 0

# Older ansible-core releases the collection supports; the unit and integration suites run on each as well.
COMPAT_CORES ?= 2.19.14 2.20.10
# Stages run side by side by tests/harness/suite.py (default: one per CPU).
JOBS ?= $(shell nproc)
SUITE := python3 tests/harness/suite.py --jobs $(JOBS)

.PHONY: help deps image vm-image collection lint sanity unit integration compat ee galaxy figures molecule test test-kernel lab lab-destroy lab-cloudstack lab-cloudstack-destroy build bench bench-iptables bench-dataplane bench-packets bench-site clean clean-cache

help:
	@echo "make lab          start the lab (a Eucalyptus front-end, two nodes and an outside host in containers, MANAGED-NOVLAN"
	@echo "                  with two security groups and an elastic IP), run playbooks/site.yml, show the VMs' leases and connections"
	@echo "                  (LAB=static: the STATIC lab, a front-end serving a MAC map and two nodes)"
	@echo "                  on Debian 13 (LAB_RELEASE=12: on Debian 12)"
	@echo "make lab-destroy  remove the lab (LAB=static: the STATIC one)"
	@echo "make lab-cloudstack          the CloudStack lab: management server, database primary and replica, KVM hosts"
	@echo "make lab-cloudstack-destroy  remove it"
	@echo "make test         lint, ansible-test sanity, unit and integration tests and every molecule scenario, JOBS at a time, then a table of seconds per stage"
	@echo "                  (KERNEL=0: without the kernel scenario)"
	@echo "make quick        what to run while working: lint, sanity, the unit and integration suites (about two minutes)"
	@echo "make unit | integration | lint | sanity | compat | molecule SCENARIOS='ntp iptables' | test-kernel   one part"
	@echo "                  (molecule: every scenario on Debian 13 and SCENARIOS_12 on Debian 12; RELEASE=12 or 13: that release only)"
	@echo "make ee           the execution environment's build context (execution-environment.yml, ansible-builder create) in .cache/ee"
	@echo "make galaxy       the archive as Galaxy checks it (galaxy-importer), installed into an empty path and run by its collection names"
	@echo "make figures      draw docs/figures/<example>.svg again from the example inventories' plans (the galaxy stage compares them)"
	@echo "make bench | bench-iptables | bench-dataplane   benchmarks: validation, the firewall module, the MANAGED data plane at scale"
	@echo "make bench-packets   the data plane's packet path: new flows/s and one stream through 1, 100, 1000 groups' rules"
	@echo "                  of a MANAGED front-end's whole plan (VNET_MODE=MANAGED-NOVLAN: of that mode's)"
	@echo "make bench-site   site.yml on a lab of a front-end and 2, then NODES (20) nodes: first converge, rerun, one-node change, against an empty play"
	@echo "make build        build the collection tarball"
	@echo "make clean        remove the labs and this checkout's .cache; make clean-cache also what is kept outside it"

deps:
	@tests/harness/deps.sh

image: deps
	@RELEASE=$(or $(RELEASE),13) tests/harness/build-image.sh

vm-image: deps
	@tests/harness/build-vm-image.sh

collection:
	@tests/harness/link-collection.sh

lint:
	@$(SUITE) lint

sanity:
	@$(SUITE) sanity

unit:
	@$(SUITE) unit

integration:
	@$(SUITE) integration

compat:
	@$(SUITE) $(addprefix compat:,$(COMPAT_CORES))

quick:
	@$(SUITE) lint sanity unit integration

ee:
	@$(SUITE) ee

galaxy:
	@$(SUITE) galaxy

figures: deps
	@tests/harness/figures.sh

molecule:
	@$(SUITE) $(addprefix molecule:,$(MATRIX))

# The kernel scenario's VMs run Debian 13; RELEASE=12 runs it on Debian 12.
test-kernel:
	@PRIVATECLOUD_RELEASE=$(or $(RELEASE),13) $(SUITE) kernel

test:
	@$(SUITE) lint sanity unit integration ee galaxy $(addprefix compat:,$(COMPAT_CORES)) $(addprefix molecule:,$(MATRIX)) \
	  $(if $(filter 1,$(KERNEL)),kernel)

# LAB=static: inventories/lab-static instead of inventories/lab.
LAB_INVENTORY = inventories/lab$(if $(LAB),-$(LAB))

# The labs' containers run LAB_RELEASE (the inventories read PRIVATECLOUD_RELEASE).
LAB_ENV = PRIVATECLOUD_RELEASE=$(LAB_RELEASE)

lab: deps
	@$(LAB_ENV) tests/harness/build-image.sh
	$(LAB_ENV) ansible-playbook -i $(LAB_INVENTORY) tests/harness/lab-up.yml
	$(LAB_ENV) ansible-playbook -i $(LAB_INVENTORY) playbooks/site.yml
	$(LAB_ENV) ansible-playbook -i $(LAB_INVENTORY) tests/harness/lab-report.yml

lab-destroy: deps
	ansible-playbook -i $(LAB_INVENTORY) tests/harness/lab-down.yml

lab-cloudstack: deps
	@$(LAB_ENV) tests/harness/build-image.sh
	$(LAB_ENV) ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-up.yml
	$(LAB_ENV) ansible-playbook -i inventories/lab-cloudstack playbooks/site.yml
	$(LAB_ENV) ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-cloudstack-report.yml

lab-cloudstack-destroy: deps
	ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-down.yml

build: deps
	mkdir -p $(CACHE)/dist
	ansible-galaxy collection build --force --output-path $(CACHE)/dist

clean: lab-destroy lab-cloudstack-destroy
	$(MAKE) lab-destroy LAB=static
	rm -rf $(CACHE) $(VENV)

clean-cache: clean
	rm -rf "$$(tests/harness/cache-dir.sh)"

bench: deps
	python benchmarks/validate.py

bench-iptables: deps
	python benchmarks/iptables.py

bench-dataplane: deps
	python benchmarks/dataplane.py

bench-packets: deps
	python benchmarks/packets.py

# Containers: a front-end and NODES nodes (about 40 minutes at 20 nodes; REPEAT runs of each rerun).
bench-site: deps
	@$(LAB_ENV) tests/harness/build-image.sh
	$(LAB_ENV) python benchmarks/site.py
