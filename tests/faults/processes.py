"""Real processes for the fault suite: a private redis-server, `rundramatiq` workers, and waiting on them."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = float(os.environ.get("FAULT_LEASE_SECONDS", "5"))  # short to keep the suite quick (production: 15)


def require(what: str, problem: str) -> None:
    """Skip for a missing service, or fail loudly when services are required (CONTINUITY_REQUIRE_SERVICES=1)."""
    if os.environ.get("CONTINUITY_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (CONTINUITY_REQUIRE_SERVICES=1) but {problem}")
    pytest.skip(f"{what}: {problem}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the suite's own on a free port, which it may stop and start again (empty)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require("redis-server", "it is not on PATH")
        self.binary = str(binary)
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.folder / f"redis-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.answers, 10, what="the private redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.exceptions.ConnectionError:
            return False


def environment(media: Path, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker sharing this test's database, blob folder and models."""
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    roots = os.pathsep.join(str(p) for p in settings.MODEL_ROOTS)
    return {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "MODEL_ROOTS": roots, "DEMO": "0",
            "RENDER_THREADS": str(settings.RENDER_THREADS), "PYTHONUNBUFFERED": "1",
            "DRAMATIQ_BROKER_URL": broker_url, "WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
            "OUTBOX_SWEEP_SECONDS": "1", **extra}


class Worker:
    """`manage.py rundramatiq --processes 1 --threads 1`, its log appended to one file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"], cwd=ROOT,
            env=self.env, stdout=handle, stderr=subprocess.STDOUT)

    def ready_count(self) -> int:
        return self.log.read_text(errors="replace").count("Worker process is ready for action.")

    def child(self) -> int | None:
        """Return the pid of the worker child (rundramatiq execs dramatiq, whose children run the actors)."""
        if self.process is None:
            return None
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except FileNotFoundError:
            return None
        return int(children[0]) if children else None

    def kill_child(self) -> float:
        """SIGKILL the worker child, returning when (monotonic); dramatiq's main process exits, as after a crash."""
        assert self.process is not None
        wait_for(lambda: self.child() is not None, 30, lambda: f"the worker's child process\n{self.tail()}")
        os.kill(self.child() or 0, signal.SIGKILL)
        killed = time.monotonic()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return killed

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def blob_files_are_whole(media: Path) -> list[str]:
    """Return the stored blob files whose bytes do not hash to their name (partial or corrupt files)."""
    return [path.name for path in (media / "blobs" / "sha256").rglob("*")
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != path.name]


def wait_for(predicate: Callable[[], bool], timeout: float, what: str | Callable[[], str] = "") -> float:
    """Poll until `predicate` holds; return the seconds it took, or fail after `timeout` saying `what` was awaited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")
