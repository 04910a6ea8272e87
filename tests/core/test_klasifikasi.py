import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent, KodeKlasifikasi, SkemaKlasifikasi
from core.services.klasifikasi import (
    KlasifikasiImportError,
    klasifikasi_import,
    klasifikasi_parse_csv,
)

pytestmark = pytest.mark.django_db

HEADER = "kode,nama,retensi_aktif,retensi_inaktif,nasib_akhir,keterangan,perlu_diperiksa\n"


def test_migration_loads_the_full_permendagri_list():
    skema = SkemaKlasifikasi.objects.get(aktif=True)
    codes = KodeKlasifikasi.objects.filter(skema=skema)
    assert codes.count() == 2980
    assert codes.filter(level=1).count() == 10
    assert codes.filter(level=2).count() == 56
    for kode in ("000.1.2.3", "100.3.3.1", "800.1.11.1", "000.1.5", "000.6.5", "400.14.12"):
        assert codes.filter(kode=kode).exists(), kode
    leaf = codes.get(kode="000.1.2.3")
    assert leaf.induk.kode == "000.1.2" and leaf.induk.induk.kode == "000.1"


def test_import_updates_retention_and_adds_codes(tmp_path):
    path = tmp_path / "jra.csv"
    path.write_text(
        HEADER
        + "000.1.2.3,Perjalanan Dinas Pegawai,2,3,musnah,JRA Pergub,\n"
        + "000.1.2.3.1,Perjalanan Dinas Pegawai Eselon II,1,2,dinilai kembali,,ya\n",
        encoding="utf-8",
    )
    events = AuditEvent.objects.count()
    call_command("import_klasifikasi", str(path))
    leaf = KodeKlasifikasi.objects.get(kode="000.1.2.3")
    assert (leaf.retensi_aktif, leaf.retensi_inaktif, leaf.nasib_akhir) == (2, 3, "musnah")
    assert leaf.retensi_total == 5
    new = KodeKlasifikasi.objects.get(kode="000.1.2.3.1")
    assert new.induk == leaf and new.level == 5 and new.perlu_diperiksa
    assert new.nasib_akhir == "dinilai_kembali"
    assert AuditEvent.objects.count() == events + 1
    # importing the same file again changes nothing
    result = klasifikasi_import(text=path.read_text())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_bad_file_is_rejected_whole_with_line_numbers(tmp_path):
    before = list(
        KodeKlasifikasi.objects.order_by("pk").values_list("kode", "nama", "retensi_aktif")
    )
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "000.1.2.3,Perjalanan Dinas Pegawai,2,3,musnah,,\n"  # valid line: must not be written
        + "ABC,Bukan kode,,,,,\n"
        + "000.1,,,,,,\n"
        + "000.1.2.3,Duplikat,,,,,\n"
        + "999.9.9,Induk tidak ada,,,,,\n"
        + "000.2,Perlengkapan,dua,,,,\n"
        + "000.3,Pengadaan,,,dibakar,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_klasifikasi", str(path))
    message = str(exc.value)
    for expected in (
        "line 3: 'ABC' is not a classification code",
        "line 4: code 000.1 has no name",
        "line 5: code 000.1.2.3 already appears on line 2",
        "line 6: the parent code 999.9 of 999.9.9 is missing",
        "line 7: retensi_aktif must be a whole number",
        "line 8: nasib_akhir must be musnah, permanen or dinilai_kembali",
    ):
        assert expected in message
    after = list(
        KodeKlasifikasi.objects.order_by("pk").values_list("kode", "nama", "retensi_aktif")
    )
    assert after == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("code,name\n000,Umum\n", "line 1: the header must contain the columns kode, nama"),
        ("kode,nama,warna\n000,Umum,merah\n", "line 1: unknown column(s): warna"),
        ("kode,nama\n", "the file contains no codes"),
        ("kode,nama\n000,Umum,extra\n", "line 2: more values than columns"),
    ],
)
def test_malformed_structure(text, error):
    with pytest.raises(KlasifikasiImportError) as exc:
        klasifikasi_parse_csv(text)
    assert error in "\n".join(exc.value.errors)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_klasifikasi", str(tmp_path / "nope.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes("kode,nama\n000,Umum \xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_klasifikasi", str(path))


def test_unknown_scheme(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("kode,nama\n000,Umum\n")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_klasifikasi", str(path), skema="tidak-ada")


def _set_jra(kode, **values):
    KodeKlasifikasi.objects.filter(kode=kode).update(**values)
    return KodeKlasifikasi.objects.get(kode=kode)


def test_kode_nama_only_file_keeps_retention(tmp_path):
    _set_jra(
        "000.1.2.3",
        retensi_aktif=2,
        retensi_inaktif=3,
        nasib_akhir="musnah",
        keterangan="JRA Pergub",
        perlu_diperiksa=True,
    )
    path = tmp_path / "names.csv"
    path.write_text("kode,nama\n000.1.2.3,Perjalanan Dinas Pegawai (nama baru)\n")
    call_command("import_klasifikasi", str(path))
    leaf = KodeKlasifikasi.objects.get(kode="000.1.2.3")
    assert leaf.nama == "Perjalanan Dinas Pegawai (nama baru)"
    assert (leaf.retensi_aktif, leaf.retensi_inaktif, leaf.nasib_akhir) == (2, 3, "musnah")
    assert leaf.keterangan == "JRA Pergub" and leaf.perlu_diperiksa


def test_present_empty_column_clears_and_absent_column_is_kept(tmp_path):
    _set_jra("000.1.2.3", retensi_aktif=2, retensi_inaktif=3, nasib_akhir="musnah")
    path = tmp_path / "partial.csv"
    path.write_text("kode,nama,retensi_aktif\n000.1.2.3,Perjalanan Dinas Pegawai,\n")
    call_command("import_klasifikasi", str(path))
    leaf = KodeKlasifikasi.objects.get(kode="000.1.2.3")
    assert leaf.retensi_aktif is None
    assert (leaf.retensi_inaktif, leaf.nasib_akhir) == (3, "musnah")


def test_replace_clears_absent_columns(tmp_path):
    _set_jra("000.1.2.3", retensi_aktif=2, retensi_inaktif=3, nasib_akhir="musnah")
    path = tmp_path / "names.csv"
    path.write_text("kode,nama\n000.1.2.3,Perjalanan Dinas Pegawai\n")
    call_command("import_klasifikasi", str(path), replace=True)
    leaf = KodeKlasifikasi.objects.get(kode="000.1.2.3")
    assert (leaf.retensi_aktif, leaf.retensi_inaktif, leaf.nasib_akhir) == (None, None, "")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "kode,nama\n000.1,Satu\n000.2,Du\x00a\n000.3,Tiga\n",
            "line 3: contains a NUL byte",
        ),
        (
            'kode,nama\n000.1,Satu\n000.2,"Dua\n000.3,Tiga\n',
            "line 3: a quote is opened and never closed",
        ),
        (
            'kode,nama\n000.1,Satu\n000.2,"Dua\n000.3,Tiga"\n000.4,Empat\n',
            "line 3: a value runs over 2 lines",
        ),
    ],
)
def test_nul_bytes_and_unclosed_quotes_are_reported_with_line_numbers(tmp_path, content, expected):
    _set_jra("000.1", retensi_aktif=7)
    before = list(KodeKlasifikasi.objects.order_by("pk").values_list("kode", "nama"))
    path = tmp_path / "broken.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_klasifikasi", str(path))
    assert expected in str(exc.value)
    assert list(KodeKlasifikasi.objects.order_by("pk").values_list("kode", "nama")) == before
    assert KodeKlasifikasi.objects.get(kode="000.1").retensi_aktif == 7
