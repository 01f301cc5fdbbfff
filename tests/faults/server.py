"""The app under gunicorn, on the test database, as production runs it (sync workers, PostgreSQL)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database this test process uses (the test database pytest-django created)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


class Gunicorn:
    """``gunicorn satuatap.wsgi`` with ``workers`` sync workers on a free localhost port, with the
    fault tests' settings (``tests.faults.settings``: the 503 middleware, connection health checks)."""

    def __init__(self, *, workers: int = 2, log: Path):
        self.workers_wanted = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = dict(
            os.environ,
            DATABASE_URL=database_url(),
            DJANGO_SETTINGS_MODULE="tests.faults.settings",
            DB_CONN_MAX_AGE="60",
            PYTHONUNBUFFERED="1",
        )
        self._log = open(log, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "satuatap.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                # Loaded once in the master: a killed worker is replaced in a fraction of a second.
                "--preload",
                "--timeout",
                "30",
                "--graceful-timeout",
                "3",
                # One control socket per user by default: two servers at once would fight over it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            if len(self.worker_pids()) >= self.workers_wanted:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start within {timeout} s:\n{self.log()}")

    def kill_worker(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    def wait_workers(self, excluding: set[int], timeout: float = 30) -> None:
        """Until the master has replaced the killed workers (pids in ``excluding``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = set(self.worker_pids())
            if len(pids - excluding) >= self.workers_wanted:
                return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not replace its killed workers within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
