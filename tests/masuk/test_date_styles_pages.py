"""The incoming register's pages follow the date styles of core/formats: the letter's
page states its dates long (like the outgoing letter's page), the register list short;
English gets the English month names in the same shapes."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db

ID_MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_letter_page_long_register_list_short(client, org, register, lang):
    surat = register(tanggal_surat=dt.date(2026, 11, 3), tanggal_diterima=dt.date(2026, 11, 5))
    client.force_login(org["agendaris"])
    client.cookies["django_language"] = lang
    month = ID_MONTHS.split()[10] if lang == "id" else "November"
    detail = client.get(f"/surat-masuk/surat/{surat.pk}/")
    html = detail.content.decode()
    assert f"3 {month} 2026" in html and f"5 {month} 2026" in html
    listed = client.get("/surat-masuk/surat/").content.decode()
    assert "05-11-2026" in listed and f"5 {month} 2026" not in listed
