# privatecloud.iaas — the two commands a newcomer needs are `make lab` and `make test`.
# Every target does its own set-up (apt packages, the virtualenv, the test image) and is safe
# to rerun.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
CACHE := $(ROOT)/.cache
RESULTS := $(CACHE)/results
# The container scenarios; 'kernel' (QEMU VMs with Debian's kernel) has its own target.
SCENARIOS ?= $(filter-out kernel,$(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
# make test also runs the kernel scenario (10-12 minutes under TCG emulation); KERNEL=0 skips it.
KERNEL ?= 1

# Everything below runs with the virtualenv first on PATH, this checkout on the collections
# path and podman reading the project's own containers.conf (nothing under /etc is edited).
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CACHE)/collections
export CONTAINERS_CONF := $(CACHE)/containers.conf
export MOLECULE_GLOB := molecule/*/molecule.yml
export ANSIBLE_FORCE_COLOR ?= false
export PY_COLORS ?= 0

# Older ansible-core releases the collection supports; the unit suite runs on each as well.
COMPAT_CORES ?= 2.19.14 2.20.10

.PHONY: help deps image vm-image collection lint sanity unit compat molecule test test-kernel lab lab-destroy lab-cloudstack lab-cloudstack-destroy build bench bench-iptables clean

help:
	@echo "make lab          start the lab (a Eucalyptus front-end and two nodes in containers), run playbooks/site.yml, show a VM's lease"
	@echo "make lab-destroy  remove the lab"
	@echo "make lab-cloudstack          the CloudStack lab: management server, database primary and replica, KVM hosts"
	@echo "make lab-cloudstack-destroy  remove it"
	@echo "make test         lint, ansible-test sanity, unit tests and every molecule scenario (KERNEL=0: without the kernel one)"
	@echo "make test-kernel  the kernel scenario alone: VLAN data path and NFS in QEMU VMs with Debian's kernel"
	@echo "make build        build the collection tarball"

deps: $(VENV)/.installed collection
	@tests/harness/apt-deps.sh
	@tests/harness/containers-conf.sh

$(VENV)/.installed: requirements-dev.txt
	@tests/harness/apt-deps.sh
	rm -rf $(VENV)
	"$$(tests/harness/python.sh)" -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

image: deps
	@tests/harness/build-image.sh

vm-image: deps
	@tests/harness/build-vm-image.sh

collection:
	@tests/harness/link-collection.sh

lint: deps
	yamllint --strict .
	ansible-lint

sanity: deps
	tests/harness/sanity.sh

unit: deps
	mkdir -p $(RESULTS)
	pytest tests/unit --junitxml=$(RESULTS)/unit.xml

compat: deps
	mkdir -p $(RESULTS)
	for core in $(COMPAT_CORES); do \
	  venv=$(CACHE)/compat-$$core; \
	  if [ ! -x $$venv/bin/ansible-playbook ]; then \
	    "$$(tests/harness/python.sh)" -m venv $$venv; \
	    $$venv/bin/pip install -q "ansible-core==$$core" "$$(grep '^netaddr==' requirements-dev.txt)" \
	      "$$(grep '^pytest==' requirements-dev.txt)"; \
	  fi; \
	  $$venv/bin/python -m pytest -q tests/unit --junitxml=$(RESULTS)/unit-core-$$core.xml; \
	done

molecule: image
	mkdir -p $(RESULTS)
	for scenario in $(SCENARIOS); do molecule test -s "$$scenario"; done

test-kernel: vm-image
	mkdir -p $(RESULTS)
	start=$$SECONDS; molecule test -s kernel; status=$$?; \
	  echo "the kernel scenario took $$((SECONDS - start)) s"; exit $$status

test: lint sanity unit compat molecule $(if $(filter 1,$(KERNEL)),test-kernel)

lab: image
	ansible-playbook -i inventories/lab tests/harness/lab-up.yml
	ansible-playbook -i inventories/lab playbooks/site.yml
	ansible-playbook -i inventories/lab tests/harness/lab-report.yml

lab-destroy: deps
	ansible-playbook -i inventories/lab tests/harness/lab-down.yml

lab-cloudstack: image
	ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-up.yml
	ansible-playbook -i inventories/lab-cloudstack playbooks/site.yml
	ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-cloudstack-report.yml

lab-cloudstack-destroy: deps
	ansible-playbook -i inventories/lab-cloudstack tests/harness/lab-down.yml

build: deps
	mkdir -p $(CACHE)/dist
	ansible-galaxy collection build --force --output-path $(CACHE)/dist

clean: lab-destroy lab-cloudstack-destroy
	rm -rf $(CACHE) $(VENV)

bench: deps
	python benchmarks/validate.py

bench-iptables: deps
	python benchmarks/iptables.py
