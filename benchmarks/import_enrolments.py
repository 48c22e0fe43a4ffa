"""Benchmark: importing an enrolments file of N rows (default 1,000,000).

    .venv/bin/python benchmarks/import_enrolments.py [--rows N] [--db sqlite|postgresql|both]
        [--runs 2000] [--profile]

For each database it builds a fresh one (an SQLite file in a temporary folder;
the PostgreSQL database `bench` on 127.0.0.1:5432, user postgres, dropped and
created), migrates it, creates the reference rows (organizations, programmes,
course runs), writes the CSV with benchmarks/enrolment_rows.py, then measures,
each in its own process so that its peak memory is its own:

(a) our import with full validation, through `import_file`, the service behind
    `semillero import enrolments FILE`; then a re-import of the same file;
(b) the database's own bulk load of the same file into a bare table of text
    columns: SQLite `executemany` INSERT of the rows csv.reader yields, in one
    transaction; PostgreSQL `COPY … FROM STDIN` (psycopg 3 `cursor.copy`). Both
    read the file, as the import must;
(c) the ratio ours/raw and whether the goals hold: at least a third of the raw
    speed, and under 2 GB peak memory.

The import's time is the whole of `import_file`, including what runs after the
commit (the import_stored listeners: the indicator cube's refresh); that part
is also shown apart, with the rate of the import until its commit.

Peak memory is `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the process that
imports (the whole process: Python, Django, the file, polars), in MiB.
"""

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_URL = "postgres://postgres@127.0.0.1:5432/bench"
GOAL_RATIO = 1 / 3
GOAL_MEMORY_MIB = 2048


def peak_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the child processes -------------------------------------------------------------


def _django(env_dir: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semillero.config.settings.base")
    import django

    django.setup()


def phase_setup(args) -> dict:
    """Migrate and create the reference rows; return the course run codes."""
    _django(args.var)
    import datetime

    from django.core.management import call_command

    from semillero.registry.models import (
        Department,
        Organization,
        OrganizationType,
        TrainingArea,
    )
    from semillero.training.models import CourseRun, Programme

    call_command("migrate", verbosity=0)
    department = Department.objects.get(code="SV-SS")
    area = TrainingArea.objects.create(code="ELEC", name="Electricidad")
    centres = Organization.objects.bulk_create(
        Organization(
            code=f"CFP-{i:03d}",
            name=f"Centro {i}",
            type=OrganizationType.TRAINING_CENTRE,
            department=department,
        )
        for i in range(50)
    )
    programmes = Programme.objects.bulk_create(
        Programme(
            code=f"PRG-{i:03d}",
            name=f"Programa {i}",
            modality="initial",
            training_area=area,
            hours=200,
            delivery="in_person",
        )
        for i in range(40)
    )
    first = datetime.date(2024, 1, 8)
    runs = CourseRun.objects.bulk_create(
        CourseRun(
            code=f"RUN-{i:05d}",
            programme=programmes[i % len(programmes)],
            provider=centres[i % len(centres)],
            start_date=first + datetime.timedelta(days=i % 140),
            end_date=first + datetime.timedelta(days=i % 140 + 90),
            department=department,
        )
        for i in range(args.runs)
    )
    return {"run_codes": [r.code for r in runs]}


def phase_import(args) -> dict:
    _django(args.var)
    from django.db import connection

    from semillero.core import signals
    from semillero.core.importing.services import import_file

    connection.ensure_connection()
    # Measured apart, not left out: the import_stored listeners (the indicator
    # cube's refresh) run after the commit, inside import_file.
    listeners = {"seconds": 0.0}
    send = signals.import_stored.send

    def timed_send(*args, **kwargs):
        started = time.perf_counter()
        try:
            return send(*args, **kwargs)
        finally:
            listeners["seconds"] += time.perf_counter() - started

    signals.import_stored.send = timed_send
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = import_file(kind="enrolments", path=args.csv)
    seconds = time.perf_counter() - started
    if profiler:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
    batch = report.batch
    return {
        "seconds": seconds,
        "listener_seconds": listeners["seconds"],
        "peak_mib": peak_mib(),
        "status": batch.status,
        "rows": batch.rows_total,
        "created": batch.rows_created,
        "updated": batch.rows_updated,
        "unchanged": batch.rows_unchanged,
        "rejected": batch.rows_rejected,
        "warned": batch.rows_warned,
        "file_error": batch.file_error,
    }


def phase_raw(args) -> dict:
    from enrolment_rows import HEADER

    columns = ", ".join(f'"{c}" text' for c in HEADER)
    names = ", ".join(f'"{c}"' for c in HEADER)
    if args.database == "sqlite":
        import sqlite3

        db = sqlite3.connect(Path(args.var) / "semillero.sqlite3")
        db.execute("DROP TABLE IF EXISTS raw_enrolments")
        db.execute(f"CREATE TABLE raw_enrolments ({columns})")
        db.commit()
        started = time.perf_counter()
        with open(args.csv, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            next(reader)
            marks = ", ".join("?" * len(HEADER))
            db.execute("BEGIN")
            db.executemany(
                f"INSERT INTO raw_enrolments ({names}) VALUES ({marks})", reader
            )
            db.commit()
        seconds = time.perf_counter() - started
        (count,) = db.execute("SELECT count(*) FROM raw_enrolments").fetchone()
    else:
        import psycopg

        with psycopg.connect(
            PG_BENCH_URL.replace("postgres://", "postgresql://")
        ) as db:
            db.execute("DROP TABLE IF EXISTS raw_enrolments")
            db.execute(f"CREATE TABLE raw_enrolments ({columns})")
            db.commit()
            started = time.perf_counter()
            with db.cursor() as cur, open(args.csv, "rb") as fh:
                sql = f"COPY raw_enrolments ({names}) FROM STDIN (FORMAT csv, HEADER true)"
                with cur.copy(sql) as copy:
                    while block := fh.read(1 << 20):
                        copy.write(block)
            db.commit()
            seconds = time.perf_counter() - started
            (count,) = db.execute("SELECT count(*) FROM raw_enrolments").fetchone()
    return {"seconds": seconds, "rows": count, "peak_mib": peak_mib()}


# -- the parent --------------------------------------------------------------------


def child(phase: str, database: str, var: Path, csv_path: Path | None, args) -> dict:
    env = dict(os.environ)
    env["SEMILLERO_VAR_DIR"] = str(var)
    env["SEMILLERO_IMPORT_MAX_FILE_BYTES"] = str(4 << 30)
    env["DJANGO_SETTINGS_MODULE"] = "semillero.config.settings.base"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")])
    if database == "postgresql":
        env["DATABASE_URL"] = PG_BENCH_URL
    else:
        env.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--database",
        database,
        "--var",
        str(var),
        "--runs",
        str(args.runs),
    ]
    if csv_path:
        command += ["--csv", str(csv_path)]
    if args.profile and phase == "import":
        command.append("--profile")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{phase} on {database} failed")
    if args.profile and phase == "import":
        sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS bench WITH (FORCE)")
        db.execute("CREATE DATABASE bench")


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS bench WITH (FORCE)")


def bench(database: str, args, work: Path) -> dict:
    from enrolment_rows import write_enrolments_csv

    var = work / database
    var.mkdir()
    if database == "postgresql":
        fresh_postgres()
    setup = child("setup", database, var, None, args)
    csv_path = work / f"enrolments-{args.rows}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        write_enrolments_csv(csv_path, args.rows, setup["run_codes"])
        print(
            f"wrote {csv_path.name}: {args.rows:,} rows, "
            f"{csv_path.stat().st_size / 2**20:,.0f} MiB in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    first = child("import", database, var, csv_path, args)
    again = child("import", database, var, csv_path, args)
    raw = child("raw", database, var, csv_path, args)
    if database == "postgresql" and not args.keep:
        drop_postgres()
    return {"import": first, "reimport": again, "raw": raw}


def report(database: str, result: dict, rows: int) -> None:
    first, again, raw = result["import"], result["reimport"], result["raw"]
    ours = rows / first["seconds"]
    ours_again = rows / again["seconds"]
    theirs = rows / raw["seconds"]
    ratio = ours / theirs
    raw_method = "executemany INSERT" if database == "sqlite" else "COPY FROM STDIN"
    print(f"\n== {database}: {rows:,} rows ==")
    print(
        f"import      {first['seconds']:8.1f} s  {ours:10,.0f} rows/s  "
        f"peak {first['peak_mib']:,.0f} MiB  ({first['status']}: "
        f"{first['created']:,} created, {first['updated']:,} updated, "
        f"{first['unchanged']:,} unchanged, {first['rejected']:,} rejected, "
        f"{first['warned']:,} with warnings)"
    )
    stored = first["seconds"] - first["listener_seconds"]
    print(
        f"  of which  {first['listener_seconds']:8.1f} s after the commit in the "
        "import_stored listeners (indicator cube refresh); "
        f"until the commit {stored:.1f} s, {rows / stored:,.0f} rows/s, "
        f"{rows / stored / theirs:.2f} of raw"
    )
    print(
        f"re-import   {again['seconds']:8.1f} s  {ours_again:10,.0f} rows/s  "
        f"peak {again['peak_mib']:,.0f} MiB  ({again['status']}: "
        f"{again['created']:,} created, {again['updated']:,} updated, "
        f"{again['unchanged']:,} unchanged)"
    )
    print(
        f"raw load    {raw['seconds']:8.1f} s  {theirs:10,.0f} rows/s  "
        f"({raw_method}, {raw['rows']:,} rows)"
    )
    print(
        f"ratio ours/raw {ratio:.2f} (goal >= {GOAL_RATIO:.2f}: "
        f"{'met' if ratio >= GOAL_RATIO else 'NOT met'}); "
        f"peak memory {first['peak_mib']:,.0f} MiB (goal < {GOAL_MEMORY_MIB:,}: "
        f"{'met' if first['peak_mib'] < GOAL_MEMORY_MIB else 'NOT met'}) "
        "[ru_maxrss of the importing process]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument(
        "--db", choices=["sqlite", "postgresql", "both"], default="both"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    parser.add_argument("--keep", action="store_true", help="keep the files and db")
    # Internal: the child processes.
    parser.add_argument("--phase", choices=["setup", "import", "raw"])
    parser.add_argument("--database")
    parser.add_argument("--var")
    parser.add_argument("--csv")
    args = parser.parse_args()

    if args.phase:
        result = {"setup": phase_setup, "import": phase_import, "raw": phase_raw}[
            args.phase
        ](args)
        print(json.dumps(result, default=str))
        return

    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    work = Path(tempfile.mkdtemp(prefix="semillero-bench-"))
    try:
        results = {db: bench(db, args, work) for db in databases}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for database, result in results.items():
        report(database, result, args.rows)


if __name__ == "__main__":
    main()
