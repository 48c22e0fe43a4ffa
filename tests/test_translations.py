"""The translations are complete and compiled: Spanish is the default language, so
an untranslated or fuzzy message is a defect, and a .mo that does not match its .po
means the interface shows something other than what the .po says."""

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "semillero"
LOCALE = PACKAGE / "locale"
LANGUAGES = ["es", "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sdif]")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header included, obsolete `#~` entries left out)."""
    entries, entry, current = [], Entry(), None

    def finish():
        nonlocal entry, current
        if entry.msgstr:
            entries.append(entry)
        entry, current = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue  # comments, references, previous msgids, obsolete entries
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if current == "msgctxt":
                entry.msgctxt += value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural += value
            else:
                entry.msgstr[current] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if keyword == "msgctxt" or (keyword == "msgid" and entry.msgstr):
                if entry.msgstr:
                    finish()
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, value)
                entry.line = entry.line or number
                current = keyword
            else:
                match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
                assert match, f"{path}:{number}: unexpected {keyword}"
                current = int(match.group(1) or 0)
                entry.msgstr[current] = value
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy messages, keyed the way
    Python's gettext keys them."""
    catalog = {}
    for e in entries:
        if e.msgid == "" or "fuzzy" in e.flags:
            continue
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            if e.msgstr[0]:
                catalog[key] = e.msgstr[0]
        elif all(e.msgstr.values()):
            for n, text in e.msgstr.items():
                catalog[(key, n)] = text
    return catalog


def test_the_parser_reads_plurals_contexts_flags_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hola %(name)s"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "Mayo"\n\n'
        '#, fuzzy\nmsgid ""\n"long "\n"text"\nmsgstr "texto largo"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "uno"\nmsgstr[1] "muchos"\n\n'
        '#~ msgid "old"\n#~ msgstr "viejo"\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [(e.msgctxt, e.msgid, e.msgid_plural) for e in entries] == [
        (None, "", None),
        (None, "Hello %(name)s", None),
        ("month", "May", None),
        (None, "long text", None),
        (None, "one", "many"),
    ]
    assert "fuzzy" in entries[3].flags and "python-format" in entries[1].flags
    assert expected_catalog(entries) == {
        "Hello %(name)s": "Hola %(name)s",
        "month\x04May": "Mayo",
        ("one", 0): "uno",
        ("one", 1): "muchos",
    }


def test_spanish_has_every_message_translated_and_nothing_fuzzy():
    entries = parse_po(po_path("es"))
    assert len(entries) > 100
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in entries
        if e.msgid and not all(e.msgstr.values())
    ]
    assert not fuzzy, "fuzzy entries in es/django.po:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries in es/django.po:\n" + "\n".join(
        untranslated
    )


def test_spanish_keeps_every_placeholder():
    """A translation uses the same %(name)s placeholders as its message."""
    wrong = []
    for e in parse_po(po_path("es")):
        if not e.msgid:
            continue
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        expected = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
        for text in e.msgstr.values():
            if set(PLACEHOLDER.findall(text)) - expected:
                wrong.append(f"line {e.line}: {e.msgid!r} → {text!r}")
            elif e.msgid_plural is None and set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"line {e.line}: {e.msgid!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po(language):
    """django.mo holds exactly the translations of django.po: recompile with
    `semillero compilemessages` after editing a .po."""
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run semillero compilemessages"
    with mo.open("rb") as fh:
        compiled = dict(gettext.GNUTranslations(fh)._catalog)
    compiled.pop("", None)  # the header
    expected = expected_catalog(parse_po(po_path(language)))
    missing = sorted(map(str, expected.keys() - compiled.keys()))[:10]
    extra = sorted(map(str, compiled.keys() - expected.keys()))[:10]
    changed = sorted(
        str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]
    )[:10]
    assert not (missing or extra or changed), (
        f"{mo} is out of date: run semillero compilemessages "
        f"(missing {missing}, extra {extra}, changed {changed})"
    )


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext")
def test_every_message_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch):
    """A string marked for translation in the code or templates but missing from
    es/django.po would show in English: run makemessages and translate it."""
    copy = tmp_path / "semillero"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__")
    )
    monkeypatch.chdir(copy)
    # makemessages writes where LOCALE_PATHS points: the copy, never the real one.
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["es"], verbosity=0)

    def keys(path):
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in parse_po(path) if e.msgid}

    missing = keys(copy / "locale" / "es" / "LC_MESSAGES" / "django.po") - keys(
        po_path("es")
    )
    assert not missing, (
        "messages missing from es/django.po (run `semillero makemessages -l es "
        "-l en` in src/semillero and translate them):\n"
        + "\n".join(sorted(repr(m[1]) for m in missing)[:30])
    )
