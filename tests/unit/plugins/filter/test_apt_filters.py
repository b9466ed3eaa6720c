from ansible_collections.privatecloud.iaas.plugins.filter.apt import FilterModule

missing_packages = FilterModule().filters()["missing_packages"]

# As playbooks/validate.yml registers dpkg-query --showformat '${db:Status-Status} ${Package}\n'.
DPKG = {"rc": 0, "stdout": "installed chrony\ninstalled iptables\nconfig-files ntp\nnot-installed isc-dhcp-server"}


def test_only_the_packages_dpkg_does_not_show_installed_are_missing():
    assert missing_packages(["chrony", "isc-dhcp-server", "iptables", "ntp"], DPKG) == ["isc-dhcp-server", "ntp"]


def test_nothing_is_missing_when_everything_is_installed():
    assert missing_packages(["chrony", "iptables"], DPKG) == []


def test_one_name_is_taken_as_a_list():
    assert missing_packages("vtun", DPKG) == ["vtun"]


def test_without_the_list_every_package_is_asked_for():
    # A role run outside site.yml, a host without dpkg, an unreachable host, a skipped read.
    assert missing_packages(["chrony"], None) == ["chrony"]
    assert missing_packages(["chrony"], {"rc": 127, "stdout": ""}) == ["chrony"]
    assert missing_packages(["chrony"], {"unreachable": True}) == ["chrony"]
    assert missing_packages(["chrony"], {"skipped": True, "changed": False}) == ["chrony"]


def test_a_name_with_a_version_or_an_architecture_leaves_the_whole_list_to_the_package_manager():
    assert missing_packages(["chrony=4.6", "iptables"], DPKG) == ["chrony=4.6", "iptables"]
    assert missing_packages(["chrony:amd64"], DPKG) == ["chrony:amd64"]
    assert missing_packages(["/tmp/local.deb"], DPKG) == ["/tmp/local.deb"]


def test_missing_packages_reads_the_records_modules_list_too():
    read = {"changed": False, "roles": {}, "installed_packages": ["chrony", "iptables"]}
    assert missing_packages(["chrony", "conntrack"], read) == ["conntrack"]
    # A host without dpkg, or a read that failed: the package manager decides.
    assert missing_packages(["chrony"], dict(read, installed_packages=None)) == ["chrony"]
    assert missing_packages(["chrony"], dict(read, failed=True)) == ["chrony"]
