"""The database server's part of a host's plan: the guide's drop-in, the accounts the role owns,
the replica's primary, and passwords checked but never kept (the server itself checks the drop-in
in molecule/cloudstack_db)."""

import json

from ansible_collections.privatecloud.iaas.plugins.module_utils import database

SETTINGS = dict(database.OPTIONS, db_management_servers=2, db_server_id=2, db_bind_address="0.0.0.0",
                db_remote_root=True, db_remote_root_networks=["172.16.1.0/24"], db_replication_primary="db1",
                db_replication_networks=["172.16.1.0/24", "172.16.2.9/32"], db_replication_primary_address="172.16.1.5",
                db_root_password="root-secret-1", db_replication_password="repl-secret-2")


def section(release=("Debian", "13"), **changes):
    problems = []
    found = database.section(dict(SETTINGS, **changes), "db2", ["db2"], "db2host", release,
                             lambda *problem: problems.append(problem), ["mgmt1"])
    return found, problems


def test_a_replica_gets_the_drop_in_the_accounts_and_its_primary():
    found, problems = section()
    assert problems == []
    conf = found["files"][0]["content"]
    assert conf.startswith("[mysqld]\n") and "max_connections = 700\n" in conf and "server_id = 2\n" in conf
    assert found["accounts"]["root_hosts"] == ["172.16.1.0/255.255.255.0"]
    assert found["accounts"]["replication_hosts"] == ["172.16.1.0/255.255.255.0", "172.16.2.9"]
    assert found["accounts"]["declared"] == [
        "root@localhost", "root@127.0.0.1", "root@::1", "root@db2host", "root@172.16.1.0/255.255.255.0",
        "cloud-repl@172.16.1.0/255.255.255.0", "cloud-repl@172.16.2.9"]
    assert found["replica"] == {"primary": "db1", "primary_address": "172.16.1.5", "user": "cloud-repl"}
    assert found["accounts"]["replication_tls"] is True
    assert section(("Debian", "12"))[0]["accounts"]["replication_tls"] is False


def test_the_passwords_are_checked_and_never_kept():
    found, _problems = section()
    kept = json.dumps(found)
    assert "root-secret-1" not in kept and "repl-secret-2" not in kept
    # The part names the variables whose values the role hands over, never their values.
    assert found["secrets"] == [{"host": "db2", "name": "db_root_password"},
                                {"host": "db2", "name": "db_replication_password"}]
    _found, problems = section(db_root_password="", db_replication_password="")
    assert problems == [
        ("db_root_password", "(not set)", "is needed: mgmt1 deploys the schema from another host as the database's "
                                          "root"),
        ("db_replication_password", "(not set)", "is needed: db2 replicates db1")]
    _found, problems = section(db_max_connections=300)
    assert problems == [("db_max_connections", 300, "is below 700: 350 for each of the 2 management servers")]
