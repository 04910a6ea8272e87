"""Official letterhead artwork (issue 13, item 8): uploads are validated (PNG decoded and
bounded, SVG parsed safely and refused with scripts or outside references), the renderer
prints the uploaded artwork, and `check --deploy` fails while a letterhead in use has none."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader
from pypdf.generic import NameObject

from core.admin import UnitKerjaForm
from core.checks_lambang import check_letterhead_artwork
from core.lambang import lambang_validate
from core.models import AuditEvent, UnitKerja
from core.services.lambang import unitkerja_lambang_set
from naskah.context import naskah_render_pdf
from naskah.samples import sample_revision

pytestmark = pytest.mark.django_db

SVG_OK = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="100" height="110" viewBox="0 0 100 110">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#ff0000"/></linearGradient>'
    b"</defs>"
    b'<rect x="5" y="5" width="90" height="100" fill="#ff0000"/>'
    b'<use xlink:href="#c"/><circle id="c" cx="50" cy="55" r="20" fill="url(#g)"/></svg>'
)


def png(size=(128, 140), fmt="PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    mode, color = ("RGBA", (200, 160, 40, 255)) if fmt == "PNG" else ("RGB", (200, 160, 40))
    Image.new(mode, size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def page_streams(pdf: bytes) -> bytes:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    xobjects = page["/Resources"].get("/XObject", {})
    for name in xobjects:
        obj = xobjects[name].get_object()
        if obj["/Subtype"] == NameObject("/Form"):
            data += obj.get_data()
    return data


def has_image(pdf: bytes) -> bool:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    return any(xobjects[n].get_object()["/Subtype"] == NameObject("/Image") for n in xobjects)


def test_png_and_svg_are_accepted():
    assert lambang_validate(png()) == "png"
    assert lambang_validate(SVG_OK) == "svg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GIF89a....", "PNG or SVG"),
        (png(fmt="JPEG"), "PNG or SVG"),
        (png()[:60], "cannot be read"),
        (png(size=(40, 40)), "64 to 4096"),
        (png(size=(5000, 100)), "64 to 4096"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "<script>",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p>'
            b"</foreignObject></svg>",
            "<foreignobject>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
            b'xlink"><image xlink:href="file:///etc/passwd" width="9" height="9"/></svg>',
            "outside the file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><use href="http://evil.example/a.svg#x"/>'
            b"</svg>",
            "outside the file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9" '
            b'style="fill:url(https://evil.example/p)"/></svg>',
            "outside the file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
            "imports",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DTD",
        ),
        (b"<svg><rect/></svg>", "not an SVG"),  # no SVG namespace
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "cannot be read"),
    ],
)
def test_bad_files_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        lambang_validate(data)


def test_size_limit_is_a_setting(settings):
    settings.NASKAH_LAMBANG_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        lambang_validate(png(size=(300, 300)) + b"\0" * 2000)


def test_admin_form_validates_the_upload(demo):
    unit = UnitKerja.objects.get(kode="DISKOMINFOTIK")
    data = {
        f: getattr(unit, f) if f != "induk" else unit.induk_id for f in UnitKerjaForm.Meta.fields
    }
    bad = UnitKerjaForm(
        data=data,
        files={"lambang_unggah": SimpleUploadedFile("x.svg", b'<svg onload="x"/>')},
        instance=unit,
    )
    assert not bad.is_valid() and "lambang_unggah" in bad.errors
    good = UnitKerjaForm(
        data=data, files={"lambang_unggah": SimpleUploadedFile("x.png", png())}, instance=unit
    )
    assert good.is_valid(), good.errors
    assert good.cleaned_data["lambang_unggah"].startswith(b"\x89PNG")


def test_uploaded_png_is_printed_instead_of_the_stand_in(demo):
    revisi = sample_revision("surat_dinas")  # signed by the Sekda: the Setda's letterhead
    assert not has_image(naskah_render_pdf(revisi, preview=True))
    unit = UnitKerja.objects.get(kode="SETDA")
    unitkerja_lambang_set(unit=unit, data=png(), actor=demo["admin"])
    event = AuditEvent.objects.filter(action="unitkerja.lambang.upload").latest("pk")
    assert event.details["format"] == "png"
    assert has_image(naskah_render_pdf(revisi, preview=True))
    with pytest.raises(ValidationError):
        unitkerja_lambang_set(unit=unit, data=b"<svg/>", actor=demo["admin"])
    unit.refresh_from_db()
    assert unit.lambang_gambar_jenis == "png"  # the refused file changed nothing


def test_uploaded_svg_is_drawn_as_vectors(demo):
    revisi = sample_revision("keputusan_kepala_pd")  # Diskominfotik's own letterhead
    red_fill = b"1 0 0 rg"
    assert red_fill not in page_streams(naskah_render_pdf(revisi, preview=True))
    # The province's logo uploaded once, on the Setda (regional-government letterhead),
    # serves the agencies whose own letterhead has none.
    setda = UnitKerja.objects.get(kode="SETDA")
    unitkerja_lambang_set(unit=setda, data=SVG_OK, actor=demo["admin"])
    pdf = naskah_render_pdf(revisi, preview=True)
    assert red_fill in page_streams(pdf) and not has_image(pdf)


def test_deploy_check_fails_until_every_letterhead_has_artwork(demo):
    errors = check_letterhead_artwork(None)
    assert [e.id for e in errors] == ["naskah.E013"]
    assert "Pemerintah Provinsi Lampung" in errors[0].msg and "DISKOMINFOTIK" in errors[0].msg
    ids = [e.id for e in run_checks(include_deployment_checks=True, tags=["naskah"])]
    assert "naskah.E013" in ids
    unitkerja_lambang_set(
        unit=UnitKerja.objects.get(kode="PEMPROV"), data=png(), actor=demo["admin"]
    )
    still = check_letterhead_artwork(None)
    assert still and "Pemerintah Provinsi Lampung" not in still[0].msg
    unitkerja_lambang_set(
        unit=UnitKerja.objects.get(kode="SETDA"), data=SVG_OK, actor=demo["admin"]
    )
    assert check_letterhead_artwork(None) == []
    # Not part of ordinary checks (the demo runs with stand-ins).
    assert "naskah.E013" not in [e.id for e in run_checks(tags=["naskah"])]


def test_admin_save_stores_and_removes_the_artwork(demo, rf):
    from django.contrib import admin as django_admin

    unit = UnitKerja.objects.get(kode="PEMPROV")
    model_admin = django_admin.site._registry[UnitKerja]
    request = rf.post("/admin/")
    request.user = demo["admin"]
    data = {
        f: getattr(unit, f) if f != "induk" else (unit.induk_id or "")
        for f in UnitKerjaForm.Meta.fields
    }
    form = UnitKerjaForm(
        data=data, files={"lambang_unggah": SimpleUploadedFile("g.svg", SVG_OK)}, instance=unit
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    unit.refresh_from_db()
    assert unit.lambang_gambar_jenis == "svg" and bytes(unit.lambang_gambar) == SVG_OK
    assert "SVG, uploaded" in str(model_admin.lambang_status(unit))
    form = UnitKerjaForm(data={**data, "lambang_hapus": "on"}, instance=unit)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    unit.refresh_from_db()
    assert unit.lambang_gambar is None and unit.lambang_gambar_jenis == ""
    assert AuditEvent.objects.filter(action="unitkerja.lambang.remove").exists()
