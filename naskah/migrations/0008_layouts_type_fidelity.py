"""Layout corrections of the seeded letter types (issue 13, item 5): parties and both
signature blocks of Surat Kuasa, the recipient's acknowledgement of Surat Pengantar, the
chair and note-taker of Notula, no number line on Laporan/Notula/Telaahan Staf, Berita
Acara parties and "Mengetahui", Instruksi (position line, Kepada, KESATU/KEDUA), Surat
Edaran ("Yth." above the title, "NOMOR .../... TAHUN ..."), Telaahan Staf sections.

Only the keys named here are changed; other edits an administrator made are kept."""

from django.db import migrations

F = dict


def _field(schema: list, name: str) -> dict | None:
    return next((f for f in schema if f.get("name") == name), None)


def _insert_after(schema: list, after: str, spec: dict) -> None:
    if _field(schema, spec["name"]) is not None:
        return
    names = [f.get("name") for f in schema]
    at = names.index(after) + 1 if after in names else len(schema)
    schema.insert(at, spec)


SURAT_KUASA_PARTIES = [
    {"source": "signer", "label": "Pemberi Kuasa", "intro": "Yang bertanda tangan di bawah ini:"},
    {"source": "penerima_kuasa", "label": "Penerima Kuasa", "intro": "Memberi kuasa kepada:"},
]
BERITA_ACARA_PARTIES = [
    {
        "source": "signer",
        "label": "Pihak Kesatu",
        "label_field": "peran_penandatangan",
        "intro": "Yang bertanda tangan di bawah ini:",
    },
    {"source": "penandatangan_lain", "label": "Pihak Kedua"},
]


def change(jenis, layout: dict | None = None, fields=None):
    if layout:
        jenis.layout = {**(jenis.layout or {}), **layout}
    if fields:
        schema = [dict(f) for f in (jenis.fields_schema or [])]
        fields(schema)
        jenis.fields_schema = schema
    jenis.save(update_fields=["layout", "fields_schema"])


def surat_kuasa_fields(schema):
    spec = _field(schema, "penerima_kuasa")
    if spec is not None:
        spec.pop("placement", None)  # identified by the parties block now
        spec.update(signature_role="Penerima Kuasa", signature_side="left")


def notula_fields(schema):
    waktu = _field(schema, "waktu")
    if waktu is not None:
        waktu["label"] = "Waktu rapat"
    _insert_after(
        schema,
        "hari_tanggal",
        F(
            name="waktu_panggilan",
            label="Waktu panggilan",
            type="text",
            required=False,
            placement="rows",
            help="08.30 WIB",
        ),
    )
    _insert_after(
        schema,
        "pimpinan_rapat",
        F(
            name="pencatat",
            label="Sekretaris/Pencatat",
            type="people",
            required=True,
            placement="rows",
            row_format="name",
            signature_role="Sekretaris/Pencatat",
            signature_side="left",
        ),
    )
    _insert_after(
        schema,
        "pencatat",
        F(
            name="dibuka",
            label="Rapat dibuka",
            type="text",
            required=False,
            placement="rows",
            help="pukul 13.05 WIB",
        ),
    )
    _insert_after(
        schema,
        "dibuka",
        F(
            name="ditutup",
            label="Rapat ditutup",
            type="text",
            required=False,
            placement="rows",
            help="pukul 15.00 WIB",
        ),
    )


def berita_acara_fields(schema):
    _insert_after(
        schema,
        "penandatangan_lain",
        F(
            name="mengetahui",
            label="Mengetahui",
            type="signers",
            required=False,
            role_label="Mengetahui",
        ),
    )


def instruksi_fields(schema):
    _insert_after(
        schema,
        "tentang",
        F(
            name="kepada",
            label="Kepada",
            type="lines",
            required=True,
            help="Satu penerima per baris",
        ),
    )
    _insert_after(
        schema,
        "kepada",
        F(
            name="diktum",
            label="Untuk (KESATU, KEDUA, ...)",
            type="diktum",
            required=True,
            help="Pisahkan diktum dengan baris berisi ---",
        ),
    )


def telaahan_fields(schema):
    tentang = _field(schema, "tentang")
    if tentang is not None:
        tentang["label"] = "Perihal"
    praanggapan = _field(schema, "praanggapan")
    if praanggapan is not None:
        praanggapan["required"] = True


CHANGES = {
    "surat_kuasa": dict(
        layout={"signer_role_label": "Pemberi Kuasa", "parties": SURAT_KUASA_PARTIES},
        fields=surat_kuasa_fields,
    ),
    "surat_pengantar": dict(layout={"receipt_block": True}),
    "notula": dict(
        layout={"nomor_format": "", "signer_role_label": "Pimpinan Rapat"}, fields=notula_fields
    ),
    "laporan": dict(layout={"nomor_format": ""}),
    "berita_acara": dict(layout={"parties": BERITA_ACARA_PARTIES}, fields=berita_acara_fields),
    "instruksi": dict(
        layout={"jabatan_after_title": True, "body_first": True}, fields=instruksi_fields
    ),
    "surat_edaran": dict(
        layout={"yth_above_title": True, "number_placeholder": "\u2026/\u2026 TAHUN {year}"}
    ),
    "telaahan_staf": dict(
        layout={
            "nomor_format": "",
            "tentang_line": False,
            "memo_rows": True,
            "section_numbers": True,
        },
        fields=telaahan_fields,
    ),
}


def forwards(apps, schema_editor):
    JenisNaskah = apps.get_model("naskah", "JenisNaskah")
    for kode, what in CHANGES.items():
        jenis = JenisNaskah.objects.filter(kode=kode).first()
        if jenis is not None:
            change(jenis, **what)


class Migration(migrations.Migration):
    dependencies = [("naskah", "0007_audit_pencabutan")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
