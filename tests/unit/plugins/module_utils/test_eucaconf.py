"""eucalyptus.conf: the owned keys set, every other line kept, values compared unquoted."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.eucaconf import ConfError, edited, parse, quote, unquote

PACKAGED = """# Eucalyptus configuration
EUCALYPTUS="/"
NC_PORT="8775"

#VNET_MODE="SYSTEM"
VNET_MODE="SYSTEM"
VNET_BRIDGE="xenbr0"
#VNET_PRIVINTERFACE="eth0"
"""


@pytest.mark.parametrize("text, value", [
    ('"STATIC"', "STATIC"),
    ("STATIC", "STATIC"),
    ("'a b'", "a b"),
    ('"AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4"',
     "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4"),
    ('"a \\"quoted\\" \\$word" # comment', 'a "quoted" $word'),
    ("value # comment", "value"),
    ('""', ""),
])
def test_values_are_read_as_the_shell_reads_them(text, value):
    assert unquote(text) == value


def test_quoting_escapes_what_the_shell_would_expand():
    assert quote('a"b$c`d\\') == '"a\\"b\\$c\\`d\\\\"'
    assert unquote(quote('a"b$c`d\\')) == 'a"b$c`d\\'
    with pytest.raises(ConfError):
        quote("two\nlines")
    with pytest.raises(ConfError):
        unquote('"open')


def test_owned_keys_are_set_in_place_below_their_example_or_at_the_end():
    text, changes = edited(PACKAGED, {"VNET_MODE": "STATIC", "VNET_PRIVINTERFACE": "eth0", "VNET_SUBNET": "192.168.1.0"},
                           owned=["VNET_BRIDGE"])
    assert text == """# Eucalyptus configuration
EUCALYPTUS="/"
NC_PORT="8775"

#VNET_MODE="SYSTEM"
VNET_MODE="STATIC"
#VNET_PRIVINTERFACE="eth0"
VNET_PRIVINTERFACE="eth0"

# Set by privatecloud.iaas
VNET_SUBNET="192.168.1.0"
"""
    assert changes == {"VNET_MODE": ("SYSTEM", "STATIC"), "VNET_BRIDGE": ("xenbr0", None),
                       "VNET_PRIVINTERFACE": (None, "eth0"), "VNET_SUBNET": (None, "192.168.1.0")}
    assert edited(text, {"VNET_MODE": "STATIC", "VNET_PRIVINTERFACE": "eth0", "VNET_SUBNET": "192.168.1.0"},
                  owned=["VNET_BRIDGE"]) == (text, {})


def test_an_unquoted_equal_value_is_left_as_it_is():
    assert edited("VNET_MODE=SYSTEM\n", {"VNET_MODE": "SYSTEM"}) == ("VNET_MODE=SYSTEM\n", {})


def test_a_repeated_assignment_is_judged_by_the_shells_value_and_collapsed_when_it_changes():
    text = 'VNET_DNS="1.1.1.1"\nOTHER=1\nVNET_DNS="192.168.1.2"\n'
    assert parse(text)["VNET_DNS"] == "192.168.1.2"
    assert edited(text, {"VNET_DNS": "192.168.1.2"}) == (text, {})
    assert edited(text, {"VNET_DNS": "192.168.1.3"})[0] == 'VNET_DNS="192.168.1.3"\nOTHER=1\n'


def test_keys_not_owned_are_never_touched():
    text = 'NC_PORT="9999"\nVNET_MODE="SYSTEM"\n'
    new, changes = edited(text, {"VNET_MODE": "MANAGED"})
    assert new == 'NC_PORT="9999"\nVNET_MODE="MANAGED"\n' and list(changes) == ["VNET_MODE"]


def test_an_empty_file_gets_the_block():
    assert edited("", {"VNET_MODE": "SYSTEM", "VNET_BRIDGE": "br0"})[0] == (
        '# Set by privatecloud.iaas\nVNET_MODE="SYSTEM"\nVNET_BRIDGE="br0"\n')


def test_a_unicode_line_separator_is_inside_a_line_for_the_shell_and_for_the_reader():
    # A file an earlier version wrote, or someone edited: the shell splits lines on newlines only.
    text = 'VNET_MODE="MANAGED"\nEXTRA="a\u2028b"\nVNET_DNS="192.0.2.2"\n'
    assert parse(text) == {"VNET_MODE": "MANAGED", "EXTRA": "a\u2028b", "VNET_DNS": "192.0.2.2"}
    new, changes = edited(text, {"VNET_DNS": "192.0.2.3"})
    assert changes == {"VNET_DNS": ("192.0.2.2", "192.0.2.3")}
    assert new == 'VNET_MODE="MANAGED"\nEXTRA="a\u2028b"\nVNET_DNS="192.0.2.3"\n'
    assert edited(new, {"VNET_DNS": "192.0.2.3"}) == (new, {})


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\u2028b", "a\x00b", "a\x1bb"])
def test_a_value_that_is_not_one_line_is_never_written(value):
    with pytest.raises(ConfError, match="is not one line"):
        quote(value)
