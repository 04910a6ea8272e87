"""core.pdfsafe: every kind of active content in the corpus is found and removed, the page
content survives, bad input is refused with a clear error (invariant 10)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from core.errors import ApplicationError
from core.pdfsafe import pdf_active_content, pdf_sanitize, removed_message
from tests.pdfsafe_corpus import (
    CORPUS,
    LINK_TEXT,
    VISIBLE_TEXT,
    combined,
    encrypted,
    raw_active_names,
    uri_link,
)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_attack_is_found_removed_and_reported(name):
    data = CORPUS[name]()
    assert raw_active_names(data), "the corpus file must carry something active"
    assert pdf_active_content(data), "the checker must find it"
    result = pdf_sanitize(data)
    assert pdf_active_content(result.data) == []
    assert raw_active_names(result.data) == set()  # an independent walk agrees
    assert result.removed and all(count > 0 for count in result.removed.values())
    assert VISIBLE_TEXT in _text(result.data) and LINK_TEXT in _text(result.data)
    assert result.pages == len(PdfReader(io.BytesIO(data)).pages)
    # Sanitising is stable: a cleaned file has nothing more to remove.
    assert pdf_sanitize(result.data).removed == {}


def test_the_reported_file_lists_every_kind_and_the_message_names_them():
    result = pdf_sanitize(combined())
    assert result.removed == {
        "javascript": 2,
        "launch": 1,
        "embedded_file": 1,
        "additional_actions": 1,
    }
    message = removed_message(result.removed, "lampiran.pdf")
    assert "lampiran.pdf" in message and "JavaScript (2)" in message
    assert removed_message({}) == ""


def test_incremental_update_is_flattened_and_object_streams_are_rewritten():
    data = CORPUS["incremental_update"]()
    assert data.count(b"%%EOF") == 2
    cleaned = pdf_sanitize(data).data
    assert cleaned.count(b"%%EOF") == 1
    assert b"app.alert" not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.pages[0].obj


def test_internal_links_are_kept_and_chained_actions_are_not():
    cleaned = pdf_sanitize(CORPUS["next_chain"]()).data
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        (link,) = pdf.pages[0].obj.Annots
        assert str(link.A.S) == "/GoTo" and "/Next" not in link.A


def test_bookmarks_keep_their_order_without_their_scripts():
    cleaned = pdf_sanitize(CORPUS["outline_and_fields"]()).data
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        first = pdf.Root.Outlines.First
        assert str(first.Title) == "Buka" and "/A" not in first
        assert str(first.Next.Title) == "Halaman 1" and "/Dest" in first.Next


@pytest.mark.parametrize("mode", ["remove", "text"])
def test_external_links_follow_the_setting(mode, settings):
    settings.NASKAH_PDF_URI_LINKS = mode
    result = pdf_sanitize(uri_link())
    assert result.removed == {"uri": 1}
    assert LINK_TEXT in _text(result.data)  # the visible address is page content
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        annots = pdf.pages[0].obj.get("/Annots", [])
        if mode == "remove":
            assert len(annots) == 0
        else:
            (link,) = annots
            assert "/A" not in link and str(link.Contents) == LINK_TEXT
    assert pdf_active_content(result.data) == []


def test_a_clean_file_passes_unchanged_in_content():
    from tests.naskah.conftest import pdf_bytes

    data = pdf_bytes(2, text="Bersih")
    result = pdf_sanitize(data)
    assert result.removed == {} and pdf_active_content(data) == []
    assert _text(result.data) == _text(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (encrypted(), "encrypted"),
        (b"%PDF-1.7\n1 0 obj <<>> garbage", "broken"),
        (b"hello, not a pdf", "not_pdf"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(data, code):
    with pytest.raises(ApplicationError) as caught:
        pdf_sanitize(data)
    assert caught.value.code == code and caught.value.message
    with pytest.raises(ApplicationError):
        pdf_active_content(data)


def test_a_file_that_cannot_be_cleaned_is_refused(monkeypatch):
    """The result is checked, not assumed: if anything active were left, nothing is returned."""
    import core.pdfsafe as pdfsafe

    monkeypatch.setattr(pdfsafe, "_neutralise", lambda *args, **kwargs: None)
    with pytest.raises(ApplicationError) as caught:
        pdf_sanitize(CORPUS["open_action_javascript"]())
    assert caught.value.code == "active_content"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_cleaned_page_still_renders(tmp_path):
    """pdftoppm draws the cleaned page: not blank (the text is still there)."""
    from PIL import Image

    src = tmp_path / "clean.pdf"
    src.write_bytes(pdf_sanitize(combined()).data)
    subprocess.run(  # noqa: S603 - fixed arguments
        ["pdftoppm", "-r", "50", "-png", "-singlefile", str(src), str(tmp_path / "page")],  # noqa: S607
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as image:
        dark = sum(image.convert("L").histogram()[:128])
    assert dark > 100
