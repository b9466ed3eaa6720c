"""apt's refusals of a repository's signature, as the apt module reports them."""

from ansible_collections.privatecloud.iaas.plugins.module_utils.apt_sources import signature_refusals

# What apt 3.0 on Debian 13 printed for a repository signed by a key with SHA-1 self-signatures
# (tests/harness/apt_repository.py builds one), through the apt module's "Failed to update apt cache".
SQV = ("Failed to update apt cache: W:OpenPGP signature verification failed: file:/srv/repos/refused stable "
       "InRelease: Sub-process /usr/bin/sqv returned an error code (1), error message is: Signing key on "
       "C6F625D14DB0458FB211DDDAF98106CE391A360F is not bound:            No binding signature at time "
       "2026-11-29T13:29:06Z   because: Policy rejected non-revocation signature (PositiveCertification) "
       "requiring second pre-image resistance   because: SHA1 is not considered secure since "
       "2026-02-01T00:00:00Z, E:The repository 'file:/srv/repos/refused stable InRelease' is not signed.")
# apt 2.6 (Debian 12) with a key that did not sign the repository.
GPGV = ("W: GPG error: http://example.org/euca 3.1 InRelease: The following signatures couldn't be verified "
        "because the public key is not available: NO_PUBKEY 72AEB76E9DFD3375\n"
        "E: The repository 'http://example.org/euca 3.1 InRelease' is not signed.")


def test_sqvs_reason_is_the_last_link_of_its_chain():
    assert signature_refusals(SQV) == [("file:/srv/repos/refused stable",
                                        "SHA1 is not considered secure since 2026-02-01T00:00:00Z")]


def test_gpgvs_reason_is_kept_whole():
    assert signature_refusals(GPGV) == [("http://example.org/euca 3.1",
                                         "The following signatures couldn't be verified because the public key is "
                                         "not available: NO_PUBKEY 72AEB76E9DFD3375")]


def test_other_failures_are_no_refusal():
    assert signature_refusals("Failed to update apt cache: E:Failed to fetch http://example.org/dists/x/InRelease "
                              "Could not resolve 'example.org'") == []
    assert signature_refusals(None) == []


def test_apt_gets_own_lines_and_repeated_warnings_name_each_refusal_once():
    lines = SQV.replace("Failed to update apt cache: W:", "W: ").replace(", E:", "\nE: ")
    assert signature_refusals(lines + "\n" + lines) == signature_refusals(SQV)
