"""One date style for each purpose (issue 15, item 8): the long date for documents
(DATE_FORMAT, "7 Desember 2026"), one short form with time for lists
(SHORT_DATETIME_FORMAT, "07-12-2026 13:24") and the short date alone (SHORT_DATE_FORMAT),
defined once per language in core/formats. Templates use only those names; a literal
format string ("j F Y", "d-m-Y") anywhere in a template fails here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
SKIP = {".venv", "static", "node_modules", ".git"}

# |date / |time with an argument, and {% now %}: the argument must be a named format.
_FILTER = re.compile(r"\|\s*(date|time)\s*:\s*(\"[^\"]*\"|'[^']*'|[^\s|%}]+)")
_NOW = re.compile(r"\{%\s*now\s+(\"[^\"]*\"|'[^']*')")

# Python that formats a date by hand: only where it is not a date shown to a person.
_STRFTIME = re.compile(r"\.strftime\(|:%d[-/.]%m")  # also f"{day:%d-%m-%Y}"
PYTHON_ALLOWED = {
    # dates as other systems write them, looked for in a received PDF (not shown)
    "pertukaran/services.py",
    # the autosave's clock time in its JSON answer ("saved at 13:24"): no date
    "naskah/views/drafting.py",
}


def literal_formats(text: str) -> list[str]:
    """The date format arguments in a template's text that are not named formats."""
    found = []
    for match in _FILTER.finditer(text):
        arg = match[2]
        if arg[0] in "\"'" and arg[1:-1] in NAMED:
            continue
        found.append(f"|{match[1]}:{arg}")
    found += [f"{{% now {m[1]} %}}" for m in _NOW.finditer(text)]
    return found


def _files(suffixes):
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts and (rel.parts[0] in SKIP or rel.parts[0].startswith(".")):
            continue
        if path.suffix in suffixes and path.is_file():
            yield rel, path


def test_the_check_sees_literal_formats():
    assert literal_formats('{{ d|date:"j F Y" }} {{ t|time:"H:i" }} {% now "Y" %}') == [
        '|date:"j F Y"',
        '|time:"H:i"',
        '{% now "Y" %}',
    ]
    assert literal_formats("{{ d|date:'d-m-Y' }} {{ d|date:fmt }}") == [
        "|date:'d-m-Y'",
        "|date:fmt",
    ]
    assert literal_formats('{{ d|date:"SHORT_DATETIME_FORMAT" }} {{ d|date }}') == []


def test_templates_use_only_the_named_date_formats():
    offenders = []
    for rel, path in _files({".html", ".txt", ".xml"}):
        if "templates" not in rel.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            offenders += [f"{rel}:{number}: {hit}" for hit in literal_formats(line)]
    assert offenders == [], "use a named format (core/formats):\n" + "\n".join(offenders)


def test_python_formats_no_shown_date_by_hand():
    offenders = []
    for rel, path in _files({".py"}):
        if rel.parts[0] in {"tests", "benchmarks", "scripts", "docs"} or "migrations" in rel.parts:
            continue
        if str(rel) in PYTHON_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _STRFTIME.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "use django.utils.formats.date_format with a named format:\n" + (
        "\n".join(offenders)
    )


@pytest.mark.parametrize(
    ("lang", "long", "listed", "today"),
    [
        (
            "id",
            "7 Desember 2026",
            "07-12-2026 13:24",
            r"^(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ \d{4}$",
        ),
        (
            "en",
            "7 December 2026",
            "07-12-2026 13:24",
            r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{1,2} \w+ \d{4}$",
        ),
    ],
)
def test_each_purpose_has_one_style_per_language(lang, long, listed, today):
    moment = dt.datetime(2026, 12, 7, 13, 24)  # noqa: DTZ001 - a wall-clock time, printed as is
    template = Template(
        '{% load tanggal %}{{ d|date:"DATE_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}'
        '|{{ d|date:"SHORT_DATE_FORMAT" }}|{% hari_ini %}'
    )
    with translation.override(lang):
        out = template.render(Context({"d": moment.date(), "m": moment})).split("|")
    assert out[:3] == [long, listed, "07-12-2026"]
    assert re.match(today, out[3]), out[3]
