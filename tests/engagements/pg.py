"""Starting and stopping a throwaway PostgreSQL cluster for the slow register tests.

Uses Debian's binaries under /usr/lib/postgresql/<version>/bin (``.ci/run`` installs them in
CI). When the tests run as root, the cluster runs as the ``postgres`` OS user. Loopback only.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        import shlex

        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(a) for a in args)]
    else:
        cmd = args
    subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not binaries:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed")
    bindir = Path(binaries[-1]).parent
    as_postgres = os.geteuid() == 0
    if as_postgres:
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL")
    root = Path(tempfile.mkdtemp(prefix="suasion-pg-"))
    if as_postgres:
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, log = root / "data", root / "server.log"
    port = _free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
          "-E", "UTF8"], as_postgres)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], as_postgres)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/"
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres)
        shutil.rmtree(root, ignore_errors=True)


def admin_execute(server_url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE DATABASE) on the ``postgres`` database."""
    import psycopg

    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://") + "postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(statement)
