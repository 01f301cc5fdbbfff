"""Satu Atap under gunicorn on a free loopback port, as production runs it (sync workers,
PostgreSQL, ``DEBUG=0``), for the load test and ``make bench``'s HTTP figures.

    with Server(database_url="postgres://...", workers=5, log=Path("/tmp/gunicorn.log")) as server:
        requests.get(server.url + "/")

``settings`` picks the settings module (``bench.http_settings`` adds the bench-only endpoints).
The server is stopped (SIGTERM to the master, SIGKILL after 15 s) when the block ends.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def url_of(settings_dict: dict) -> str:
    """A ``postgres://`` URL for a Django database settings dict (the test database, say)."""
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{settings_dict['PORT'] or 5432}/{quote(settings_dict['NAME'], safe='')}"


def fetch(url: str, *, headers: dict | None = None, data: bytes | None = None, timeout: float = 120) -> int:
    """The status of one request (no redirects followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def warm_up(base_url: str, requests: list[tuple[str, dict]], concurrency: int) -> list[int]:
    """Each of ``concurrency`` threads requests every (path, headers) once, so that every worker has
    imported its views, compiled its templates and opened its connection before anything is timed."""

    def one_pass(_n):
        return [fetch(base_url + path, headers=headers) for path, headers in requests]

    with ThreadPoolExecutor(concurrency) as pool:
        return [status for statuses in pool.map(one_pass, range(concurrency)) for status in statuses]


def recommended_workers() -> int:
    """Gunicorn's documented starting point: (2 x cores) + 1."""
    return 2 * (os.cpu_count() or 1) + 1


class Server:
    def __init__(
        self,
        *,
        database_url: str,
        log: Path,
        workers: int | None = None,
        settings: str = "satuatap.settings",
        env: dict | None = None,
        timeout: int = 120,
    ):
        self.workers = workers or recommended_workers()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log)
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE=settings,
            DEBUG="0",
            DB_CONN_MAX_AGE="600",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
            **(env or {}),
        )
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self._log = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "satuatap.wsgi",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "5",
        ]

    def start(self, wait: float = 90) -> "Server":
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            if len(self.worker_pids()) >= self.workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self
                except OSError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start within {wait} s:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def log(self) -> str:
        if self._log is not None and not self._log.closed:
            self._log.flush()
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
