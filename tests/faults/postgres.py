"""Stopping and starting the PostgreSQL server the test database lives on.

The server is found by its port among the clusters ``pg_lsclusters`` lists (Debian's cluster
tools, as the CI machine runs PostgreSQL; see ``.ci/run``) and driven with ``pg_ctlcluster`` as
root. It stops every session on that server, other test runs' too: the restart test runs in CI, and
elsewhere only when ``FAULTS_RESTART_PG=1`` says that nothing else uses the server.
"""

import os
import shutil
import subprocess
import time

from django.db import connection


class ClusterNotFound(Exception):
    pass


def cluster_of_test_database() -> tuple[str, str]:
    """(version, name) of the local cluster serving the test database."""
    if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
        raise ClusterNotFound("Debian's PostgreSQL cluster tools (pg_lsclusters, pg_ctlcluster) are not installed")
    if os.geteuid() != 0:
        raise ClusterNotFound("restarting PostgreSQL with pg_ctlcluster needs root")
    host = connection.settings_dict["HOST"] or "localhost"
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise ClusterNotFound(f"the test database is on {host}, not on this machine")
    with connection.cursor() as cursor:
        cursor.execute("SHOW port")
        port = cursor.fetchone()[0]
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if cluster_port == port:
            return version, name
    raise ClusterNotFound(f"no cluster of pg_lsclusters listens on port {port}")


def _ctl(cluster: tuple[str, str], action: str) -> None:
    version, name = cluster
    # pg_ctlcluster stops in fast mode: open transactions are rolled back, sessions cut.
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
        check=True,
        capture_output=True,
        timeout=120,
    )


def stop(cluster: tuple[str, str]) -> None:
    """Stop the server at once."""
    _ctl(cluster, "stop")


def _running(cluster: tuple[str, str]) -> bool:
    listing = subprocess.run(["pg_lsclusters", "--no-header", *cluster], capture_output=True, text=True).stdout
    return " online" in listing


def start(cluster: tuple[str, str], timeout: float = 60) -> None:
    """Start the server (unless it runs) and wait until it accepts connections."""
    if not _running(cluster):
        _ctl(cluster, "start")
    version, name = cluster
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = subprocess.run(["pg_lsclusters", "--no-header", version, name], capture_output=True, text=True)
        port = status.stdout.split()[2] if status.stdout.split() else "5432"
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", port], capture_output=True)
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL {version}/{name} did not come back within {timeout} s")
