"""The picture of the cloud, from plans shaped as host_plan makes them."""

from xml.etree import ElementTree

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.drawing import cloud_drawing
from ansible_collections.privatecloud.iaas.plugins.module_utils import drawing

SVG = "{http://www.w3.org/2000/svg}"


def frontend(mode="MANAGED-NOVLAN", groups=(), addresses=(), vlans=(), bridges=()):
    return {"platform": "eucalyptus", "components": ["frontend"],
            "eucalyptus": {"mode": mode, "cc": True, "vm_bridge": None,
                           "settings": {"VNET_MODE": mode, "VNET_PUBINTERFACE": "eth1", "VNET_PRIVINTERFACE": "eth2",
                                        "VNET_SUBNET": "10.20.0.0", "VNET_NETMASK": "255.255.0.0",
                                        "VNET_ADDRSPERNET": "64", "VNET_PUBLICIPS": "198.18.7.10-198.18.7.13"},
                           "dataplane": {"groups": list(groups), "addresses": list(addresses), "tunnels": [],
                                         "instances": [{"name": "i-web1", "group": "admin/web", "private_ip": "10.20.2.66",
                                                        "public_ip": "198.18.7.10"}]} if groups else None},
            "interfaces": {"bridges": list(bridges), "vlans": list(vlans), "vxlans": []}}


NODE = {"platform": "eucalyptus", "components": ["node"],
        "eucalyptus": {"mode": "MANAGED-NOVLAN", "cc": False, "vm_bridge": "br0", "hypervisor": "kvm",
                       "settings": {"VNET_BRIDGE": "br0"}, "dataplane": None},
        "interfaces": {"bridges": [{"name": "br0", "ports": ["eth1"], "address": "198.18.7.81/26"}], "vlans": [],
                       "vxlans": []}}
WEB = {"name": "admin/web", "tag": 11, "cidr": "10.20.2.64/26", "router": "10.20.2.65"}


def texts(svg):
    root = ElementTree.fromstring(svg)
    return [element.text for element in root.iter(SVG + "text")]


def test_each_host_its_devices_and_what_the_plan_puts_on_them():
    svg = drawing.draw({"lab-frontend": frontend(groups=[WEB], addresses=[
        {"device": "eth2", "address": "10.20.2.65/26", "announce": False},
        {"device": "eth1", "address": "198.18.7.10/32", "announce": True}]), "lab-node1": NODE}, title="lab")
    found = texts(svg)
    for expected in ("lab-frontend", "front-end: CLC, CC (MANAGED-NOVLAN)", "eth1", "public (VNET_PUBINTERFACE)",
                     "elastic IP 198.18.7.10", "eth2", "private (VNET_PRIVINTERFACE)", "router 10.20.2.65/26",
                     "lab-node1", "node: NC (kvm)", "br0", "198.18.7.81/26", "VMs' bridge (VNET_BRIDGE)",
                     "Eucalyptus MANAGED-NOVLAN, cluster of lab-frontend",
                     "group admin/web: index 11, 10.20.2.64/26, router 10.20.2.65; instances i-web1 10.20.2.66 "
                     "(elastic IP 198.18.7.10)"):
        assert expected in found
    # br0 is drawn above its port, joined to it by one line.
    lines = ElementTree.fromstring(svg).findall(".//%sline" % SVG)
    assert len(lines) == 1


def test_the_front_end_comes_first_and_the_same_plans_draw_the_same_bytes():
    plans = {"a-node": NODE, "z-frontend": frontend()}
    svg = drawing.draw(plans)
    assert svg == drawing.draw(dict(reversed(list(plans.items()))))
    found = texts(svg)
    assert found.index("z-frontend") < found.index("a-node")


def test_a_managed_cloud_without_the_collections_data_plane_shows_what_the_cc_makes():
    found = texts(drawing.draw({"cloud1": frontend(mode="MANAGED")}))
    assert {"eth2.<tag>", "eucabr<tag>", "made by the CC", "a tag per active group"} <= set(found)


def test_a_layer_of_many_devices_shows_a_few_and_how_many_more():
    vlans = [{"parent": "eth0", "id": tag} for tag in range(2, 1002)]
    found = texts(drawing.draw({"cloud1": frontend(mode="MANAGED", groups=[WEB], vlans=vlans)}))
    assert "eth0.2" in found and "eth0.1001" not in found
    assert "%d more like these" % (1000 - drawing.DEVICES_SHOWN + 1) in found


def test_text_from_the_inventory_is_escaped():
    svg = drawing.draw({"cloud1": frontend()}, title='<script>"&')
    assert '<script>"&' in texts(svg)  # parsed back as text, not markup
    assert "<script>" not in svg


def test_a_cloudstack_zone_is_described_under_its_hosts():
    zone = {"name": "zone1", "network_type": "Advanced", "guest_cidr": "10.1.1.0/24",
            "physical_networks": [{"name": "physical1", "vlan_range": "600-999", "traffic_types": [
                {"type": "management", "label": "cloudbr1", "vlan": 100}, {"type": "guest", "label": "cloudbr1"}]}],
            "pods": [{"name": "pod1", "gateway": "192.168.154.1", "clusters": [
                {"name": "cluster1", "hypervisor": "KVM", "hosts": [{"name": "kvm1"}], "primary_storage": []}]}]}
    kvm = {"platform": "cloudstack", "components": ["node"], "cloudstack": {},
           "interfaces": {"bridges": [{"name": "cloudbr1", "ports": ["eth0.300"]}],
                          "vlans": [{"parent": "eth0", "id": 300}], "vxlans": []}}
    found = texts(drawing.draw({"kvm1": kvm}, [zone]))
    assert "traffic: management (VLAN 100), guest" in found
    assert "CloudStack zone zone1 (Advanced)" in found
    assert "physical network physical1, guest VLANs 600-999: management on cloudbr1 VLAN 100; guest on cloudbr1" in found
    assert "pod pod1 (gateway 192.168.154.1): cluster cluster1 (KVM): kvm1; primary storage none" in found


def test_the_filter_draws_the_plans_of_the_hosts_and_the_zones_of_the_first_management_server():
    zone = {"name": "zone1", "network_type": "Basic"}
    management = {"platform": "cloudstack", "components": ["frontend"],
                  "cloudstack": {"first_management_server": True, "zones": [zone], "host_name": {"address": "192.0.2.10"}}}
    svg = cloud_drawing(["m1"], {"m1": {"ansible_facts": {"iaas_plan": management}}}, title="site")
    assert {"management server (first) at 192.0.2.10", "CloudStack zone zone1 (Basic)", "site"} <= set(texts(svg))


def test_the_filter_refuses_a_host_without_a_plan():
    with pytest.raises(AnsibleFilterError, match="cloud_drawing: m1 has no plan"):
        cloud_drawing(["m1"], {"m1": {"ansible_facts": {}}})


def test_a_tunnel_and_a_device_with_an_mtu_show_it():
    plan = frontend(bridges=[{"name": "br1", "ports": ["eth2", "eucavx1"], "mtu": 9000}])
    plan["interfaces"]["vxlans"] = [{"name": "eucavx1", "id": 1, "local": "192.0.2.11", "peers": ["192.0.2.12"],
                                     "mtu": 1450}]
    found = texts(drawing.draw({"cc1": plan}))
    assert found[found.index("eucavx1") + 1:found.index("eucavx1") + 3] == ["VNI 1 to 192.0.2.12", "MTU 1450"]
    assert "MTU 9000" in found[found.index("br1"):]
