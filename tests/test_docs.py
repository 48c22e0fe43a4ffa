"""Documentation that is checked: every setting read from the environment is in the
README, and every file the README links to exists."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SETTINGS_DIR = ROOT / "src" / "semillero" / "config" / "settings"
# The django-environ readers: env.str("NAME"), env.int, env.bool, env.list, env.db_url…
ENV_READERS = {"str", "int", "bool", "list", "float", "json", "db_url", "url", "path"}


def environment_variables(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.func.attr in ENV_READERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def settings_variables() -> set[str]:
    names = set()
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        names |= environment_variables(path.read_text(encoding="utf-8"))
    return names


def test_the_checker_finds_every_kind_of_read():
    """Calls split over lines and every reader are found."""
    source = (
        'A = env.str(\n    "SEMILLERO_A", default="x"\n)\n'
        'B = env.int("SEMILLERO_B")\nC = env.bool("SEMILLERO_C")\n'
        'D = env.list("SEMILLERO_D")\nE = env.db_url("DATABASE_URL")\n'
        'F = other.str("NOT_A_SETTING")\n'
    )
    assert environment_variables(source) == {
        "SEMILLERO_A",
        "SEMILLERO_B",
        "SEMILLERO_C",
        "SEMILLERO_D",
        "DATABASE_URL",
    }


def test_settings_read_the_documented_basics():
    names = settings_variables()
    assert {"DATABASE_URL", "SEMILLERO_SECRET_KEY", "SEMILLERO_VAR_DIR"} <= names


@pytest.mark.parametrize("name", sorted(settings_variables()))
def test_every_environment_setting_is_in_the_readme(name):
    """A setting read from the environment is documented in the README's
    configuration tables, written as `NAME`."""
    assert f"`{name}`" in README.read_text(encoding="utf-8"), (
        f"{name} is read in config/settings but not documented in README.md"
    )


def readme_links() -> list[str]:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return sorted(
        {t.split("#", 1)[0] for t in targets if not re.match(r"[a-z]+:", t)} - {""}
    )


def test_the_readme_links_to_the_docs():
    assert "docs/architecture.md" in readme_links()
    assert "docs/glossary.md" in readme_links()


@pytest.mark.parametrize("target", readme_links())
def test_every_file_the_readme_links_to_exists(target):
    assert (ROOT / target).exists(), f"README.md links to {target}, which is missing"


def imports_doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "imports.md").read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z_]+)`.*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_import_kind_and_column_is_documented():
    """docs/imports.md has a section per import kind listing every column and
    every header alias, so the documentation follows the importers."""
    from semillero.core.importing import importer_classes

    sections = imports_doc_sections()
    problems = []
    for kind, importer in sorted(importer_classes().items()):
        section = sections.get(kind)
        if section is None:
            problems.append(f"no section for {kind}")
            continue
        for column in importer.columns:
            for name in (column.name, *column.aliases):
                if f"`{name}`" not in section:
                    problems.append(f"{kind}: `{name}` is not documented")
    assert not problems, "docs/imports.md is behind the importers:\n" + "\n".join(
        problems
    )


def test_every_indicator_is_documented():
    """docs/indicators.md has a row for every indicator of the registry."""
    from semillero.indicators.definitions import INDICATORS

    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [i.code for i in INDICATORS if f"| `{i.code}` |" not in text]
    assert not missing, f"docs/indicators.md does not document {missing}"
