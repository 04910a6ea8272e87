"""Letters: drafting, the signing flow, numbering, the incoming register, legal products
and letterhead artwork."""

from __future__ import annotations

import os

from core.settings.env import env_bool, env_int, env_json, env_list

# --- Drafting (naskah/; docs/drafting.md) ---------------------------------------------------------
NASKAH_LAMPIRAN_MAX_BYTES = env_int("NASKAH_LAMPIRAN_MAX_BYTES", 10 * 1024 * 1024)
NASKAH_LAMPIRAN_MAX_PAGES = env_int("NASKAH_LAMPIRAN_MAX_PAGES", 50)
NASKAH_BODY_MAX_CHARS = env_int("NASKAH_BODY_MAX_CHARS", 100_000)
NASKAH_PREVIEW_TTL_SECONDS = env_int("NASKAH_PREVIEW_TTL_SECONDS", 600)
# A new autosaved revision at most this often; in between the last autosave is updated.
NASKAH_AUTOSAVE_INTERVAL_SECONDS = env_int("NASKAH_AUTOSAVE_INTERVAL_SECONDS", 60)

# --- The signing flow (naskah/services/signing.py; docs/signing-flow.md) ---------------------
# The footer naming the certificate's issuer; must contain {penerbit}, else it is ignored
# (empty: the regulation's sentence).
NASKAH_TTE_FOOTER = os.environ.get("NASKAH_TTE_FOOTER", "")
# Number formats by letter kind, JSON {key: format} over the defaults ("default",
# "surat_edaran"); unknown keys use the default format.
NASKAH_NOMOR_FORMATS = env_json("NASKAH_NOMOR_FORMATS", {})
# Acting capacities that may not sign a subgroup of types without an AturanTTE row, JSON
# {subkelompok: [capacities]} (regional policy, UNVERIFIED).
NASKAH_TTE_PELAKSANA_DILARANG = env_json("NASKAH_TTE_PELAKSANA_DILARANG", {})
# The Setda numbering unit, for signers without a numbering unit up their tree.
NASKAH_UNIT_PENOMORAN_SETDA = os.environ.get("NASKAH_UNIT_PENOMORAN_SETDA", "BIRO-UMUM")
# The public validator's rate limit per client address: JSON [requests, seconds].
NASKAH_VERIFIKASI_RATE = tuple(env_json("NASKAH_VERIFIKASI_RATE", [30, 600]))
# Numbers reserved per book per day (penomoran/services.py), and the {sifat} prefixes by
# security class, JSON {class: prefix} (unset: core/vocabulary.py's; UNVERIFIED).
NASKAH_NOMOR_RESERVE_DAILY_CAP = env_int("NASKAH_NOMOR_RESERVE_DAILY_CAP", 5)
NASKAH_NOMOR_SIFAT_PREFIXES = env_json("NASKAH_NOMOR_SIFAT_PREFIXES", None)

# --- The incoming register (naskah/masuk/; docs/incoming.md) -------------------------------------
# Upload limits: per file and all files together (MB), pages per PDF, number of files; the
# largest image in pixels (a decompression bomb is refused).
NASKAH_MASUK_MAX_FILE_MB = env_int("NASKAH_MASUK_MAX_FILE_MB", 20)
NASKAH_MASUK_MAX_TOTAL_MB = env_int("NASKAH_MASUK_MAX_TOTAL_MB", 60)
NASKAH_MASUK_MAX_PAGES = env_int("NASKAH_MASUK_MAX_PAGES", 200)
NASKAH_MASUK_MAX_FILES = env_int("NASKAH_MASUK_MAX_FILES", 10)
NASKAH_MASUK_MAX_IMAGE_PIXELS = env_int("NASKAH_MASUK_MAX_IMAGE_PIXELS", 80_000_000)
# Unit kinds that keep their own incoming register; an agendaris in a sub-unit (Bagian,
# Sekretariat) registers for the nearest such ancestor.
NASKAH_MASUK_REGISTER_UNIT_JENIS = env_list(
    "NASKAH_MASUK_REGISTER_UNIT_JENIS", "pemda,setda,biro,dinas,badan,inspektorat,uptd"
)
# OCR language(s) for tesseract ("ind", "ind+eng"), and whether OCR runs at all.
NASKAH_MASUK_OCR_LANGUAGE = os.environ.get("NASKAH_MASUK_OCR_LANGUAGE", "ind")
NASKAH_MASUK_OCR_ENABLED = env_bool("NASKAH_MASUK_OCR_ENABLED", True)
# Resolution assumed for images without DPI information when turned into PDF pages.
NASKAH_MASUK_IMAGE_DPI = env_int("NASKAH_MASUK_IMAGE_DPI", 200)
# Hours after the deadline before an overdue branch is escalated to the disposer.
NASKAH_MASUK_ESKALASI_JAM = env_int("NASKAH_MASUK_ESKALASI_JAM", 24)

# --- Numbering series of the kepala daerah's legal products (naskah/services/seri_nomor.py;
# docs/numbering.md). UNVERIFIED for Lampung: the historical Keputusan Gubernur format.
NASKAH_NOMOR_FORMAT_PRODUK_HUKUM = os.environ.get(
    "NASKAH_NOMOR_FORMAT_PRODUK_HUKUM", "G/{nomor}/{unit}/HK/{tahun}"
)
NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM = os.environ.get(
    "NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM", "BIRO-HUKUM"
)

# --- Letterhead artwork uploads (core/lambang.py; docs/rendering.md) ---------------------------
NASKAH_LAMBANG_MAX_BYTES = env_int("NASKAH_LAMBANG_MAX_BYTES", 1024 * 1024)

# Largest emergency block of numbers issued before an outage (penomoran/blok.py).
NASKAH_NOMOR_BLOCK_MAX = env_int("NASKAH_NOMOR_BLOCK_MAX", 100)
