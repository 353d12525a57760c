"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary folder, TCP.

The server runs as an unprivileged user (PostgreSQL refuses to run as root: under root the
data folder is given to ``nobody`` and the server started with ``runuser``), listens only on
127.0.0.1 on a free port, and is stopped and deleted at the end. Tests connect over TCP, so
the venv never has to be readable by that user. Where the binaries (Debian's ``postgresql``
package) or the driver (the ``postgres`` extra) are missing, the tests are skipped, except
under CI, where that is a failure: ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
BINARY_FOLDERS = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class PostgresServer:
    folder: Path
    port: int
    bin: Path
    user: str | None  # whom the server runs as, when started from root

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def find_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/").glob(BINARY_FOLDERS.lstrip("/")), key=lambda path: _major(path.parent.name))
    found = [path for path in found if (path / "initdb").exists() and (path / "pg_ctl").exists()]
    return found[-1] if found else None


def _major(name: str) -> int:
    return int(name) if name.isdigit() else -1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(server: PostgresServer, *command: str) -> None:
    prefix = ["runuser", "-u", server.user, "--"] if server.user else []
    subprocess.run([*prefix, *command], cwd=server.folder, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def start(bin_folder: Path) -> PostgresServer:
    """initdb + pg_ctl start in a new temporary folder; the server accepts trust logins on
    127.0.0.1 only."""
    folder = Path(tempfile.mkdtemp(prefix="actionplans-pg-"))
    user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
    if user:
        shutil.chown(folder, user=user)
    server = PostgresServer(folder, free_port(), bin_folder, user)
    try:
        _run(server, str(bin_folder / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {server.port} -c unix_socket_directories={folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        _run(server, str(bin_folder / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"),
             "-o", options, "-w", "start")
    except (subprocess.CalledProcessError, OSError) as error:
        log = _read(folder / "server.log")
        output = getattr(error, "output", b"") or b""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {error}\n{output.decode(errors='replace')}\n{log}") from error
    return server


def stop(server: PostgresServer) -> None:
    try:
        _run(server, str(server.bin / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        return ""
