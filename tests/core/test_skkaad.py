"""SKKAAD import: a region's default security class and access levels per code, inherited
down the code tree; a bad file is refused whole with line numbers."""

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent, KodeKlasifikasi
from core.selectors.skkaad import (
    jabatan_tingkat_akses,
    kelas_lebih_rendah,
    pegawai_tingkat_akses,
    skkaad_denied_codes,
)
from core.services.skkaad import SkkaadImportError, skkaad_import

pytestmark = pytest.mark.django_db

HEADER = "kode,kelas_keamanan,tingkat_akses\n"


def code(kode: str) -> KodeKlasifikasi:
    return KodeKlasifikasi.objects.get(skema__aktif=True, kode=kode)


def test_import_sets_values_and_children_inherit(tmp_path):
    path = tmp_path / "skkaad.csv"
    path.write_text(
        HEADER
        + "800,Terbatas,kepala_daerah;sekda;eselon_ii\n"
        + "800.1.11,SR,\n"
        + "000.1.5,biasa,\n",
        encoding="utf-8",
    )
    events = AuditEvent.objects.filter(action="skkaad.import").count()
    call_command("import_skkaad", str(path))
    root = code("800")
    assert root.kelas_keamanan == "terbatas"
    assert root.tingkat_akses == ["kepala_daerah", "sekda", "eselon_ii"]
    # A grandchild inherits the class and levels of the nearest ancestor that sets them.
    leaf = code("800.1.11.1")
    assert leaf.kelas_keamanan == "" and leaf.kelas_keamanan_efektif == "sangat_rahasia"
    assert leaf.tingkat_akses_efektif == ["kepala_daerah", "sekda", "eselon_ii"]
    assert code("800.1").kelas_keamanan_efektif == "terbatas"
    # Codes outside the table stay unrestricted.
    other = code("100.3.3.1")
    assert other.kelas_keamanan_efektif == "" and other.akses_mask == 0
    assert AuditEvent.objects.filter(action="skkaad.import").count() == events + 1
    # Clearing the parent's levels clears the inherited ones.
    path.write_text(HEADER + "800,terbatas,\n", encoding="utf-8")
    call_command("import_skkaad", str(path))
    assert code("800.1.11.1").akses_mask == 0


def test_bad_rows_refuse_the_whole_file_with_line_numbers():
    text = (
        HEADER
        + "800,terbatas,kepala_daerah\n"  # line 2: fine
        + "999.9,biasa,\n"  # line 3: unknown code
        + "000.1.5,rahasia sekali,\n"  # line 4: bad class
        + "000.1.2,biasa,kepala_daerah;camat\n"  # line 5: unknown level
        + "800,biasa,\n"  # line 6: duplicate
        + "100,biasa,sekda,extra\n"  # line 7: too many values
    )
    with pytest.raises(SkkaadImportError) as exc:
        skkaad_import(text=text)
    errors = exc.value.errors
    assert [e.split(":")[0] for e in errors] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ], errors
    assert "camat" in errors[2] and "already appears on line 2" in errors[3]
    assert code("800").kelas_keamanan == ""  # nothing written


def test_header_nul_and_unterminated_quote_are_refused(tmp_path):
    with pytest.raises(SkkaadImportError, match="line 1: the header must contain"):
        skkaad_import(text="kode,kelas_keamanan\n800,biasa\n")
    with pytest.raises(SkkaadImportError, match="line 1: unknown column"):
        skkaad_import(text="kode,kelas_keamanan,tingkat_akses,warna\n")
    with pytest.raises(SkkaadImportError, match="line 3: contains a NUL"):
        skkaad_import(text=HEADER + "800,biasa,\n000,bia\x00sa,\n")
    with pytest.raises(SkkaadImportError, match="line 3: the CSV cannot be read"):
        skkaad_import(text=HEADER + '800,biasa,\n000,"biasa,\n100,biasa,\n')
    with pytest.raises(SkkaadImportError, match="no codes"):
        skkaad_import(text=HEADER)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "800,rahasia,pejabat\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: unknown access level 'pejabat'"):
        call_command("import_skkaad", str(path))
    assert code("800").akses_mask == 0


def test_saving_a_code_refreshes_its_subtree_and_new_children_inherit():
    parent = code("000.1.5")
    parent.kelas_keamanan, parent.tingkat_akses = "rahasia", ["sekda"]
    parent.save()
    child = KodeKlasifikasi.objects.create(
        skema=parent.skema, kode="000.1.5.9", nama="Contoh", level=4, induk=parent
    )
    assert child.kelas_keamanan_efektif == "rahasia"
    assert child.tingkat_akses_efektif == ["sekda"]
    parent.tingkat_akses = []
    parent.save(update_fields=["tingkat_akses"])
    child.refresh_from_db()
    parent.refresh_from_db()
    assert parent.akses_mask == 0 and child.akses_mask == 0


def test_levels_of_people_and_denied_codes(demo):
    skkaad_import(text=HEADER + "800,terbatas,kepala_daerah;eselon_ii\n")
    assert pegawai_tingkat_akses(demo["kadiskominfo"]) == {"eselon_ii"}
    assert pegawai_tingkat_akses(demo["stafaptika"]) == {"pelaksana"}
    denied_staff = set(skkaad_denied_codes({"pelaksana"}).values_list("kode", flat=True))
    assert "800.1.11.1" in denied_staff and "000.1.5" not in denied_staff
    assert not skkaad_denied_codes({"eselon_ii"}).exists()
    assert skkaad_denied_codes(set()).filter(kode="800").exists()
    assert kelas_lebih_rendah("biasa", "rahasia")
    assert not kelas_lebih_rendah("rahasia", "terbatas")
    assert not kelas_lebih_rendah("biasa", "")


def test_position_levels(demo):
    from core.models import Jabatan

    jabatan = Jabatan.objects.filter(jenis="struktural", eselon="III.b").first()
    assert jabatan_tingkat_akses(jabatan) == "eselon_iii"
    jabatan.eselon = ""
    assert jabatan_tingkat_akses(jabatan) is None


def test_admin_edits_levels_as_check_boxes_and_children_follow(client, demo):
    admin_user = demo["admin"]
    assert admin_user.is_superuser
    client.force_login(admin_user)
    root = code("800")
    url = f"/admin/core/kodeklasifikasi/{root.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="tingkat_akses"' in page and 'value="eselon_ii"' in page
    data = {
        "skema": root.skema_id,
        "kode": root.kode,
        "nama": root.nama,
        "level": root.level,
        "induk": "",
        "retensi_aktif": "",
        "retensi_inaktif": "",
        "nasib_akhir": "",
        "keterangan": "",
        "aktif": "on",
        "kelas_keamanan": "rahasia",
        "tingkat_akses": ["sekda", "eselon_ii"],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    root.refresh_from_db()
    assert root.tingkat_akses == ["sekda", "eselon_ii"]
    leaf = code("800.1.11.1")
    assert leaf.kelas_keamanan_efektif == "rahasia"
    assert leaf.tingkat_akses_efektif == ["sekda", "eselon_ii"]
    data["tingkat_akses"] = ["camat"]
    assert client.post(url, data).status_code == 200  # refused: unknown level
    root.refresh_from_db()
    assert root.tingkat_akses == ["sekda", "eselon_ii"]
