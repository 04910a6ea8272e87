"""The JenisNaskah registry is data: seeded by migration, validated when edited, and used
to decide who may sign and which letterhead, layout and defaults apply."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError, PermissionDeniedError
from core.models import Jabatan, Pegawai, Penugasan
from naskah.context import naskah_layout, naskah_render_context
from naskah.forms.drafting import NaskahForm
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, TataNaskahDefault
from naskah.samples import sample_revision
from naskah.selectors.kewenangan import jenis_allows_signer
from naskah.services.kewenangan import kewenangan_set
from tests.naskah.conftest import jabatan

pytestmark = pytest.mark.django_db

REQUIRED = {
    "surat_dinas",
    "surat_undangan",
    "nota_dinas",
    "memo",
    "surat_edaran",
    "instruksi",
    "surat_perintah",
    "surat_tugas",
    "keputusan_gubernur",
    "keputusan_kepala_pd",
    "surat_keterangan",
    "surat_pengantar",
    "surat_kuasa",
    "surat_pernyataan",
    "berita_acara",
    "pengumuman",
    "laporan",
    "telaahan_staf",
    "notula",
    "rekomendasi",
    "lembar_disposisi",
}


def test_seeded_types_are_complete_and_valid():
    kodes = set(JenisNaskah.objects.values_list("kode", flat=True))
    assert kodes >= REQUIRED
    for jenis in JenisNaskah.objects.all():
        jenis.full_clean()
    assert JenisNaskah.objects.get(kode="keputusan_gubernur").kode_klasifikasi_default.kode == (
        "100.3.3.1"
    )
    assert JenisNaskah.objects.get(kode="berita_acara").multi_penandatangan


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fields_schema", [{"name": "x", "label": "X", "type": "html"}]),
        ("fields_schema", [{"name": "Bad Name", "label": "X", "type": "text"}]),
        ("fields_schema", [{"name": "a", "label": "A", "type": "text"}] * 2),
        ("layout", {"colour": "red"}),
        ("subkelompok", "penugasan"),  # only arahan has a subgroup
    ],
)
def test_admin_edits_are_validated(field, value):
    jenis = JenisNaskah.objects.get(kode="surat_dinas")
    setattr(jenis, field, value)
    with pytest.raises(ValidationError) as exc:
        jenis.full_clean()
    assert field in exc.value.message_dict


def test_signing_rules_come_from_the_registry(demo):
    keputusan = JenisNaskah.objects.get(kode="keputusan_gubernur")
    assert jenis_allows_signer(keputusan, jabatan("Gubernur Lampung"))
    assert not jenis_allows_signer(keputusan, jabatan("Sekretaris Daerah Provinsi Lampung"))
    surat = JenisNaskah.objects.get(kode="surat_dinas")
    kadis = "Kepala Dinas Komunikasi, Informatika dan Statistik"
    assert jenis_allows_signer(surat, jabatan(kadis))
    # An external letter: a Kabid signs only a.n. (with a delegation), never in own right.
    assert not jenis_allows_signer(surat, jabatan("Kepala Bidang Aplikasi Informatika"))
    assert jenis_allows_signer(surat, jabatan("Kepala Bidang Aplikasi Informatika"), "an")
    assert not jenis_allows_signer(surat, jabatan("Pranata Komputer Ahli Muda"))
    # A specific position can be granted in the admin without code changes.
    rows = [r.as_dict() for r in surat.kewenangan.all()]
    for row in rows:
        row["jabatan"] = Jabatan.objects.filter(pk=row["jabatan"]).first()
    kewenangan_set(
        actor=None,
        jenis=surat,
        rows=[*rows, {"peran": "jabatan", "jabatan": jabatan("Pranata Komputer Ahli Muda")}],
    )
    assert jenis_allows_signer(surat, jabatan("Pranata Komputer Ahli Muda"))


def test_layout_defaults_and_overrides_are_data():
    TataNaskahDefault.objects.filter(pk=1).update(paper="F4", margin_left_mm=35)
    layout = naskah_layout(JenisNaskah.objects.get(kode="keputusan_gubernur"))
    assert layout["paper"] == "F4" and layout["margins_mm"]["left"] == 35
    assert layout["font"] == "bookman" and layout["place_date_label"] == "Ditetapkan di"
    assert layout["title"] == "KEPUTUSAN GUBERNUR LAMPUNG"


def test_drafter_without_a_position_cannot_draft(demo, make_draft):
    nobody = Pegawai.objects.create_user("tamu", password="x", nama="Tamu")
    with pytest.raises(PermissionDeniedError):
        make_draft(actor=nobody)
    assert nobody.naskah_konsep.count() == 0


def test_vacant_signer_is_a_placeholder_in_preview_and_an_error_otherwise(demo):
    revisi = sample_revision("surat_keterangan")  # signed by the Kepala Disdikbud position
    Penugasan.objects.filter(jabatan__nama="Kepala Dinas Pendidikan dan Kebudayaan").delete()
    _, context = naskah_render_context(revisi, preview=True)
    assert "...." in context["penandatangan"]["name"]
    with pytest.raises(ApplicationError) as exc:
        naskah_render_context(revisi, preview=False)
    assert exc.value.code == "signer_vacant"


def test_form_defaults_to_the_nearest_unit_head(demo):
    form = NaskahForm(jenis=JenisNaskah.objects.get(kode="nota_dinas"), user=demo["prakommuda"])
    assert (
        form.initial["penandatangan"]
        == Jabatan.objects.get(nama="Kepala Bidang Aplikasi Informatika").pk
    )
    # An external letter: the nearest head the authority matrix lets sign it.
    form = NaskahForm(jenis=JenisNaskah.objects.get(kode="surat_dinas"), user=demo["prakommuda"])
    assert (
        form.initial["penandatangan"]
        == Jabatan.objects.get(nama="Kepala Dinas Komunikasi, Informatika dan Statistik").pk
    )


def test_markup_tables_get_proportional_widths():
    table = blocks_from_markup("| No. | Uraian kegiatan yang panjang |\n| 1 | Rapat |")[0]
    assert table["widths"][0] < table["widths"][1]
    assert abs(sum(table["widths"]) - 1) < 0.001
