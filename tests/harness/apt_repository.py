"""Builds small signed apt repositories for the tests of the product repository tasks.

  python3 apt_repository.py DIRECTORY

writes two repositories, each with one empty package, privatecloud-repository-probe:

  DIRECTORY/accepted/   signed by an Ed25519 key bound with SHA-512, as modern apt wants it
  DIRECTORY/refused/    signed by an RSA key whose self-signatures use SHA-1, as older product
                        keys are; apt's sqv (Debian 13) refuses it, gpgv (Debian 12) accepts it

each with the public key beside it (key.asc, and its checksum as an inventory pins it in
key.asc.checksum), a flat suite 'stable' with component 'main', and
an InRelease file. Keys are made on the spot in a throw-away GnuPG home: nothing is downloaded
and nothing of the machine's own keys is used. Does nothing when DIRECTORY/complete exists.
"""

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

PACKAGE = "privatecloud-repository-probe"
# Written last: the repositories are complete, checksums included.
MARK = "complete"
REPOSITORIES = {
    # name: (key algorithm, gpg options choosing how the key's own signatures are hashed)
    "accepted": ("ed25519", ["--cert-digest-algo", "SHA512"]),
    "refused": ("rsa2048", ["--cert-digest-algo", "SHA1"]),
}


def run(*argv, **kwargs):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, **kwargs).stdout


def build_package(directory):
    root = os.path.join(directory, "package")
    os.makedirs(os.path.join(root, "DEBIAN"))
    with open(os.path.join(root, "DEBIAN", "control"), "w") as control:
        control.write("Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: privatecloud.iaas tests "
                      "<tests@example.org>\nDescription: an empty package the repository tests install\n" % PACKAGE)
    deb = os.path.join(directory, "%s_1.0_all.deb" % PACKAGE)
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb, stderr=subprocess.DEVNULL)
    return deb


def write_repository(path, deb, gnupg, uid):
    pool = os.path.join(path, "pool")
    binary = os.path.join(path, "dists", "stable", "main", "binary-all")
    os.makedirs(pool)
    os.makedirs(binary)
    os.link(deb, os.path.join(pool, os.path.basename(deb)))
    packages = run("dpkg-scanpackages", "--multiversion", "pool", cwd=path, stderr=subprocess.DEVNULL)
    indexes = {"main/binary-all/Packages": packages, "main/binary-all/Packages.gz": gzip.compress(packages, mtime=0)}
    for name, content in indexes.items():
        with open(os.path.join(path, "dists", "stable", name), "wb") as index:
            index.write(content)
    release = ["Origin: privatecloud.iaas tests", "Suite: stable", "Codename: stable",
               "Date: Thu, 01 Jan 2026 00:00:00 UTC", "Architectures: all amd64", "Components: main", "SHA256:"]
    release += [" %s %d %s" % (hashlib.sha256(content).hexdigest(), len(content), name)
                for name, content in sorted(indexes.items())]
    with open(os.path.join(path, "dists", "stable", "Release"), "w") as release_file:
        release_file.write("\n".join(release) + "\n")
    gpg = ["gpg", "--batch", "--quiet", "--homedir", gnupg]
    run(*gpg, "--digest-algo", "SHA512", "--local-user", uid, "--clearsign", "--output",
        os.path.join(path, "dists", "stable", "InRelease"), os.path.join(path, "dists", "stable", "Release"))
    exported = run(*gpg, "--armor", "--export", uid)
    with open(os.path.join(path, "key.asc"), "wb") as key:
        key.write(exported)
    # What an inventory pins the key with (euca_repo_key_checksum).
    with open(os.path.join(path, "key.asc.checksum"), "w") as checksum:
        checksum.write("sha256:%s\n" % hashlib.sha256(exported).hexdigest())


def main(directory):
    if os.path.exists(os.path.join(directory, MARK)):
        return
    # What an earlier version of this script left (a scenario's directory outlives a run) is made again.
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    with tempfile.TemporaryDirectory() as scratch:
        gnupg = os.path.join(scratch, "gnupg")
        os.mkdir(gnupg, 0o700)
        deb = build_package(scratch)
        for name, (algorithm, options) in REPOSITORIES.items():
            uid = "%s repository <%s@example.org>" % (name, name)
            run("gpg", "--batch", "--quiet", "--homedir", gnupg, "--passphrase", "", *options,
                "--quick-gen-key", uid, algorithm, "sign", "never", stderr=subprocess.DEVNULL)
            write_repository(os.path.join(directory, name), deb, gnupg, uid)
    open(os.path.join(directory, MARK), "w").close()


if __name__ == "__main__":
    main(sys.argv[1])
