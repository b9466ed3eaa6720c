"""CloudStack's database: the guide's settings in force, the role's accounts exactly as declared,
3306 reachable from the management network only, and the replica promoted by the failover
playbook (the side effect proved the replication itself with rows before that)."""

import testinfra

PRIMARY = testinfra.get_host("podman://csdb-primary")
REPLICA = testinfra.get_host("podman://csdb-replica")
MANAGEMENT = testinfra.get_host("podman://csdb-management")
OUTSIDER = testinfra.get_host("podman://csdb-outsider")
MANAGEMENT_HOSTS = "203.0.113.0/255.255.255.224"


def sql(host, query):
    return [line.split("\t") for line in host.check_output("mariadb --batch --skip-column-names -e %s",
                                                           query).splitlines()]


def test_the_guides_settings_are_in_the_drop_in_and_in_force():
    for host, server_id in ((PRIMARY, "1"), (REPLICA, "2")):
        assert host.file("/etc/mysql/mariadb.conf.d/60-cloudstack.cnf").content_string == (
            "[mysqld]\n"
            "innodb_rollback_on_timeout = 1\n"
            "innodb_lock_wait_timeout = 600\n"
            "max_connections = 350\n"
            "log-bin = mysql-bin\n"
            "binlog-format = ROW\n"
            "server_id = %s\n"
            "bind-address = 0.0.0.0\n" % server_id)
        assert sql(host, "SELECT @@server_id, @@max_connections, @@innodb_lock_wait_timeout, "
                         "@@innodb_rollback_on_timeout, @@log_bin, @@binlog_format, @@bind_address") == [
            [server_id, "350", "600", "1", "1", "ROW", "0.0.0.0"]]


def test_the_promoted_replica_replicates_no_more_and_has_every_row():
    # The side effect proved replication (rows and threads) and then failed over to the replica.
    assert REPLICA.check_output("mariadb -e 'SHOW SLAVE STATUS\\G'") == ""
    assert sql(REPLICA, "SELECT id, note FROM probe.notes ORDER BY id") == [
        ["1", "written on the primary"], ["2", "written while the replica was stopped"],
        ["3", "written after the failover"]]


def test_the_accounts_are_exactly_the_declared_ones_on_each_server():
    for host in (PRIMARY, REPLICA):
        accounts = sql(host, "SELECT user, host FROM mysql.user WHERE user IN ('root', 'cloud-repl') ORDER BY 1, 2")
        # root for the management server that deploys the schema, by its address: not for its network.
        assert accounts == [["cloud-repl", MANAGEMENT_HOSTS], ["root", "203.0.113.20"], ["root", "localhost"]]
        grants = host.check_output("mariadb -e %s", "SHOW GRANTS FOR 'cloud-repl'@'%s'" % MANAGEMENT_HOSTS)
        assert "GRANT REPLICATION SLAVE ON *.* TO `cloud-repl`@`203.0.113.0/255.255.255.224`" in grants
        assert "ALL PRIVILEGES" not in grants
    # The distribution's local root keeps its socket login.
    assert "unix_socket" in PRIMARY.check_output("mariadb -e \"SHOW CREATE USER 'root'@'localhost'\"")


def test_the_management_server_reaches_the_database_as_root():
    assert MANAGEMENT.check_output("mariadb -h 203.0.113.10 -u root -proot-secret-5b1e --batch "
                                   "--skip-column-names -e 'SELECT 1'") == "1"
    refused = MANAGEMENT.run("mariadb -h 203.0.113.10 -u root -pwrong -e 'SELECT 1'")
    assert refused.rc != 0 and "Access denied" in refused.stderr


def test_a_host_of_the_management_network_that_deploys_nothing_is_not_root():
    # The replica is on the management network: the firewall lets it through, and MariaDB refuses
    # root with the right password (root@203.0.113.0/255.255.255.224 would have let it in).
    refused = REPLICA.run("mariadb --connect-timeout=3 -h 203.0.113.10 -u root -proot-secret-5b1e -e 'SELECT 1'")
    assert refused.rc != 0 and "Access denied for user 'root'@'203.0.113.11'" in refused.stderr, refused.stderr


def test_the_outsider_is_dropped_by_the_firewall():
    result = OUTSIDER.run("mariadb --connect-timeout=3 -h 203.0.113.10 -u root -proot-secret-5b1e -e 'SELECT 1'")
    assert result.rc != 0
    # Dropped, not refused by the server: the connection never got an answer.
    assert "Access denied" not in result.stderr and "Can't connect" in result.stderr
    assert "-A IAAS-INPUT -s 203.0.113.0/27 -p tcp -m tcp --dport 3306 -j ACCEPT" in PRIMARY.check_output(
        "iptables -S IAAS-INPUT")


def test_no_secret_is_in_a_file_under_etc():
    for host in (PRIMARY, REPLICA):
        assert host.run("grep -rl -e root-secret-5b1e -e repl-secret-77c2 /etc").stdout == ""
