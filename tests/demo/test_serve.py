"""`semillero serve`: the web server with the background worker beside it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from semillero.core.management.commands import serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_creates_the_runtime_directories(tmp_path, monkeypatch):
    """var/, media, static files and the file cache exist before anything runs."""
    var = tmp_path / "var"
    monkeypatch.setattr(serve, "run_server", lambda addrport, verbosity: None)
    monkeypatch.setattr(serve, "uses_database_worker", lambda: False)
    with override_settings(
        VAR_DIR=var,
        MEDIA_ROOT=var / "media",
        STATIC_ROOT=var / "staticfiles",
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(var / "cache"),
            }
        },
    ):
        call_command("serve", "--port", str(free_port()), stdout=StringIO())
    for name in ("media", "staticfiles", "cache"):
        assert (var / name).is_dir()


def test_the_worker_stops_when_the_server_stops(monkeypatch):
    """The worker runs while the server does and is stopped when it returns."""
    started = []
    seen_running = []

    def fake_worker_command(verbosity):
        return [sys.executable, "-c", "import time; time.sleep(120)"]

    real_start = serve.start_worker

    def recording_start(verbosity):
        proc = real_start(verbosity)
        started.append(proc)
        return proc

    def fake_server(addrport, verbosity):
        seen_running.append((addrport, started[0].poll() is None))

    monkeypatch.setattr(serve, "uses_database_worker", lambda: True)
    monkeypatch.setattr(serve, "worker_command", fake_worker_command)
    monkeypatch.setattr(serve, "start_worker", recording_start)
    monkeypatch.setattr(serve, "run_server", fake_server)
    port = free_port()
    call_command("serve", "--port", str(port), stdout=StringIO())
    assert seen_running == [(f"127.0.0.1:{port}", True)]
    assert started[0].poll() is not None


def test_a_busy_port_fails_before_the_worker_starts(monkeypatch):
    started = []
    monkeypatch.setattr(serve, "uses_database_worker", lambda: True)
    monkeypatch.setattr(serve, "start_worker", lambda v: started.append(v))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError):
            call_command("serve", "--port", str(port), stdout=StringIO())
    assert started == []


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent that does not reap."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_real_server_and_worker(tmp_path, stop_signal):
    """`semillero serve` answers HTTP with a db_worker child; Ctrl+C, SIGTERM and
    even SIGKILL of the server take the worker down with it."""
    var = tmp_path / "var"
    # Its own SQLite file, never a shared database, whatever DATABASE_URL or a
    # developer's .env (read from the working directory) say.
    env = dict(
        os.environ,
        SEMILLERO_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'semillero.sqlite3'}",
        DJANGO_SETTINGS_MODULE="semillero.config.settings.base",
    )
    cli = [sys.executable, "-m", "semillero.cli"]
    var.mkdir()  # migrate does not create it
    subprocess.run(  # noqa: S603
        [*cli, "migrate", "-v0"], env=env, cwd=tmp_path, check=True, timeout=120
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/accounts/login/"
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        workers = _children(server.pid)
        assert len(workers) == 1
        cmdline = Path(f"/proc/{workers[0]}/cmdline").read_bytes().split(b"\0")
        assert b"db_worker" in cmdline
        for name in ("media", "staticfiles", "cache"):
            assert (var / name).is_dir()

        server.send_signal(stop_signal)
        server.wait(timeout=30)
        if stop_signal != signal.SIGKILL:
            assert server.returncode == 0
        deadline = time.monotonic() + 15
        while _alive(workers[0]):
            assert time.monotonic() < deadline, "the worker outlived the server"
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
