"""The regulation's shared vocabulary, defined once for every app: urgency (sifat naskah) and
security classification (klasifikasi keamanan) with one English label each, the
confidential set, the words printed on documents, the default SLA hours and the default
number prefixes.

Labels follow Permendagri 1/2023 and Pergub Lampung 14/2023: urgency is Amat Segera /
Segera / Biasa ("Very urgent", "Urgent", "Normal"); security classes are Sangat Rahasia /
Rahasia / Terbatas / Biasa, rendered in English with the usual classification ladder
("Top secret", "Secret", "Restricted", "Ordinary"). Nothing else in the tree defines these
(tests/core/test_vocabulary.py scans for copies).

Stays free of other project imports so that the pure renderer may use it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgensi(models.TextChoices):
    AMAT_SEGERA = "amat_segera", _("Very urgent (Amat Segera)")
    SEGERA = "segera", _("Urgent (Segera)")
    BIASA = "biasa", _("Normal (Biasa)")


class KlasifikasiKeamanan(models.TextChoices):
    BIASA = "biasa", _("Ordinary (Biasa)")
    TERBATAS = "terbatas", _("Restricted (Terbatas)")
    RAHASIA = "rahasia", _("Secret (Rahasia)")
    SANGAT_RAHASIA = "sangat_rahasia", _("Top secret (Sangat Rahasia)")


# The classes read only by named parties (DESIGN invariant 5), masked in lists, kept out of
# notifications, e-mail and the public verification page.
CONFIDENTIAL = (KlasifikasiKeamanan.RAHASIA, KlasifikasiKeamanan.SANGAT_RAHASIA)

# Order of the classes, lowest first (SKKAAD: a letter may not go below its code's class).
KLASIFIKASI_RANK = {value: rank for rank, value in enumerate(KlasifikasiKeamanan.values)}

# The words printed on letters and sheets: the document's language, never translated.
URGENSI_CETAK = {
    Urgensi.AMAT_SEGERA: "Amat Segera",
    Urgensi.SEGERA: "Segera",
    Urgensi.BIASA: "Biasa",
}
KLASIFIKASI_CETAK = {
    KlasifikasiKeamanan.BIASA: "Biasa",
    KlasifikasiKeamanan.TERBATAS: "Terbatas",
    KlasifikasiKeamanan.RAHASIA: "Rahasia",
    KlasifikasiKeamanan.SANGAT_RAHASIA: "Sangat Rahasia",
}
# The printed classes the renderer marks in red (it receives the printed word).
CONFIDENTIAL_CETAK = tuple(KLASIFIKASI_CETAK[value] for value in CONFIDENTIAL)

# Processing deadlines by urgency, in hours (domain.md 4.2; UNVERIFIED, so
# settings.NASKAH_SLA_JAM overrides them), and the urgencies whose hours count as
# working days of 24 hours (settings.NASKAH_SLA_HARI_KERJA).
SLA_JAM = {Urgensi.AMAT_SEGERA.value: 24, Urgensi.SEGERA.value: 48, Urgensi.BIASA.value: 120}
SLA_HARI_KERJA = (Urgensi.BIASA.value,)

# Security class -> the prefix printed by a number format's {sifat} (ANRI/PermenPAN style;
# UNVERIFIED for Lampung, domain.md 3.2, so settings.NASKAH_NOMOR_SIFAT_PREFIXES overrides).
SIFAT_PREFIXES = {
    KlasifikasiKeamanan.BIASA.value: "B",
    KlasifikasiKeamanan.TERBATAS.value: "T",
    KlasifikasiKeamanan.RAHASIA.value: "R",
    KlasifikasiKeamanan.SANGAT_RAHASIA.value: "SR",
}
