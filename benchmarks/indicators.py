"""Benchmark: the indicator cube's rebuild and the dashboard's latency.

    .venv/bin/pip install -e '.[bench]'     # DuckDB (the reference), gunicorn
    SEMILLERO_VAR_DIR=/tmp/semi-nat .venv/bin/python benchmarks/indicators.py \\
        [--repeat 1] [--duration 20 | --requests N] [--clients 20] [--json OUT]
        [--server runserver|gunicorn] [--workers 4] [--skip-rebuild]
        [--skip-dashboard] [--compare-cells]

It runs against an EXISTING database holding a demo (`semillero demo --scale …`),
chosen the way the `semillero` command chooses it (DATABASE_URL, else the SQLite
file under SEMILLERO_VAR_DIR), with the settings `semillero.config.settings.base`.
It changes only the cube (`indicators_enrolmentcell`, `indicators_runcell`, a new
`indicators_cubebuild` row), which a rebuild rewrites anyway; the 20 logins add
sessions and django-axes access-log rows, and each client logs out at the end.

(1) Cube rebuild: wall time of `cube.rebuild()`, the `INSERT … SELECT` (one cell
    per enrolment) and `INSERT … SELECT … GROUP BY` (run cells) that fill both cube
    tables inside the database (best of --repeat); the cells
    and the enrolments of its snapshot.
(2) Reference: DuckDB (in memory, all cores) computing the same two tables from
    the same rows. First the rows the cube's SELECT reads are exported to Parquet
    in a temporary folder (not timed as either side; reported apart): one flat row
    per enrolment (trainee, course run, run start and end date, status, sex, birth
    date, residence, run department, programme, training area, modality, provider,
    the four vulnerability flags; the joins are done by the export) and one row
    per course run (end date, offer dimensions, cost). Then is timed:
    `CREATE TABLE … AS SELECT` for the enrolment cells (one per enrolment: start
    and end year, age group in whole years at the run's start, vulnerable = any
    flag true, empty sex as NULL) and for the run cells (costed runs by end year
    and offer dimensions, runs, cost, completers counted from the enrolments).
    Its results must have the cube's row counts and sums (OK/MISMATCH), which shows
    the comparison is like for like; `--compare-cells` also compares every cell
    (EXCEPT ALL both ways). Goal: rebuild within 10x DuckDB.
(3) Dashboard latency: the app server `semillero runserver 127.0.0.1:<port>
    --noreload` (what the demo serves with) as a subprocess; `--clients` clients
    (default 20) log in as the demo user `analyst` through the login form. A fixed
    set of national dashboard URLs (/indicators/: the default, the last 3 years,
    the 14 departments, the 4 modalities, 5 training areas and 5 providers with
    the most enrolments, 5 two-filter combinations) is requested
    (a) cold: each URL once, sequentially, right after clearing the Django cache
        (file-based under the var dir, shared with the server; checked), so each
        figure is the page's uncached computation;
    (b) warm: each URL twice in a row, the second (served from the cache)
        reported; every URL is then cached for the load;
    (c) load: every client in its own thread loops over random URLs of the set for
        --duration seconds (or --requests each): count, throughput, p50/p95/p99/max
        of the latency the client sees and of the server's own time, errors
        (non-200 or a redirect). Goal: client p95 under 150 ms.
    The server's time is its `Server-Timing: app;dur=<ms>` header (middleware
    first in the chain: the whole Django response, not the queue or the network).
    The client is urllib (one connection per request) in threads of this process.

The machine's load matters: run it on an otherwise idle machine.
"""

import argparse
import contextlib
import http.cookiejar
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOAL_RATIO = 10
GOAL_P95_MS = 150
USERNAME = "analyst"
PASSWORD = "semillero-demo"
MODALITIES = ("initial", "continuous", "dual", "certification")
EXPORT_BATCH = 250_000
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semillero.config.settings.base")
    import django

    django.setup()


def best_of(repeat: int, run) -> tuple[float, object]:
    """The shortest wall time of `repeat` calls of `run`, and the last result."""
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


# -- (1) the cube's rebuild ------------------------------------------------------------


def measure_rebuild(repeat: int) -> dict:
    from django.db import connection

    from semillero.indicators import cube

    seconds, build = best_of(repeat, lambda: cube.rebuild(triggered_by="benchmark"))
    return {
        "seconds": seconds,
        "cells": build.cells,
        "enrolments": build.snapshot["enrolments"],
        "database": connection.vendor,
    }


def cube_totals() -> dict:
    from django.db.models import Count, Sum

    from semillero.indicators.models import EnrolmentCell, RunCell

    enrolment = EnrolmentCell.objects.aggregate(rows=Count("id"), n=Sum("enrolments"))
    run = RunCell.objects.aggregate(
        rows=Count("id"), runs=Sum("runs"), cost=Sum("cost_usd"), c=Sum("completers")
    )
    return {
        "enrolment_rows": enrolment["rows"],
        "enrolments": enrolment["n"] or 0,
        "run_rows": run["rows"],
        "runs": run["runs"] or 0,
        "cost_usd": round(float(run["cost"] or 0), 2),
        "completers": run["c"] or 0,
    }


# -- (2) the DuckDB reference ----------------------------------------------------------


def _tables() -> dict:
    from semillero.registry.models import Department, Organization, TrainingArea
    from semillero.training.models import CourseRun, Enrolment, Programme, Trainee

    models = {
        "enrolment": Enrolment,
        "trainee": Trainee,
        "run": CourseRun,
        "programme": Programme,
        "department": Department,
        "area": TrainingArea,
        "organization": Organization,
    }
    return {key: model._meta.db_table for key, model in models.items()}


def _export_queries() -> dict[str, tuple[str, dict]]:
    """The source rows, flat, with the Parquet type of each column."""
    import polars as pl

    from semillero.indicators.cube import VULNERABILITY_FLAGS

    t = _tables()
    offer_joins = (
        f"JOIN {t['department']} rd ON rd.id = r.department_id "
        f"JOIN {t['programme']} p ON p.id = r.programme_id "
        f"JOIN {t['area']} a ON a.id = p.training_area_id "
        f"JOIN {t['organization']} o ON o.id = r.provider_id"
    )
    offer = (
        "rd.code AS run_department, p.code AS programme, "
        "a.code AS training_area, p.modality, o.code AS provider"
    )
    offer_columns = ("run_department", "programme", "training_area", "modality")
    text = {column: pl.String for column in (*offer_columns, "provider")}
    flags = ", ".join(f"tr.{flag}" for flag in VULNERABILITY_FLAGS)
    enrolments = (
        "SELECT e.trainee_id, e.course_run_id, r.start_date, r.end_date, e.status, "
        f"tr.sex, tr.birth_date, td.code AS residence, {offer}, {flags} "
        f"FROM {t['enrolment']} e "
        f"JOIN {t['trainee']} tr ON tr.id = e.trainee_id "
        f"JOIN {t['run']} r ON r.id = e.course_run_id "
        f"LEFT JOIN {t['department']} td ON td.id = tr.department_id "
        f"{offer_joins}"
    )
    enrolment_schema = {
        "trainee_id": pl.Int64,
        "course_run_id": pl.Int64,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "status": pl.String,
        "sex": pl.String,
        "birth_date": pl.Date,
        "residence": pl.String,
        **text,
        **{flag: pl.Boolean for flag in VULNERABILITY_FLAGS},
    }
    runs = (
        "SELECT r.id AS course_run_id, r.end_date, "
        f"{offer}, CAST(r.cost_usd AS DOUBLE PRECISION) AS cost_usd "
        f"FROM {t['run']} r {offer_joins}"
    )
    run_schema = {
        "course_run_id": pl.Int64,
        "end_date": pl.Date,
        **text,
        "cost_usd": pl.Float64,
    }
    return {
        "enrolments": (enrolments, enrolment_schema),
        "runs": (runs, run_schema),
    }


def export_sources(work: Path) -> dict:
    """Write the source rows to work/<name>/part-N.parquet, in batches."""
    import polars as pl
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    rows = {}
    for name, (sql, schema) in _export_queries().items():
        folder = work / name
        folder.mkdir()
        rows[name] = 0
        batches = pl.read_database(
            sql,
            connection=connection.connection,
            iter_batches=True,
            batch_size=EXPORT_BATCH,
            schema_overrides=schema,
        )
        for i, batch in enumerate(batches):
            batch.select(
                [pl.col(c).cast(kind) for c, kind in schema.items()]
            ).write_parquet(folder / f"part-{i:04d}.parquet")
            rows[name] += batch.height
    size = sum(f.stat().st_size for f in work.rglob("*.parquet"))
    return {
        "seconds": time.perf_counter() - started,
        "enrolment_rows": rows["enrolments"],
        "run_rows": rows["runs"],
        "parquet_mib": size / 2**20,
    }


def duckdb_statements(work: Path) -> dict[str, str]:
    """The cube's two tables in DuckDB SQL, with the cube's own definitions of the
    age groups, the completers and vulnerability."""
    from semillero.indicators.cube import AGE_BOUNDS, COMPLETED, VULNERABILITY_FLAGS

    enrolments = f"read_parquet('{work / 'enrolments' / '*.parquet'}')"
    runs = f"read_parquet('{work / 'runs' / '*.parquet'}')"
    age_group = " ".join(
        f"WHEN age >= {low} THEN '{label}'" for low, label in AGE_BOUNDS
    )
    completed = ", ".join(f"'{s}'" for s in COMPLETED)
    any_flag = " OR ".join(VULNERABILITY_FLAGS)
    return {
        "enrolment_cells": f"""
            CREATE TABLE enrolment_cells AS
            WITH src AS (
                SELECT *,
                    year(start_date) - year(birth_date)
                    - CASE WHEN month(start_date) < month(birth_date)
                             OR (month(start_date) = month(birth_date)
                                 AND day(start_date) < day(birth_date))
                           THEN 1 ELSE 0 END AS age
                FROM {enrolments}
            )
            SELECT trainee_id,
                year(start_date) AS start_year,
                year(end_date) AS end_year,
                status,
                NULLIF(sex, '') AS sex,
                CASE WHEN birth_date IS NULL THEN NULL {age_group} ELSE '<15' END
                    AS age_group,
                residence, run_department, programme, training_area, modality,
                provider,
                coalesce({any_flag}, false) AS vulnerable,
                1 AS enrolments
            FROM src
        """,
        "run_cells": f"""
            CREATE TABLE run_cells AS
            WITH completers AS (
                SELECT course_run_id, count(*) AS n
                FROM {enrolments}
                WHERE status IN ({completed})
                GROUP BY course_run_id
            )
            SELECT year(r.end_date) AS end_year,
                r.run_department, r.programme, r.training_area, r.modality,
                r.provider,
                count(*) AS runs,
                sum(CAST(r.cost_usd AS DECIMAL(18, 2))) AS cost_usd,
                sum(coalesce(c.n, 0)) AS completers
            FROM {runs} r LEFT JOIN completers c USING (course_run_id)
            WHERE r.cost_usd IS NOT NULL
            GROUP BY ALL
        """,
    }


def duckdb_reference(work: Path, repeat: int) -> tuple[dict, object]:
    """Time the two CREATE TABLE … AS SELECT; return the figures and the db."""
    import duckdb

    db = duckdb.connect(":memory:")
    statements = duckdb_statements(work)
    parts = {}
    total = math.inf
    for _ in range(repeat):
        db.execute(
            "DROP TABLE IF EXISTS enrolment_cells; DROP TABLE IF EXISTS run_cells"
        )
        seconds = {}
        for table, sql in statements.items():
            started = time.perf_counter()
            db.execute(sql)
            seconds[table] = time.perf_counter() - started
        if sum(seconds.values()) < total:
            total, parts = sum(seconds.values()), seconds
    enrolment_rows, enrolments = db.execute(
        "SELECT count(*), coalesce(sum(enrolments), 0) FROM enrolment_cells"
    ).fetchone()
    run_rows, runs, cost, completers = db.execute(
        "SELECT count(*), coalesce(sum(runs), 0), coalesce(sum(cost_usd), 0), "
        "coalesce(sum(completers), 0) FROM run_cells"
    ).fetchone()
    (threads,) = db.execute("SELECT current_setting('threads')").fetchone()
    figures = {
        "seconds": total,
        "enrolment_cells_seconds": parts["enrolment_cells"],
        "run_cells_seconds": parts["run_cells"],
        "version": duckdb.__version__,
        "threads": threads,
        "totals": {
            "enrolment_rows": enrolment_rows,
            "enrolments": int(enrolments),
            "run_rows": run_rows,
            "runs": int(runs),
            "cost_usd": round(float(cost), 2),
            "completers": int(completers),
        },
    }
    return figures, db


def compare_cells(db, work: Path) -> dict:
    """Every cell of the cube against DuckDB's: rows in one and not the other."""
    import polars as pl
    from django.db import connection

    from semillero.indicators.models import EnrolmentCell, RunCell

    columns = {
        "enrolment_cells": (
            EnrolmentCell,
            "trainee_id, start_year, end_year, status, sex, age_group, residence, "
            "run_department, programme, training_area, modality, provider, "
            "CAST(vulnerable AS BOOLEAN), enrolments",
        ),
        "run_cells": (
            RunCell,
            "end_year, run_department, programme, training_area, modality, provider, "
            "runs, CAST(cost_usd AS DECIMAL(18, 2)), completers",
        ),
    }
    out = {}
    for table, (model, cols) in columns.items():
        path = work / f"cube-{table}.parquet"
        pl.read_database(
            f"SELECT * FROM {model._meta.db_table}", connection=connection.connection
        ).write_parquet(path)
        db.execute(f"CREATE TABLE cube_{table} AS SELECT * FROM read_parquet('{path}')")
        ours = f"SELECT {cols} FROM cube_{table}"
        theirs = f"SELECT {cols} FROM {table}"
        (only_cube,) = db.execute(
            f"SELECT count(*) FROM ({ours} EXCEPT ALL {theirs})"
        ).fetchone()
        (only_duck,) = db.execute(
            f"SELECT count(*) FROM ({theirs} EXCEPT ALL {ours})"
        ).fetchone()
        out[table] = {"only_in_cube": only_cube, "only_in_duckdb": only_duck}
    return out


# -- (3) the dashboard -----------------------------------------------------------------


def url_set() -> list[str]:
    """The national dashboard URLs requested, fixed for a given database."""
    from django.db.models import Sum

    from semillero.indicators import cube
    from semillero.indicators import dashboard as dash
    from semillero.indicators.models import EnrolmentCell
    from semillero.registry.models import Department

    years = dash.available_years(cube.latest_build())
    latest = years[0]

    def top(column: str, n: int = 5) -> list[str]:
        cells = EnrolmentCell.objects.filter(start_year=latest).order_by()
        ranked = (
            cells.values(column)
            .annotate(n=Sum("enrolments"))
            .order_by("-n", column)
            .values_list(column, flat=True)
        )
        return [code for code in ranked[:n] if code]

    def page(**filters) -> str:
        query = urllib.parse.urlencode({"year": latest, **filters})
        return f"/indicators/?{query}"

    departments = list(
        Department.objects.order_by("code").values_list("code", flat=True)
    )
    areas, providers, busiest = top("training_area"), top("provider"), top("residence")
    urls = ["/indicators/"]
    urls += [f"/indicators/?year={year}" for year in years[:3]]
    urls += [page(department=code) for code in departments]
    urls += [page(modality=modality) for modality in MODALITIES]
    urls += [page(training_area=code) for code in areas]
    urls += [page(provider=code) for code in providers]
    urls += [
        page(department=busiest[0], modality="initial"),
        page(department=busiest[1 % len(busiest)], training_area=areas[0]),
        page(modality="continuous", training_area=areas[1 % len(areas)]),
        page(provider=providers[0], modality="initial"),
        page(
            department=busiest[2 % len(busiest)], provider=providers[1 % len(providers)]
        ),
    ]
    return urls


def check_shared_cache() -> str:
    """The server and this process must share the cache for the cold pass."""
    from django.conf import settings

    config = settings.CACHES["default"]
    backend = config["BACKEND"].rsplit(".", 1)[-1]
    if backend in ("LocMemCache", "DummyCache"):
        raise SystemExit(f"the cache ({backend}) is not shared with the server")
    return f"{backend} at {config.get('LOCATION')}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(log_path: Path, server: str = "runserver", workers: int = 4):
    """The app server in its own process group; stopped on the way out.
    `runserver`: what the demo serves with (one process, threads). `gunicorn`:
    a production WSGI server with `workers` processes (sync workers)."""
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if server == "gunicorn":
        command = [
            str(bin_dir / "gunicorn"),
            "semillero.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]
    else:
        command = [str(bin_dir / "semillero"), "runserver", f"127.0.0.1:{port}"]
        command.append("--noreload")
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server, log_path)
        yield base
    finally:
        stop(server)


def wait_until_up(base: str, server, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log_path.read_text())
            raise SystemExit("the app server stopped while starting")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5):
                return
        time.sleep(0.3)
    raise SystemExit(f"the app server did not answer within {timeout:.0f} s")


def stop(server) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


class Client:
    """One browser: its own cookies (session, CSRF), urllib underneath."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def _csrf_post(self, form_path: str, post_path: str, fields: dict) -> str:
        with self.opener.open(self.base + form_path, timeout=60) as response:
            token = CSRF_INPUT.search(response.read().decode()).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        with self.opener.open(
            self.base + post_path, data.encode(), timeout=60
        ) as response:
            response.read()
            return urllib.parse.urlsplit(response.geturl()).path

    def login(self) -> None:
        landed = self._csrf_post(
            "/accounts/login/",
            "/accounts/login/",
            {"username": USERNAME, "password": PASSWORD, "next": ""},
        )
        if landed.startswith("/accounts/login"):
            raise SystemExit(f"could not log in as {USERNAME!r} (is the demo loaded?)")

    def logout(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self._csrf_post("/indicators/", "/accounts/logout/", {})

    def get(self, url: str) -> dict:
        """Status, client latency and server time (ms) of one GET; a redirect
        (e.g. to the login page) counts as an error."""
        started = time.perf_counter()
        server_ms = None
        try:
            with self.opener.open(self.base + url, timeout=120) as response:
                response.read()
                status = response.status
                timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
                server_ms = float(timing.group(1)) if timing else None
                if response.geturl() != self.base + url:
                    status = (
                        f"redirected to {urllib.parse.urlsplit(response.geturl()).path}"
                    )
        except urllib.error.HTTPError as error:
            status = error.code
            error.read()
        except OSError as error:
            status = type(error).__name__
        client_ms = (time.perf_counter() - started) * 1000
        return {
            "url": url,
            "status": status,
            "client_ms": client_ms,
            "server_ms": server_ms,
        }


def cold_pass(client: Client, urls: list[str]) -> list[dict]:
    """Each URL once, the cache cleared just before: its uncached computation."""
    from django.core.cache import cache

    results = []
    for url in urls:
        cache.clear()
        results.append(client.get(url))
    return results


def warm_pass(client: Client, urls: list[str]) -> list[dict]:
    """Each URL twice in a row; the second, served from the cache, is reported."""
    results = []
    for url in urls:
        client.get(url)
        results.append(client.get(url))
    return results


def load(clients: list[Client], urls: list[str], args) -> tuple[list[dict], float]:
    """Every client in its own thread, random URLs, until the time or count is up."""
    results: list[dict] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.duration

    def work(index: int, client: Client) -> None:
        rng = random.Random(args.seed + index)
        mine = []
        while (
            (len(mine) < args.requests)
            if args.requests
            else (time.monotonic() < deadline)
        ):
            mine.append(client.get(rng.choice(urls)))
        with lock:
            results.extend(mine)

    threads = [
        threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def distribution(values: list[float]) -> dict:
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
    }


def summarize_load(results: list[dict], seconds: float) -> dict:
    ok = [r for r in results if r["status"] == 200]
    errors: dict[str, int] = {}
    for r in results:
        if r["status"] != 200:
            errors[str(r["status"])] = errors.get(str(r["status"]), 0) + 1
    by_url: dict[str, list[float]] = {}
    for r in ok:
        by_url.setdefault(r["url"], []).append(r["client_ms"])
    slowest = sorted(
        ((percentile(v, 95), len(v), url) for url, v in by_url.items()), reverse=True
    )[:5]
    return {
        "requests": len(results),
        "seconds": seconds,
        "throughput": len(results) / seconds if seconds else 0,
        "client_ms": distribution([r["client_ms"] for r in ok]),
        "server_ms": distribution(
            [r["server_ms"] for r in ok if r["server_ms"] is not None]
        ),
        "errors": errors,
        "slowest_urls_p95_ms": [
            {"url": url, "p95": p95, "requests": n} for p95, n, url in slowest
        ],
    }


def cache_shared_with_server(urls_seen: list[str]) -> bool:
    """After the warm pass the default page's numbers are in the cache the server
    wrote: read them from here (proves cache.clear() here reaches the server)."""
    from django.core.cache import cache
    from django.utils import translation

    from semillero.indicators import cube
    from semillero.indicators import dashboard as dash

    if "/indicators/" not in urls_seen:
        return False
    with translation.override("es"):
        board = dash.Dashboard(
            year=dash.available_years(cube.latest_build())[0],
            filters={},
            cuts=dash.NATIONAL_CUTS,
            build=cube.latest_build(),
        )
        return cache.get(board.cache_key()) is not None


def measure_dashboard(args, work: Path) -> dict:
    cache_backend = check_shared_cache()
    urls = url_set()
    print(f"\n== dashboard: {len(urls)} URLs, {args.clients} clients ==", flush=True)
    with app_server(work / "server.log", args.server, args.workers) as base:
        clients = [Client(base) for _ in range(args.clients)]
        try:
            for client in clients:
                client.login()
            cold = cold_pass(clients[0], urls)
            warm = warm_pass(clients[0], urls)
            shared = cache_shared_with_server(urls)
            results, seconds = load(clients, urls, args)
        finally:
            for client in clients:
                client.logout()
    return {
        "urls": urls,
        "cache": cache_backend,
        "cache_shared_with_server": shared,
        "cold": cold,
        "warm": warm,
        "load": summarize_load(results, seconds),
    }


# -- report ----------------------------------------------------------------------------


def ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def print_pass(title: str, results: list[dict]) -> None:
    print(f"-- {title} (server ms / client ms / status) --")
    for r in results:
        print(
            f"  {ms(r['server_ms']):>7} {ms(r['client_ms']):>7}  "
            f"{r['status']}  {r['url']}"
        )
    server = [r["server_ms"] for r in results if r["server_ms"] is not None]
    if server:
        print(
            f"  total {sum(server) / 1000:.1f} s server, "
            f"median {ms(percentile(server, 50))} ms, "
            f"max {ms(max(server))} ms"
        )


def print_load(summary: dict, args) -> None:
    c, s = summary["client_ms"], summary["server_ms"]
    how = f"{args.requests} requests each" if args.requests else f"{args.duration:g} s"
    print(f"-- load: {args.clients} clients, {how} --")
    print(
        f"  {summary['requests']:,} requests in {summary['seconds']:.1f} s: "
        f"{summary['throughput']:.1f} req/s; errors {sum(summary['errors'].values())} "
        f"{summary['errors'] or ''}"
    )
    for name, d in (("client", c), ("server", s)):
        print(
            f"  {name} ms: p50 {ms(d['p50'])}  p95 {ms(d['p95'])}  "
            f"p99 {ms(d['p99'])}  max {ms(d['max'])}"
        )
    print("  slowest URLs by client p95:")
    for row in summary["slowest_urls_p95_ms"]:
        print(f"    {ms(row['p95']):>7} ms  ({row['requests']} requests)  {row['url']}")


def print_reference(rebuild: dict, export: dict, duck: dict, cube: dict, cells) -> None:
    print(f"\n== cube rebuild ({rebuild['database']}) vs DuckDB {duck['version']} ==")
    print(
        f"rebuild      {rebuild['seconds']:8.2f} s  {rebuild['cells']:,} cells from "
        f"{rebuild['enrolments']:,} enrolments"
    )
    print(
        f"export       {export['seconds']:8.2f} s  "
        f"(not measured: {export['enrolment_rows']:,} "
        f"enrolment rows, {export['run_rows']:,} course runs, "
        f"{export['parquet_mib']:.1f} MiB Parquet)"
    )
    print(
        f"DuckDB       {duck['seconds']:8.2f} s  (enrolment cells "
        f"{duck['enrolment_cells_seconds']:.2f} s, "
        f"run cells {duck['run_cells_seconds']:.2f} s; "
        f"{duck['threads']} threads)"
    )
    theirs = duck["totals"]
    for key in cube:
        verdict = "OK" if cube[key] == theirs[key] else "MISMATCH"
        print(
            f"  {key:<15} cube {cube[key]:>16,}  DuckDB {theirs[key]:>16,}  {verdict}"
        )
    for table, diff in (cells or {}).items():
        verdict = "OK" if not any(diff.values()) else "MISMATCH"
        print(
            f"  {table}: {diff['only_in_cube']:,} cells only in the cube, "
            f"{diff['only_in_duckdb']:,} only in DuckDB  {verdict}"
        )


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def summary(figures: dict) -> None:
    """The goals, also stored in the figures (for --json)."""
    goals = {}
    print("\n== summary ==")
    if "rebuild" in figures:
        goals.update(summarize_rebuild(figures))
    board = figures.get("dashboard")
    if board:
        load_ = board["load"]
        p95 = load_["client_ms"]["p95"]
        goals["dashboard_p95_under_150ms"] = (
            p95 is not None and p95 < GOAL_P95_MS and not load_["errors"]
        )
        for name in ("cold", "warm"):
            server = [r["server_ms"] for r in board[name] if r["server_ms"]]
            print(
                f"dashboard {name}: {len(server)} URLs, server median "
                f"{ms(percentile(server, 50))} ms, "
                f"max {ms(max(server, default=None))} ms"
            )
        print(
            f"dashboard load: {load_['throughput']:.1f} req/s, client p95 {ms(p95)} ms "
            f"(server p95 {ms(load_['server_ms']['p95'])} ms), "
            f"errors {sum(load_['errors'].values())}; goal p95 < {GOAL_P95_MS} ms "
            f"without errors: {verdict(goals['dashboard_p95_under_150ms'])}"
        )
    figures["goals"] = goals


def summarize_rebuild(figures: dict) -> dict:
    rebuild, duck = figures["rebuild"], figures["duckdb"]
    ratio = rebuild["seconds"] / duck["seconds"] if duck["seconds"] else math.inf
    cells = figures.get("cell_comparison") or {}
    same = figures["cube_totals"] == duck["totals"] and not any(
        any(diff.values()) for diff in cells.values()
    )
    met = ratio <= GOAL_RATIO and same
    print(
        f"cube rebuild {rebuild['seconds']:.2f} s ({rebuild['cells']:,} cells, "
        f"{rebuild['enrolments']:,} enrolments); DuckDB {duck['seconds']:.2f} s "
        f"on the same rows, same cells: {'OK' if same else 'MISMATCH'}"
    )
    print(f"  ratio rebuild/DuckDB {ratio:.1f}x; goal <= {GOAL_RATIO}x: {verdict(met)}")
    figures["ratio_rebuild_duckdb"] = ratio
    return {"rebuild_within_10x_duckdb": met}


def measure_rebuild_and_reference(args, work: Path, figures: dict) -> None:
    print("rebuilding the cube…", flush=True)
    figures["rebuild"] = measure_rebuild(args.repeat)
    figures["cube_totals"] = cube_totals()
    print("exporting the source rows to Parquet…", flush=True)
    figures["export"] = export_sources(work)
    figures["duckdb"], db = duckdb_reference(work, args.repeat)
    if args.compare_cells:
        figures["cell_comparison"] = compare_cells(db, work)
    db.close()
    print_reference(
        figures["rebuild"],
        figures["export"],
        figures["duckdb"],
        figures["cube_totals"],
        figures.get("cell_comparison"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="rebuild and DuckDB runs")
    parser.add_argument("--duration", type=float, default=20, help="load seconds")
    parser.add_argument("--requests", type=int, default=0, help="per client, not time")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare-cells", action="store_true", help="every cell")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument(
        "--skip-rebuild", action="store_true", help="use the cube as is"
    )
    parser.add_argument(
        "--server",
        choices=("runserver", "gunicorn"),
        default="runserver",
        help="runserver: the demo's server; gunicorn: production-like (bench extra)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--json", metavar="OUT", help="write the figures here")
    args = parser.parse_args()

    setup_django()
    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['NAME']}", flush=True)
    figures: dict = {"args": vars(args)}
    work = Path(tempfile.mkdtemp(prefix="semillero-bench-indicators-"))
    try:
        if not args.skip_rebuild:
            measure_rebuild_and_reference(args, work, figures)
        if not args.skip_dashboard:
            board = figures["dashboard"] = measure_dashboard(args, work)
            print(
                f"cache: {board['cache']}; "
                f"shared with the server: {board['cache_shared_with_server']}"
            )
            print_pass("cold: cache cleared before each URL", board["cold"])
            print_pass("warm: each URL again, from the cache", board["warm"])
            print_load(board["load"], args)
        summary(figures)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
