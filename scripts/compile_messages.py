"""Compile locale/*/LC_MESSAGES/django.po to .mo with polib (no GNU gettext needed).

`--check` exits non-zero when a .mo file is missing or out of date with its .po file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        po = polib.pofile(str(po_path))
        with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
            po.save_as_mofile(tmp.name)
            fresh = Path(tmp.name).read_bytes()
        if mo_path.exists() and mo_path.read_bytes() == fresh:
            continue
        if check:
            stale.append(str(mo_path.relative_to(ROOT)))
        else:
            mo_path.write_bytes(fresh)
            print(f"compiled {mo_path.relative_to(ROOT)} ({po.percent_translated()}% translated)")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run `make messages`)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
