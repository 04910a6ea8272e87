"""signature_block: Pasal 44 name lines and the a.n./u.b./Plt./Plh./Pj. forms."""

from __future__ import annotations

import pytest

from naskah.rendering import RenderError, SignatureStyle, render_naskah, signature_block
from naskah.rendering.samples import surat

from .rendering_helpers import assert_in_order, full_text

PERSON = {
    "nama": "Rahmat Hidayat",
    "gelar_depan": "Dr. Ir.",
    "gelar_belakang": "M.Si.",
    "nip": "196805121993031005",
    "pangkat_golongan": "Pembina Utama Madya (IV/d)",
}
TITLED = "Dr. Ir. Rahmat Hidayat, M.Si."
BARE = "RAHMAT HIDAYAT"
RANK = ["Pembina Utama Madya (IV/d)", "NIP 196805121993031005"]
POSITION = {
    "kepala_daerah": "GUBERNUR LAMPUNG",
    "wakil_kepala_daerah": "WAKIL GUBERNUR LAMPUNG",
    "sekda": "SEKRETARIS DAERAH PROVINSI LAMPUNG",
    "struktural": "KEPALA DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
    "fungsional": "PRANATA KOMPUTER AHLI MADYA",
    "pelaksana": "PENGADMINISTRASI UMUM",
}


def signer(jenis: str, acting: str = "") -> dict:
    return {**PERSON, "jabatan_ttd": POSITION[jenis], "jabatan_jenis": jenis, "acting": acting}


# (group, subgroup, jabatan_jenis, acting, titles_exempt, name, lines_below, last line above)
NAME_LINE_CASES = [
    # pengaturan & penetapan: no academic titles
    ("arahan", "pengaturan", "kepala_daerah", "", False, BARE, [], "GUBERNUR LAMPUNG,"),
    ("arahan", "penetapan", "kepala_daerah", "", False, BARE, [], "GUBERNUR LAMPUNG,"),
    ("arahan", "penetapan", "sekda", "", False, BARE, [], "SEKRETARIS DAERAH PROVINSI LAMPUNG,"),
    # an OPD keputusan: no titles, but an official below Sekda keeps pangkat and NIP
    ("arahan", "penetapan", "struktural", "", False, BARE, RANK, None),
    # penugasan, korespondensi, khusus: with titles
    ("arahan", "penugasan", "kepala_daerah", "", False, TITLED, [], "GUBERNUR LAMPUNG,"),
    ("korespondensi", "", "kepala_daerah", "", False, TITLED, [], "GUBERNUR LAMPUNG,"),
    ("korespondensi", "", "wakil_kepala_daerah", "", False, TITLED, [], None),
    ("korespondensi", "", "sekda", "", False, TITLED, [], None),
    # other officials: titles plus pangkat/golongan and NIP
    ("korespondensi", "", "struktural", "", False, TITLED, RANK, None),
    ("khusus", "", "fungsional", "", False, TITLED, RANK, None),
    ("lainnya", "", "pelaksana", "", False, TITLED, RANK, None),
    ("arahan", "penugasan", "struktural", "", False, TITLED, RANK, None),
    # piagam, sertifikat, STTPP: no titles
    ("khusus", "", "struktural", "", True, BARE, RANK, None),
    # Pj/Pjs/Plt/Plh Kepala Daerah: bare name
    ("korespondensi", "", "kepala_daerah", "pj", False, BARE, [], "Pj. GUBERNUR LAMPUNG,"),
    ("korespondensi", "", "kepala_daerah", "pjs", False, BARE, [], "Pjs. GUBERNUR LAMPUNG,"),
    ("korespondensi", "", "kepala_daerah", "plt", False, BARE, [], "Plt. GUBERNUR LAMPUNG,"),
    ("korespondensi", "", "kepala_daerah", "plh", False, BARE, [], "Plh. GUBERNUR LAMPUNG,"),
    # Pj and Plh Sekda: bare name; a Plt Sekda is not named by Pasal 44 (titles, no NIP)
    (
        "korespondensi",
        "",
        "sekda",
        "pj",
        False,
        BARE,
        [],
        "Pj. SEKRETARIS DAERAH PROVINSI LAMPUNG,",
    ),
    ("korespondensi", "", "sekda", "plh", False, BARE, [], None),
    ("korespondensi", "", "sekda", "plt", False, TITLED, [], None),
    # an acting head of an OPD keeps titles, pangkat and NIP
    (
        "korespondensi",
        "",
        "struktural",
        "plt",
        False,
        TITLED,
        RANK,
        "Plt. KEPALA DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK,",
    ),
    ("korespondensi", "", "struktural", "plh", False, TITLED, RANK, None),
]


@pytest.mark.parametrize(
    ("group", "subgroup", "jenis", "acting", "exempt", "name", "below", "last_above"),
    NAME_LINE_CASES,
)
def test_pasal_44_name_lines(group, subgroup, jenis, acting, exempt, name, below, last_above):
    block = signature_block(
        group=group,
        subgroup=subgroup,
        signer=signer(jenis, acting),
        mandate={},
        titles_exempt=exempt,
    )
    assert block["name"] == name
    assert block["lines_below"] == below
    if last_above is not None:
        assert block["lines_above"][-1] == last_above


def test_atas_nama_block():
    block = signature_block(
        group="korespondensi",
        signer={**signer("sekda"), "jabatan_ttd": "Sekretaris Daerah"},
        mandate={"kind": "an", "for_jabatan_ttd": "Gubernur Lampung"},
    )
    assert block["lines_above"] == ["a.n. GUBERNUR LAMPUNG", "SEKRETARIS DAERAH,"]
    assert block["name"] == TITLED
    assert block["lines_below"] == []


def test_untuk_beliau_block():
    block = signature_block(
        group="korespondensi",
        signer={**signer("struktural"), "jabatan_ttd": "ASISTEN ADMINISTRASI UMUM"},
        mandate={
            "kind": "ub",
            "for_jabatan_ttd": "GUBERNUR LAMPUNG",
            "via_jabatan_ttd": "SEKRETARIS DAERAH,",
        },
    )
    assert block["lines_above"] == [
        "a.n. GUBERNUR LAMPUNG",
        "SEKRETARIS DAERAH",
        "u.b.",
        "ASISTEN ADMINISTRASI UMUM,",
    ]
    assert block["name"] == TITLED
    assert block["lines_below"] == RANK


def test_atas_nama_by_a_plh_sekda():
    block = signature_block(
        group="korespondensi",
        signer={**signer("sekda", "plh"), "jabatan_ttd": "SEKRETARIS DAERAH"},
        mandate={"kind": "an", "for_jabatan_ttd": "GUBERNUR LAMPUNG"},
    )
    assert block["lines_above"] == ["a.n. GUBERNUR LAMPUNG", "Plh. SEKRETARIS DAERAH,"]
    assert block["name"] == BARE
    assert block["lines_below"] == []


def test_role_label_is_kept():
    block = signature_block(group="khusus", signer=signer("struktural"), role_label="PIHAK KESATU,")
    assert block["role_label"] == "PIHAK KESATU,"


def test_labels_and_case_are_configurable():
    style = SignatureStyle(
        nip_label="NIP.",
        name_case_with_titles="upper",
        position_case="as_is",
        an_label="a.n",
        acting_labels={"plt": "PLT.", "plh": "PLH.", "pj": "PJ.", "pjs": "PJS."},
    )
    block = signature_block(
        group="korespondensi",
        signer={**signer("struktural", "plt"), "jabatan_ttd": "Kepala Dinas Kominfotik"},
        mandate={"kind": "an", "for_jabatan_ttd": "Gubernur Lampung"},
        style=style,
    )
    assert block["lines_above"] == ["a.n Gubernur Lampung", "PLT. Kepala Dinas Kominfotik,"]
    assert block["name"] == "Dr. Ir. RAHMAT HIDAYAT, M.Si."
    assert block["lines_below"][-1] == "NIP. 196805121993031005"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "produk_hukum"}, "Unknown naskah group"),
        ({"signer": {**signer("struktural"), "acting": "wakil"}}, "Unknown acting"),
        ({"signer": {**signer("struktural"), "jabatan_jenis": "menteri"}}, "jabatan_jenis"),
        ({"signer": {**signer("struktural"), "nama": "  "}}, "needs a name"),
        ({"signer": {**signer("struktural"), "jabatan_ttd": ""}}, "jabatan_ttd"),
        ({"mandate": {"kind": "atas_nama"}}, "Unknown mandate"),
        ({"mandate": {"kind": "an"}}, "for_jabatan_ttd"),
        ({"mandate": {"kind": "ub", "for_jabatan_ttd": "GUBERNUR LAMPUNG"}}, "via_jabatan_ttd"),
        ({"style": SignatureStyle(name_case_with_titles="title")}, "Unknown case rule"),
    ],
)
def test_bad_signature_input_raises(kwargs, message):
    arguments = {"group": "korespondensi", "subgroup": "", "signer": signer("struktural")}
    arguments.update(kwargs)
    with pytest.raises(RenderError, match=message):
        signature_block(**arguments)


def test_ub_block_renders_in_order():
    layout, context = surat()
    block = signature_block(
        group="korespondensi",
        signer={**signer("struktural"), "jabatan_ttd": "ASISTEN ADMINISTRASI UMUM"},
        mandate={
            "kind": "ub",
            "for_jabatan_ttd": "GUBERNUR LAMPUNG",
            "via_jabatan_ttd": "SEKRETARIS DAERAH",
        },
    )
    text = full_text(render_naskah(layout, {**context, "penandatangan": block}))
    assert_in_order(
        text,
        [
            "Demikian disampaikan",
            "a.n. GUBERNUR LAMPUNG",
            "SEKRETARIS DAERAH",
            "u.b.",
            "ASISTEN ADMINISTRASI UMUM,",
            TITLED,
            "NIP 196805121993031005",
            "Tembusan:",
        ],
    )
