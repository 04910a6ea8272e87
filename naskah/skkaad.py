"""SKKAAD in drafting: the default security class a classification code proposes, whether
it replaces the class in the form, and whether the class in force is lower."""

from __future__ import annotations

from django import forms

from core.models import KodeKlasifikasi
from core.selectors.skkaad import kelas_lebih_rendah, kode_kelas_keamanan_usulan
from core.vocabulary import KlasifikasiKeamanan


def kelas_usulan_context(*, kode: str, kelas: str, usulan_lama: str, replace: bool = True) -> dict:
    """What the hint shows: the proposed class, whether it replaces the chosen class (only
    while the chosen class is still the previous proposal or the untouched default), and
    whether the class in force is lower than the proposal."""
    obj = KodeKlasifikasi.objects.filter(kode=kode.strip(), skema__aktif=True).first()
    usulan = kode_kelas_keamanan_usulan(obj)
    if kelas not in KlasifikasiKeamanan.values:
        kelas = KlasifikasiKeamanan.BIASA
    untouched = kelas == (usulan_lama or KlasifikasiKeamanan.BIASA)
    ganti = replace and bool(usulan) and untouched and usulan != kelas
    berlaku = usulan if ganti else kelas
    return {
        "kode": obj,
        "usulan": usulan,
        "usulan_label": KlasifikasiKeamanan(usulan).label if usulan else "",
        "ganti": ganti,
        "select": (
            forms.Select(
                attrs={
                    "class": "form-select",
                    "id": "id_klasifikasi_keamanan",
                    "hx-swap-oob": "true",
                },
                choices=KlasifikasiKeamanan.choices,
            ).render("klasifikasi_keamanan", berlaku)
            if ganti
            else ""
        ),
        "lebih_rendah": kelas_lebih_rendah(berlaku, usulan),
    }
