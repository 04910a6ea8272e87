"""The region and the office: names, the public address, terms of acting officials, the
office calendar and deadlines, letters between instances, the fonts."""

from __future__ import annotations

import os

from core.baseurl import dev_base_url
from core.settings.env import env_bool, env_float, env_int, env_json

# --- Naskah: region and office settings (data that differs between regions) -----------------
NASKAH_NAMA_PEMERINTAH = os.environ.get("NASKAH_NAMA_PEMERINTAH", "PEMERINTAH PROVINSI LAMPUNG")
NASKAH_NAMA_DAERAH = os.environ.get("NASKAH_NAMA_DAERAH", "Provinsi Lampung")
NASKAH_JABATAN_KEPALA_DAERAH = os.environ.get("NASKAH_JABATAN_KEPALA_DAERAH", "GUBERNUR LAMPUNG")
NASKAH_KOTA = os.environ.get("NASKAH_KOTA", "Bandar Lampung")
# QR codes and e-mailed links. Unset: the development server's own address (HOST, PORT
# as `make run` passes them; core/baseurl.py). `check --deploy` refuses that.
NASKAH_PUBLIC_BASE_URL = os.environ.get("NASKAH_PUBLIC_BASE_URL") or dev_base_url(
    os.environ.get("HOST"), os.environ.get("PORT")
)
# Plt term limits (BKN SE 2/SE/VII/2019: 3 months, extendable once by 3 months).
NASKAH_PLT_MAX_MONTHS = env_int("NASKAH_PLT_MAX_MONTHS", 3)
NASKAH_PLT_MAX_EXTENSIONS = env_int("NASKAH_PLT_MAX_EXTENSIONS", 1)
# Plh is for temporary absence; the longest a single Plh assignment may run.
NASKAH_PLH_MAX_DAYS = env_int("NASKAH_PLH_MAX_DAYS", 90)
# The legal bureau: initials every letter of a type marked "the legal bureau initials"
# (domain.md 5.2, paraf koordinasi). A unit code.
NASKAH_UNIT_BIRO_HUKUM = os.environ.get("NASKAH_UNIT_BIRO_HUKUM", "BIRO-HUKUM")
# The group of unit administrators (naskah/permissions.py).
NASKAH_ADMIN_UNIT_GROUP = os.environ.get("NASKAH_ADMIN_UNIT_GROUP", "Administrator Unit")

# --- Office calendar and deadlines (workflows/office_calendar.py; docs/workflows.md) ------------
# Office hours as JSON {weekday (0 = Monday): ["HH:MM", "HH:MM"]}; days not listed are not
# working days. Unset: Pergub Lampung 44/2025 (Mon-Thu 07.30-16.00, Fri 07.30-16.30).
NASKAH_JAM_KERJA = env_json("NASKAH_JAM_KERJA", None)
# Processing deadlines by urgency in hours, JSON {urgency: hours} over the defaults of
# core/vocabulary.py (domain.md 4.2; UNVERIFIED), and the urgencies whose hours count as
# working days (JSON list; unset: ["biasa"]).
NASKAH_SLA_JAM = env_json("NASKAH_SLA_JAM", {})
NASKAH_SLA_HARI_KERJA = env_json("NASKAH_SLA_HARI_KERJA", None)
# Reminders: a step is reminded when this share of its time is left; how often the
# reminder schedule runs (workflows/schedules.py).
NASKAH_PENGINGAT_SISA = env_float("NASKAH_PENGINGAT_SISA", 0.25)
NASKAH_PENGINGAT_INTERVAL_MENIT = env_int("NASKAH_PENGINGAT_INTERVAL_MENIT", 15)
# The most sequential initials a proposed route keeps (workflows/proposal.py).
NASKAH_MAX_PARAF = env_int("NASKAH_MAX_PARAF", 3)

# Letters between instances (pertukaran/, docs/api.md): this instance's agency code in the
# packages it sends, the timeout of a delivery call, the largest package accepted, and
# plain http to a loopback address (development and the two-instance test only).
NASKAH_INSTANSI_KODE = os.environ.get("NASKAH_INSTANSI_KODE", "naskah")
NASKAH_PERTUKARAN_TIMEOUT = env_int("NASKAH_PERTUKARAN_TIMEOUT", 30)
NASKAH_PERTUKARAN_MAX_BYTES = env_int("NASKAH_PERTUKARAN_MAX_BYTES", 60 * 1024 * 1024)
NASKAH_PERTUKARAN_ALLOW_LOOPBACK = env_bool("NASKAH_PERTUKARAN_ALLOW_LOOPBACK", False)

# Administrator-installed TrueType fonts for the renderer (naskah/rendering/fonts.py):
# NASKAH_FONT_ARIAL_REGULAR, _BOLD, _ITALIC, _BOLDITALIC (Pasal 32 names Arial) and the same
# for NASKAH_FONT_BOOKMAN_* (Bookman Old Style). Unset: the shipped metric-compatible fonts.
NASKAH_FONTS = {
    family: {
        style: os.environ.get(f"NASKAH_FONT_{family.upper()}_{suffix}", "")
        for style, suffix in (
            ("regular", "REGULAR"),
            ("bold", "BOLD"),
            ("italic", "ITALIC"),
            ("bold_italic", "BOLDITALIC"),
        )
    }
    for family in ("arial", "bookman")
}
