"""`semillero import KIND FILE`: exit status 0 (all stored), 3 (rows rejected),
2 (file unusable, nothing written)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from semillero.core.models import ImportBatch
from semillero.registry.models import Organization

from .import_support import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = "code,name,type,department"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path, *lines, name="orgs.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(*lines))
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        try:
            call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
            code = 0
        except CommandError as exc:
            code = exc.returncode
            err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_every_row_stored_exits_0(tmp_path):
    """A file whose rows are all stored exits 0, run as the system (no user)."""
    code, out, err = run(
        "organizations", write(tmp_path, HEADER, "C-1,Uno,company,SV-SS")
    )
    assert code == 0
    assert "1 created" in out
    assert Organization.objects.filter(code="C-1").exists()
    assert ImportBatch.objects.get().user is None  # the system


def test_rejected_rows_exit_3_and_are_listed_on_stderr_and_in_the_errors_file(
    tmp_path,
):
    """Valid rows are stored; each rejected row is on stderr and in --errors; exit 3."""
    path = write(tmp_path, HEADER, "C-1,Uno,company,SV-SS", "C-2,Dos,ngo,SV-SS")
    out_csv = tmp_path / "bad.csv"
    code, out, err = run("organizations", path, "--errors", out_csv)
    assert code == 3
    assert 'row 3: type "ngo" is not one of' in err
    assert Organization.objects.filter(code="C-1").exists()
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "code,name,type,department,errors"
    assert lines[1].startswith("C-2,Dos,ngo,SV-SS,")


def test_all_or_nothing_with_a_rejected_row_stores_nothing_and_exits_3(tmp_path):
    """--all-or-nothing with a bad row stores nothing and still exits 3."""
    path = write(tmp_path, HEADER, "C-1,Uno,company,SV-SS", "C-2,Dos,ngo,SV-SS")
    code, out, err = run("organizations", path, "--all-or-nothing")
    assert code == 3
    assert "nothing was stored" in err
    assert not Organization.objects.filter(code__startswith="C-").exists()


@pytest.mark.parametrize(
    "lines, name, message",
    [
        (
            ("code,name,department", "C-1,Uno,SV-SS"),
            "orgs.csv",
            "Required column missing: type.",
        ),
        ((HEADER, "C-1,Uno,company,SV-SS"), "orgs.xls", "Only CSV and XLSX files"),
        ((HEADER, "C-1,Uno,company,SV-SS"), "orgs.xlsx", "not an Excel workbook"),
    ],
)
def test_an_unusable_file_exits_2_and_writes_nothing(tmp_path, lines, name, message):
    """A missing required column or a file that is not CSV/XLSX exits 2, nothing stored."""
    code, out, err = run("organizations", write(tmp_path, *lines, name=name))
    assert code == 2
    assert message in err
    assert not Organization.objects.filter(code="C-1").exists()


def test_a_missing_file_exits_2(tmp_path):
    """A path that cannot be opened is an unusable file: exit 2."""
    code, out, err = run("organizations", tmp_path / "nowhere.csv")
    assert code == 2
    assert "could not be opened" in err


def test_user_imports_with_that_users_permissions(tmp_path, viewer_user, officer_user):
    """--user applies that user's permissions: a viewer is refused (exit 1, no batch)."""
    path = write(tmp_path, HEADER, "C-1,Uno,company,SV-SS")
    code, out, err = run("organizations", path, "--user", "viewer")
    assert code == 1
    assert "not allowed" in err
    assert not ImportBatch.objects.exists()
    code, out, err = run("organizations", path, "--user", "centre")
    assert code == 0
    assert ImportBatch.objects.get().user == officer_user


def test_an_unknown_kind_or_user_is_refused(tmp_path):
    """An unknown kind is a usage error; an unknown user exits 1."""
    path = write(tmp_path, HEADER, "C-1,Uno,company,SV-SS")
    assert run("spaceships", path)[0] != 0
    assert run("organizations", path, "--user", "nobody")[0] == 1


def test_the_installed_command_exits_with_the_documented_codes(tmp_path):
    """The real `semillero` executable, on a fresh SQLite database."""
    bindir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SEMILLERO_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "semillero.config.settings.base",
    }

    def semillero(*args):
        return subprocess.run(  # noqa: S603
            [str(bindir / "semillero"), *map(str, args)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert semillero("migrate", "-v0").returncode == 0
    good = write(tmp_path, HEADER, "C-1,Uno,company,SV-SS", name="good.csv")
    bad = write(tmp_path, HEADER, "C-2,Dos,ngo,SV-SS", name="bad.csv")
    broken = write(tmp_path, "code,name", "C-3,Tres", name="broken.csv")
    assert semillero("import", "organizations", good).returncode == 0
    result = semillero("import", "organizations", bad)
    assert result.returncode == 3
    assert 'type "ngo"' in result.stderr
    assert semillero("import", "organizations", broken).returncode == 2
