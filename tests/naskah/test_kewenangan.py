"""Signing authority as data (issue 13): the authority matrix per letter type, dated
delegations behind a.n./u.b., Plt/Plh per type, the legal bureau's paraf, and the
Pasal 44 name line by the type's Permendagri 1/2023 category."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent, Jabatan, UnitKerja
from naskah.context import naskah_render_context
from naskah.demo import DEMO_PELIMPAHAN
from naskah.forms.drafting import NaskahForm
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, KewenanganTandaTangan, Naskah, PelimpahanWewenang
from naskah.preview import unsaved_revision
from naskah.samples import sample_revision
from naskah.selectors.approval import jenis_koordinasi_wajib
from naskah.selectors.drafting import draft_check
from naskah.selectors.kewenangan import (
    KOLOM_MANDAT,
    _rule_matches,
    jabatan_signers,
    jenis_allows_signer,
    signer_problem,
)
from naskah.selectors.signing import signer_authority
from naskah.services.kewenangan import (
    jenisnaskah_update,
    kewenangan_set,
    pelimpahan_create,
    pelimpahan_update,
)
from naskah.services.signing import naskah_sign
from tests.naskah.tte_helpers import PASSPHRASE, ready_letter

pytestmark = pytest.mark.django_db

GUB = "Gubernur Lampung"
SEKDA = "Sekretaris Daerah Provinsi Lampung"
KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"
SEKDIS = "Sekretaris Dinas Komunikasi, Informatika dan Statistik"
KABID = "Kepala Bidang Aplikasi Informatika"
PRAKOM = "Pranata Komputer Ahli Muda"
KADIS_DIK = "Kepala Dinas Pendidikan dan Kebudayaan"
KEPUTUSAN_FIELDS = {
    "tentang": "Tim Pengelola Laman",
    "menimbang": blocks_from_markup("bahwa perlu ditetapkan tim pengelola laman."),
    "mengingat": blocks_from_markup("Peraturan Gubernur Lampung tentang Perangkat Daerah."),
    "diktum": [blocks_from_markup("Menetapkan Tim Pengelola Laman.")],
}


def J(nama: str) -> Jabatan:
    return Jabatan.objects.select_related("unit", "atasan__atasan").get(nama=nama)


def T(kode: str) -> JenisNaskah:
    return JenisNaskah.objects.get(kode=kode)


def today() -> dt.date:
    return timezone.localdate()


def _fill(jenis: JenisNaskah) -> dict:
    """Values for the type's required typed fields."""
    from core.models import Pegawai

    values = {}
    for spec in jenis.fields_schema:
        if not spec.get("required"):
            continue
        kind = spec["type"]
        values[spec["name"]] = {
            "date": today().isoformat(),
            "blocks": blocks_from_markup("Isi."),
            "people": [Pegawai.objects.filter(nip__isnull=False).first().pk],
            "diktum": [blocks_from_markup("Isi.")],
            "lines": ["Isi"],
            "signers": [],
        }.get(kind, "Isi")
    return values


def check(kode: str, signer: str, mandat: str = "", **extra):
    jenis = T(kode)
    fields = KEPUTUSAN_FIELDS if jenis.layout_kind == "keputusan" else _fill(jenis)
    return draft_check(
        jenis=jenis,
        penandatangan=J(signer),
        mandat=mandat,
        hal="Uji kewenangan",
        urgensi="biasa",
        klasifikasi_keamanan="biasa",
        kode_klasifikasi=None,
        tempat="",
        fields=extra.pop("fields", fields),
        body=blocks_from_markup("Isi naskah."),
        penerima=[],
        lampiran=[],
    )


def code_of(kode: str, signer: str, mandat: str = "") -> str:
    with pytest.raises(ApplicationError) as exc:
        check(kode, signer, mandat)
    return exc.value.code


def delegate(dari: str, kepada: str, types: list[str], *, jenis="an", **kw) -> PelimpahanWewenang:
    return pelimpahan_create(
        actor=None,
        jenis=jenis,
        dari=J(dari),
        kepada=J(kepada),
        jenis_naskah=[T(k) for k in types],
        mulai=kw.pop("mulai", today()),
        dasar=kw.pop("dasar", "Keputusan Kepala Dinas Nomor 800/1/2026"),
        **kw,
    )


def matrix(jenis: JenisNaskah) -> list[dict]:
    rows = [r.as_dict() for r in jenis.kewenangan.order_by("pk")]
    for row in rows:
        row["jabatan"] = Jabatan.objects.filter(pk=row["jabatan"]).first()
    return rows


# --- The matrix ---------------------------------------------------------------------------


def test_every_seeded_type_has_a_matrix_and_no_functional_signer_unless_a_rule_says_so():
    # domain.md 1.3 (UNVERIFIED); the attendance list by its organising official (0011)
    author_signs = {"laporan", "telaahan_staf", "notula", "daftar_hadir"}
    for jenis in JenisNaskah.objects.all():
        rows = list(jenis.kewenangan.all())
        assert rows, jenis.kode
        for row in rows:
            row.full_clean()
        functional = any(r.peran == "fungsional" for r in rows)
        assert functional == (jenis.kode in author_signs), jenis.kode


@pytest.mark.parametrize("kode", ["keputusan_kepala_pd", "keputusan_gubernur"])
def test_a_kabid_cannot_sign_a_keputusan(demo, kode):
    assert code_of(kode, KABID) == "signer_not_allowed"
    assert code_of(kode, "Kepala Biro Umum") == "signer_not_allowed"
    assert code_of(kode, "Asisten Administrasi Umum") == "signer_not_allowed"


def test_who_signs_a_keputusan(demo):
    check("keputusan_gubernur", GUB)
    check("keputusan_kepala_pd", KADIS)
    check("keputusan_kepala_pd", SEKDA)  # head of the Sekretariat Daerah
    for signer in (SEKDA, "Wakil Gubernur Lampung", KADIS):
        assert code_of("keputusan_gubernur", signer) == "signer_not_allowed"


@pytest.mark.parametrize(
    "kode",
    ["surat_dinas", "surat_undangan", "surat_edaran", "pengumuman", "rekomendasi", "surat_kuasa"],
)
def test_unit_heads_below_the_agency_head_sign_outgoing_letters_only_on_behalf(demo, kode):
    assert code_of(kode, KABID) in {"signer_not_allowed", "mandate_not_allowed", "no_delegation"}
    check(kode, KADIS)


@pytest.mark.parametrize("kode", ["surat_dinas", "surat_undangan", "berita_acara", "memo"])
def test_a_functional_position_cannot_sign_an_external_letter(demo, kode):
    assert code_of(kode, PRAKOM) == "signer_not_allowed"
    assert not jabatan_signers(T(kode)).filter(jenis="fungsional").exists()


def test_internal_letters_by_structural_heads(demo):
    check("nota_dinas", KABID)
    check("memo", SEKDIS)
    assert code_of("nota_dinas", PRAKOM) == "signer_not_allowed"


def test_instruksi_only_by_the_head_of_region(demo):
    check("instruksi", GUB)
    for signer in (SEKDA, KADIS, "Wakil Gubernur Lampung"):
        assert code_of("instruksi", signer) == "signer_not_allowed"


def test_the_in_memory_check_equals_the_query(demo):
    positions = list(Jabatan.objects.select_related("unit"))
    for jenis, mandat in itertools.product(JenisNaskah.objects.all(), KOLOM_MANDAT):
        allowed = set(jabatan_signers(jenis, mandat).values_list("pk", flat=True))
        for jabatan in positions:
            assert jenis_allows_signer(jenis, jabatan, mandat) == (jabatan.pk in allowed), (
                jenis.kode,
                mandat,
                jabatan.nama,
            )


def test_echelon_and_named_position_rules(demo):
    memo = T("memo")
    kewenangan_set(
        actor=None,
        jenis=memo,
        rows=[
            {"peran": "kepala_unit", "eselon_minimal": "III.a"},
            {"peran": "jabatan", "jabatan": J(PRAKOM)},
        ],
    )
    assert jenis_allows_signer(memo, J(SEKDIS))  # III.a
    assert not jenis_allows_signer(memo, J(KABID))  # III.b is below III.a
    assert jenis_allows_signer(memo, J(PRAKOM))
    assert not jenis_allows_signer(memo, J("Pranata Komputer Ahli Pertama"))
    for jabatan in Jabatan.objects.select_related("unit"):
        for rule in memo.kewenangan.all():
            _rule_matches(rule, jabatan)  # never raises on any demo position


def test_a_type_without_rows_has_no_signer(demo):
    memo = T("memo")
    kewenangan_set(actor=None, jenis=memo, rows=[])
    assert not jabatan_signers(memo).exists()
    assert code_of("memo", KADIS) == "signer_not_allowed"


def test_matrix_rows_are_validated(demo):
    for bad in (
        {"peran": "jabatan"},  # no position
        {"peran": "fungsional", "eselon_minimal": "III.a"},
        {"peran": "sekda", "sendiri": False},  # no form at all
    ):
        with pytest.raises(ApplicationError):
            kewenangan_set(actor=None, jenis=T("memo"), rows=[bad])
    assert T("memo").kewenangan.exists()  # unchanged


def test_editing_the_matrix_is_audited(demo):
    memo = T("memo")
    before = matrix(memo)
    kewenangan_set(actor=demo["admin"], jenis=memo, rows=before[:1])
    event = AuditEvent.objects.filter(action="naskah.kewenangan.update").latest("id")
    assert event.actor == demo["admin"] and event.object_id == str(memo.pk)
    assert len(event.details["before"]) == len(before) and len(event.details["after"]) == 1
    count = AuditEvent.objects.filter(action="naskah.kewenangan.update").count()
    kewenangan_set(actor=demo["admin"], jenis=memo, rows=before[:1])  # no change, no event
    assert AuditEvent.objects.filter(action="naskah.kewenangan.update").count() == count


def test_admin_edits_the_matrix_through_the_audited_service(client, demo):
    memo = T("memo")
    client.force_login(demo["admin"])
    url = reverse("admin:naskah_jenisnaskah_change", args=[memo.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, dict))
    }
    for name in ("fields_schema", "layout", "koordinasi_wajib"):
        data[name] = form[name].value()
    for key in list(data):
        if isinstance(data[key], bool) and not data[key]:
            del data[key]
    data["kode_klasifikasi_default"] = ""
    prefix = "kewenangan"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-peran": "kepala_daerah",
            f"{prefix}-0-sendiri": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert list(memo.kewenangan.values_list("peran", flat=True)) == ["kepala_daerah"]
    assert AuditEvent.objects.filter(
        action="naskah.kewenangan.update", actor=demo["admin"]
    ).exists()
    # The whole matrix is listed read-only.
    listing = client.get(reverse("admin:naskah_kewenangantandatangan_changelist"))
    assert listing.status_code == 200 and "Keputusan Gubernur" in listing.content.decode()
    assert client.get(reverse("admin:naskah_pelimpahanwewenang_add")).status_code == 200


# --- The drafting form ----------------------------------------------------------------------


def test_the_form_offers_only_signers_the_matrix_allows(demo):
    form = NaskahForm(jenis=T("keputusan_kepala_pd"), user=demo["prakommuda"])
    offered = {pk for pk, _label in form.fields["penandatangan"].choices}
    assert J(KADIS).pk in offered and J(SEKDA).pk in offered
    assert J(KABID).pk not in offered and J(PRAKOM).pk not in offered
    assert [value for value, _ in form.fields["mandat"].choices] == [""]


def test_the_form_offers_a_n_only_with_a_delegation(demo):
    form = NaskahForm(jenis=T("surat_dinas"), user=demo["prakommuda"])
    assert J(KABID).pk not in {pk for pk, _ in form.fields["penandatangan"].choices}
    delegate(KADIS, KABID, ["surat_dinas"])
    form = NaskahForm(jenis=T("surat_dinas"), user=demo["prakommuda"])
    labels = dict(form.fields["penandatangan"].choices)
    assert "a.n. " + KADIS in labels[J(KABID).pk]
    assert "an" in [value for value, _ in form.fields["mandat"].choices]
    bound = NaskahForm(
        {"penandatangan": J(KABID).pk, "mandat": "", "hal": "x", "urgensi": "biasa"}
        | {"klasifikasi_keamanan": "biasa"},
        jenis=T("surat_dinas"),
        user=demo["prakommuda"],
    )
    assert not bound.is_valid() and "mandat" in bound.errors  # own right is not offered


# --- Delegations behind a.n. and u.b. --------------------------------------------------------


def test_a_n_needs_a_delegation_covering_the_type_and_the_date(demo):
    assert code_of("surat_dinas", KABID, "an") == "no_delegation"
    tomorrow = today() + dt.timedelta(days=1)
    delegate(KADIS, KABID, ["surat_dinas"], mulai=tomorrow)  # not yet in force
    delegate(KADIS, KABID, ["nota_dinas"])  # another type
    expired = delegate(KADIS, KABID, ["surat_dinas"], mulai=today() - dt.timedelta(days=30))
    pelimpahan_update(actor=None, pelimpahan=expired, selesai=today() - dt.timedelta(days=1))
    assert code_of("surat_dinas", KABID, "an") == "no_delegation"
    row = delegate(KADIS, KABID, ["surat_dinas"])
    draft = check("surat_dinas", KABID, "an")
    assert draft.header["mandat"] == "an"
    assert (
        signer_problem(jenis=T("surat_dinas"), jabatan=J(KABID), mandat="an", on=tomorrow) is None
    )
    pelimpahan_update(actor=None, pelimpahan=row, aktif=False)  # revoked
    assert code_of("surat_dinas", KABID, "an") == "no_delegation"


def test_u_b_needs_its_own_delegation_two_levels_up(demo):
    assert code_of("surat_undangan", SEKDIS, "ub") == "no_delegation"
    delegate(SEKDA, SEKDIS, ["surat_undangan"], jenis="ub")
    check("surat_undangan", SEKDIS, "ub")
    assert code_of("surat_undangan", SEKDIS, "an") == "no_delegation"  # an a.n. is another


def test_a_keputusan_cannot_be_signed_a_n_by_default(demo):
    delegate(KADIS, SEKDIS, ["keputusan_kepala_pd"])
    assert code_of("keputusan_kepala_pd", SEKDIS, "an") == "mandate_not_allowed"
    delegate(GUB, SEKDA, ["keputusan_gubernur"])
    assert code_of("keputusan_gubernur", SEKDA, "an") == "mandate_not_allowed"


def test_a_delegation_follows_the_line_of_superiors(demo):
    with pytest.raises(ApplicationError, match="direct superior"):
        delegate(GUB, KABID, ["surat_dinas"])
    with pytest.raises(ApplicationError, match="two levels"):
        delegate(KADIS, KABID, ["surat_dinas"], jenis="ub")
    with pytest.raises(ApplicationError):
        delegate(KADIS, KABID, [])
    with pytest.raises(ApplicationError):
        delegate(KADIS, KABID, ["surat_dinas"], dasar=" ")
    row = delegate(KADIS, KABID, ["surat_dinas"], dasar="SK 800/7/2026")
    created = AuditEvent.objects.get(action="naskah.pelimpahan.create", object_id=str(row.pk))
    assert created.details["jenis_naskah"] == ["surat_dinas"]
    pelimpahan_update(actor=demo["admin"], pelimpahan=row, selesai=today())
    updated = AuditEvent.objects.get(action="naskah.pelimpahan.update", object_id=str(row.pk))
    assert updated.details["before"]["selesai"] is None
    assert updated.details["after"]["selesai"] == today().isoformat()


def test_admin_creates_a_delegation_through_the_audited_service(client, demo):
    client.force_login(demo["admin"])
    response = client.post(
        reverse("admin:naskah_pelimpahanwewenang_add"),
        {
            "jenis": "an",
            "dari": J(KADIS).pk,
            "kepada": J(KABID).pk,
            "jenis_naskah": [T("surat_dinas").pk, T("surat_undangan").pk],
            "mulai": today().isoformat(),
            "dasar": "Keputusan Kepala Dinas Nomor 800/9/2026",
            "aktif": "on",
        },
    )
    assert response.status_code == 302
    row = PelimpahanWewenang.objects.get(kepada=J(KABID))
    assert set(row.jenis_naskah.values_list("kode", flat=True)) == {"surat_dinas", "surat_undangan"}
    event = AuditEvent.objects.get(action="naskah.pelimpahan.create", object_id=str(row.pk))
    assert event.actor == demo["admin"]
    # Not the line of superiors: the form says why, nothing is saved.
    response = client.post(
        reverse("admin:naskah_pelimpahanwewenang_add"),
        {
            "jenis": "an",
            "dari": J(GUB).pk,
            "kepada": J(KABID).pk,
            "jenis_naskah": [T("surat_dinas").pk],
            "mulai": today().isoformat(),
            "dasar": "SK",
        },
    )
    assert response.status_code == 200 and b"direct superior" in response.content
    assert PelimpahanWewenang.objects.count() == 1 + len(DEMO_PELIMPAHAN)


def test_an_a_n_keputusan_names_the_delegating_official_in_title_opening_and_block(demo):
    jenis = T("keputusan_kepala_pd")
    rows = matrix(jenis) + [{"peran": "kepala_unit", "sendiri": False, "atas_nama": True}]
    kewenangan_set(actor=None, jenis=jenis, rows=rows)  # a region's data allows it
    delegate(KADIS, SEKDIS, ["keputusan_kepala_pd"])
    draft = check("keputusan_kepala_pd", SEKDIS, "an")
    revisi = unsaved_revision(actor=demo["prakommuda"], jenis=jenis, draft=draft)
    layout, context = naskah_render_context(revisi, preview=True)
    post = J(KADIS).nama_ttd_tampil
    assert layout["title"] == f"KEPUTUSAN {post}"
    assert context["fields"]["pembukaan"] == ["DENGAN RAHMAT TUHAN YANG MAHA ESA", f"{post},"]
    block = context["penandatangan"]
    assert block["lines_above"][0] == f"a.n. {post}"
    assert block["lines_above"][-1] == "SEKRETARIS DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK,"
    # In own right the title carries the signer's own post.
    own = unsaved_revision(
        actor=demo["prakommuda"], jenis=jenis, draft=check("keputusan_kepala_pd", KADIS)
    )
    assert naskah_render_context(own, preview=True)[0]["title"] == f"KEPUTUSAN {post}"


# --- Plt/Plh and the signing service ---------------------------------------------------------


def _unsaved_letter(kode: str, signer: str, mandat: str = "") -> Naskah:
    return Naskah(jenis=T(kode), penandatangan=J(signer), mandat=mandat)


def test_a_plt_cannot_sign_a_keputusan_by_default(demo):
    # The Kepala Disdikbud post is vacant; its Sekretaris acts as Plt (core demo).
    plt = demo["sekdisdik"]
    on = today()
    with pytest.raises(PermissionDeniedError) as exc:
        signer_authority(
            naskah=_unsaved_letter("keputusan_kepala_pd", KADIS_DIK),
            jabatan=J(KADIS_DIK),
            signer=plt,
            on=on,
        )
    assert exc.value.code == "acting_not_allowed"
    # A Plt may sign routine letters of the post.
    signer_authority(
        naskah=_unsaved_letter("surat_dinas", KADIS_DIK), jabatan=J(KADIS_DIK), signer=plt, on=on
    )


def test_the_sign_service_refuses_a_signer_the_matrix_no_longer_allows(demo):
    naskah = ready_letter(demo)  # a Surat Dinas of the Kepala Dinas Kominfotik
    surat = T("surat_dinas")
    kewenangan_set(
        actor=None,
        jenis=surat,
        rows=[r for r in matrix(surat) if r["peran"] != "kepala_perangkat_daerah"],
    )
    with pytest.raises(PermissionDeniedError) as exc:
        naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    assert exc.value.code == "position_not_allowed"
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and naskah.nomor is None


def test_the_sign_service_checks_the_delegation_on_the_signing_date(demo):
    row = delegate(KADIS, KABID, ["surat_dinas"])
    naskah = ready_letter(demo, signer=KABID, mandat="an")
    on = today()
    holder = signer_authority(naskah=naskah, jabatan=J(KABID), signer=demo["kabidaptika"], on=on)
    assert holder.pegawai == demo["kabidaptika"]
    pelimpahan_update(actor=None, pelimpahan=row, aktif=False)
    with pytest.raises(PermissionDeniedError) as exc:
        naskah_sign(naskah=naskah, signer=demo["kabidaptika"], passphrase=PASSPHRASE)
    assert exc.value.code == "position_not_allowed"


# --- Legal bureau paraf -------------------------------------------------------------------


def test_the_legal_bureau_initials_keputusan_and_instruksi(demo, settings):
    for kode in ("keputusan_gubernur", "keputusan_kepala_pd", "instruksi"):
        assert [u.kode for u in jenis_koordinasi_wajib(T(kode))] == ["BIRO-HUKUM"], kode
    assert jenis_koordinasi_wajib(T("surat_edaran")) == []
    settings.NASKAH_UNIT_BIRO_HUKUM = "BIRO-UMUM"
    assert [u.kode for u in jenis_koordinasi_wajib(T("instruksi"))] == ["BIRO-UMUM"]
    settings.NASKAH_UNIT_BIRO_HUKUM = "TIDAK-ADA"
    with pytest.raises(ApplicationError) as exc:
        jenis_koordinasi_wajib(T("instruksi"))
    assert exc.value.code == "koordinasi_unknown"
    assert UnitKerja.objects.filter(kode="BIRO-HUKUM").exists()


# --- Pasal 44 by category -------------------------------------------------------------------

CATEGORIES = {
    "surat_dinas": ("korespondensi", ""),
    "surat_undangan": ("korespondensi", ""),
    "nota_dinas": ("korespondensi", ""),
    "memo": ("korespondensi", ""),
    "surat_edaran": ("arahan", ""),
    "instruksi": ("arahan", "penugasan"),
    "surat_perintah": ("arahan", "penugasan"),
    "surat_tugas": ("arahan", "penugasan"),
    "keputusan_gubernur": ("arahan", "penetapan"),
    "keputusan_kepala_pd": ("arahan", "penetapan"),
    "surat_keterangan": ("khusus", ""),
    "surat_pengantar": ("khusus", ""),
    "surat_kuasa": ("khusus", ""),
    "surat_pernyataan": ("khusus", ""),
    "berita_acara": ("khusus", ""),
    "pengumuman": ("khusus", ""),
    "rekomendasi": ("khusus", ""),
    "laporan": ("lainnya", ""),
    "telaahan_staf": ("lainnya", ""),
    "notula": ("lainnya", ""),
    "lembar_disposisi": ("lainnya", ""),
}


def test_each_type_carries_its_category():
    for kode, category in CATEGORIES.items():
        jenis = T(kode)
        assert (jenis.kelompok, jenis.subkelompok) == category, kode
    # Pasal 44 drops titles for pengaturan and penetapan only: no seeded type other than
    # the keputusan and the Peraturan Gubernur is in either.
    without = set(
        JenisNaskah.objects.filter(subkelompok__in=["pengaturan", "penetapan"]).values_list(
            "kode", flat=True
        )
    )
    assert without == {
        "keputusan_gubernur",
        "keputusan_kepala_pd",
        "keputusan_sekda",
        "peraturan_gubernur",
    }


@pytest.mark.parametrize(
    ("kode", "name"),
    [
        ("surat_edaran", "Dr. Ir. Budi Hartono Wibisono, M.Si."),  # arahan, not pengaturan
        ("instruksi", "Ahmad Rizal Mahendra, S.E., M.M."),  # arahan, not pengaturan
        ("keputusan_gubernur", "AHMAD RIZAL MAHENDRA"),  # penetapan
        ("keputusan_kepala_pd", "GANJAR JATIONO"),  # penetapan
        ("surat_tugas", "Ganjar Jationo, S.Kom., M.T."),  # penugasan
        ("nota_dinas", "Rudi Hermawan, S.Kom., M.Cs."),  # korespondensi
    ],
)
def test_pasal_44_name_line_by_category(demo, kode, name):
    _layout, context = naskah_render_context(sample_revision(kode), preview=True)
    assert context["penandatangan"]["name"] == name


def test_the_piagam_exemption_is_a_per_type_flag(demo):
    revisi = sample_revision("surat_keterangan")
    assert naskah_render_context(revisi, preview=True)[1]["penandatangan"]["name"] == (
        "Dr. Irwan Saputra, M.Pd."
    )
    jenis = jenisnaskah_update(
        actor=demo["admin"], jenis=T("surat_keterangan"), nama_tanpa_gelar=True
    )
    revisi = sample_revision("surat_keterangan")
    block = naskah_render_context(revisi, preview=True)[1]["penandatangan"]
    assert block["name"] == "IRWAN SAPUTRA"
    assert any(line.startswith("NIP") for line in block["lines_below"])  # NIP stays
    event = AuditEvent.objects.get(action="naskah.jenis.update", object_id=str(jenis.pk))
    assert event.details["after"] == {"nama_tanpa_gelar": True}
    assert KewenanganTandaTangan.objects.filter(jenis=jenis).exists()
