"""Vendored JavaScript and CSS: each library comes with its licence, and the
vendored Vega-Lite can draw the specs that the pinned Altair writes."""

import re
from pathlib import Path

import altair as alt
import pytest

VENDOR = Path(__file__).resolve().parents[1] / "src" / "semillero" / "static" / "vendor"
VENDORED = sorted(p for p in VENDOR.iterdir() if p.is_dir())


@pytest.mark.parametrize("directory", VENDORED, ids=lambda p: p.name)
def test_every_vendored_library_has_its_licence(directory):
    assert re.fullmatch(r"[a-z][a-z0-9-]*-\d+\.\d+\.\d+", directory.name), (
        "vendor/<name>-<version>"
    )
    assert list(directory.glob("LICENSE*")), f"{directory.name} has no LICENSE file"


def version(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.lstrip("v").split("."))


def test_vendored_vega_lite_reads_what_altair_writes():
    """Same major version, and not older than Altair's schema (vega-embed warns
    otherwise, and newer spec features would be ignored)."""
    (directory,) = VENDOR.glob("vega-lite-*")
    vendored = version(directory.name.removeprefix("vega-lite-"))
    written = version(alt.SCHEMA_VERSION)
    assert vendored[0] == written[0]
    assert vendored >= written
    assert f'"{directory.name.removeprefix("vega-lite-")}"' in (
        directory / "vega-lite.min.js"
    ).read_text(encoding="utf-8")
