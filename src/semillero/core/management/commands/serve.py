"""`semillero serve`: Django's development server and the background worker together.

Background imports are django-tasks queued in the database; something must run them.
This command starts `db_worker` as a child process, runs the web server in this one,
and stops the worker when the server stops, so one command gives a working system
for the demo and for small installations. A production server runs the WSGI
application behind a real web server and `semillero db_worker` as its own service.
"""

import contextlib
import signal
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

# How long the worker may take to finish the task it is running when asked to stop.
WORKER_STOP_SECONDS = 30


def runtime_dirs() -> list[Path]:
    """The directories under VAR_DIR the running system writes to."""
    dirs = [
        Path(settings.VAR_DIR),
        Path(settings.MEDIA_ROOT),
        Path(settings.STATIC_ROOT),
    ]
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("FileBasedCache"):
            dirs.append(Path(cache["LOCATION"]))
    db = settings.DATABASES["default"]
    name = str(db.get("NAME") or "")
    if db["ENGINE"].endswith("sqlite3") and name and "memory" not in name:
        dirs.append(Path(name).parent)
    return dirs


def ensure_runtime_dirs() -> None:
    for path in runtime_dirs():
        path.mkdir(parents=True, exist_ok=True)


def uses_database_worker() -> bool:
    """True when background tasks go to the database queue, which needs a worker
    (the test settings run tasks inline instead)."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def worker_command(verbosity: int) -> list[str]:
    # The same interpreter and settings module (DJANGO_SETTINGS_MODULE is inherited).
    return [
        sys.executable,
        "-m",
        "semillero.cli",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        f"--verbosity={verbosity}",
    ]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: have the kernel stop the worker if this process dies without cleaning
    up (kill -9, a crash), so no orphan keeps polling the database."""
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_worker(verbosity: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        worker_command(verbosity),
        # Its own session: Ctrl+C in the terminal reaches the server only, and the
        # worker gets one orderly SIGTERM from us, after which it finishes its task.
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop_worker(worker: subprocess.Popen, stdout) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=2)
    except subprocess.TimeoutExpired:
        stdout.write(_("Waiting for the background worker to finish its current task…"))
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            worker.kill()
            worker.wait()


def run_server(addrport: str, verbosity: int) -> None:
    call_command(
        "runserver",
        addrport,
        use_reloader=False,
        skip_checks=False,
        verbosity=verbosity,
    )


def _exit_on_sigterm(signum, frame):
    # SIGTERM (systemd, docker stop, kill) ends the server like Ctrl+C does, so the
    # `finally` below stops the worker.
    raise SystemExit(0)


class Command(BaseCommand):
    # A plain string: argparse cannot format lazy translations (`--help` crashed).
    help = "Run the web server together with the background worker that runs imports."
    # runserver runs the system checks itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help=_("Address to listen on (default: %(default)s)."),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help=_("Port to listen on (default: %(default)s)."),
        )

    def handle(self, *args, host, port, verbosity, **options):
        ensure_runtime_dirs()
        self._check_port(host, port)
        worker = None
        if uses_database_worker():
            worker = start_worker(verbosity)
            self.stdout.write(
                _("Background worker started (process %(pid)s).") % {"pid": worker.pid}
            )
        else:
            self.stdout.write(
                _("Background tasks run inline with these settings: no worker needed.")
            )
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            addrport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            run_server(addrport, verbosity)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                stop_worker(worker, self.stdout)
                self.stdout.write(_("Background worker stopped."))

    def _check_port(self, host: str, port: int) -> None:
        """Fail before starting the worker: runserver exits with os._exit when the
        port is taken, which would skip our clean-up."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    _("Cannot listen on %(host)s:%(port)s: %(error)s")
                    % {"host": host, "port": port, "error": exc.strerror or exc}
                ) from exc
