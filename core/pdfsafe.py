"""Removing active content from PDFs (invariant 10): one sanitiser for every PDF that enters.

`pdf_sanitize(data)` opens the bytes with pikepdf (qpdf), removes everything a PDF reader
could execute, open, submit or launch, saves a fresh file (incremental updates flattened,
object streams regenerated, unreachable objects dropped) and checks the result again with
`pdf_active_content`: a file in which anything active remains is refused, never stored.

Removed: JavaScript (actions, /JS anywhere, the /Names JavaScript tree), Launch, SubmitForm,
ImportData, ResetForm, Hide, GoToR/GoToE (remote documents), Rendition/Movie/Sound/3D and
RichMedia (actions and annotations), every other non-GoTo action, /OpenAction, additional
actions (/AA) at every level, /Next chains, embedded files (/EmbeddedFiles tree, /EF,
/AF associated files, /EmbeddedFile streams, FileAttachment annotations), XFA forms and
external URI links (the link annotation is removed, or with NASKAH_PDF_URI_LINKS="text"
only its action: the page content, and so the visible text, is never changed). Internal
GoTo links are kept. The walk covers every object of the file, not only known locations.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

URI_MODES = ("remove", "text")

# Action types (ISO 32000-2, 12.6.4). Only GoTo (a place in the same file) is kept.
SAFE_ACTIONS = {"/GoTo"}
ACTION_KIND = {
    "/JavaScript": "javascript",
    "/ECMAScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/RichMediaExecute": "rich_media",
    "/GoToR": "remote_goto",
    "/GoToE": "remote_goto",
    "/GoToDp": "remote_goto",
    "/URI": "uri",
    "/Rendition": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/GoTo3DView": "media",
    "/ResetForm": "other_action",
    "/Hide": "other_action",
    "/Named": "other_action",
    "/SetOCGState": "other_action",
    "/Trans": "other_action",
    "/Thread": "other_action",
    "/SetState": "other_action",
}
KNOWN_ACTIONS = SAFE_ACTIONS | set(ACTION_KIND)
ANNOT_KIND = {
    "/FileAttachment": "embedded_file",
    "/RichMedia": "rich_media",
    "/Screen": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/3D": "media",
}
# Keys whose value is an action (or a list of them).
ACTION_KEYS = ("/A", "/OpenAction", "/Next", "/PA")

LABELS = {
    "javascript": gettext_lazy("JavaScript"),
    "launch": gettext_lazy("program launch actions"),
    "submit_form": gettext_lazy("form submission actions"),
    "import_data": gettext_lazy("data import actions"),
    "rich_media": gettext_lazy("rich media (Flash, video)"),
    "remote_goto": gettext_lazy("links opening other files"),
    "uri": gettext_lazy("links to external addresses"),
    "media": gettext_lazy("multimedia and 3D content"),
    "other_action": gettext_lazy("other actions"),
    "open_action": gettext_lazy("actions run on opening"),
    "additional_actions": gettext_lazy("automatic (additional) actions"),
    "embedded_file": gettext_lazy("embedded files"),
    "xfa": gettext_lazy("XFA forms"),
}


@dataclass(frozen=True)
class Finding:
    """One piece of active content: its kind (a LABELS key) and where it is."""

    kind: str
    where: str
    detail: str = ""
    role: str = "item"


@dataclass
class SanitizedPdf:
    data: bytes
    pages: int
    sha256: str
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.removed)


def uri_links_mode() -> str:
    mode = str(settings.NASKAH_PDF_URI_LINKS or "remove").lower()
    return mode if mode in URI_MODES else "remove"


def removed_summary(removed: dict[str, int]) -> str:
    """'JavaScript (2), embedded files (1)' for the user message and logs."""
    return ", ".join(
        f"{LABELS.get(kind, kind)} ({count})" for kind, count in sorted(removed.items())
    )


def findings_summary(findings: list[Finding]) -> str:
    return removed_summary(_count(findings))


def removed_message(removed: dict[str, int], name: str = "") -> str:
    """The sentence shown to the person who uploaded the file; empty when nothing was removed."""
    if not removed:
        return ""
    if name:
        return _(
            "Active content was removed from “%(name)s” and only the cleaned copy is used: "
            "%(items)s."
        ) % {"name": name, "items": removed_summary(removed)}
    return _(
        "Active content was removed from the PDF and only the cleaned copy is used: %(items)s."
    ) % {"items": removed_summary(removed)}


# --- Walking every object ----------------------------------------------------------------------


def _name(value) -> str:
    try:
        if isinstance(value, pikepdf.Name):
            return str(value)
    except Exception:  # noqa: BLE001 - a damaged object is simply "no name"
        return ""
    return ""


def _is_dict(obj) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def _label(obj) -> str:
    if obj.is_indirect:
        num, gen = obj.objgen
        return f"{num} {gen} R"
    return "direct"


def _roots(pdf: pikepdf.Pdf) -> list:
    roots = [pdf.trailer]
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            roots.append(obj)
    return roots


def _walk(pdf: pikepdf.Pdf):
    """Yield (object, parent key, owner label) for every dictionary, stream and array of the
    file: each indirect object once, and every direct object nested in it."""
    for root in _roots(pdf):
        owner = _label(root)
        stack = [(root, "")]
        while stack:
            obj, key = stack.pop()
            yield obj, key, owner
            if isinstance(obj, pikepdf.Array):
                children = [(item, key) for item in obj]
            elif _is_dict(obj):
                children = [(obj.get(k), k) for k in list(obj.keys())]
            else:
                continue
            for child, child_key in children:
                if child is None or not isinstance(
                    child, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)
                ):
                    continue
                if child.is_indirect:
                    continue  # visited as a root of its own
                stack.append((child, child_key))


def _action_refs(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """Indirect objects used as actions: values of /A, /OpenAction, /Next, /PA (or items of
    their arrays) and values inside /AA dictionaries."""
    refs: set[tuple[int, int]] = set()

    def add(value):
        if isinstance(value, pikepdf.Array):
            for item in value:
                add(item)
        elif _is_dict(value) and value.is_indirect:
            refs.add(value.objgen)

    for obj, _key, _owner in _walk(pdf):
        if not _is_dict(obj):
            continue
        for key in ACTION_KEYS:
            if key in obj:
                add(obj.get(key))
        aa = obj.get("/AA")
        if _is_dict(aa):
            for k in list(aa.keys()):
                add(aa.get(k))
    return refs


def _action_type(obj, key: str, refs: set) -> str | None:
    """The action type (/S) when `obj` is an action dictionary, else None."""
    s = _name(obj.get("/S"))
    if not s:
        return None
    typ = _name(obj.get("/Type"))
    in_context = key in ACTION_KEYS or (obj.is_indirect and obj.objgen in refs)
    if typ == "/Action" or in_context:
        return s
    if not typ and s in KNOWN_ACTIONS and s not in SAFE_ACTIONS:
        return s
    return None


def _classify(obj, key: str, refs: set) -> list[tuple[str, str]]:
    """(kind, role) of the active content carried by this one dictionary/stream (not its
    children). Role "item" is the thing itself (an action, a file, an annotation);
    "holder" is what points to it (an /AA or name tree, a file specification)."""
    kinds: list[tuple[str, str]] = []
    action = _action_type(obj, key, refs)
    if action and action not in SAFE_ACTIONS:
        kinds.append((ACTION_KIND.get(action, "other_action"), "item"))
    elif "/JS" in obj or "/OnInstantiate" in obj:
        kinds.append(("javascript", "item"))
    if "/AA" in obj:
        kinds.append(("additional_actions", "item"))
    if "/OpenAction" in obj:
        kinds.append(("open_action", "item"))
    subtype = _name(obj.get("/Subtype"))
    if subtype in ANNOT_KIND and (
        _name(obj.get("/Type")) == "/Annot" or "/Rect" in obj or subtype == "/FileAttachment"
    ):
        kinds.append((ANNOT_KIND[subtype], "holder" if subtype == "/FileAttachment" else "item"))
    if _name(obj.get("/Type")) == "/EmbeddedFile":
        kinds.append(("embedded_file", "item"))
    if "/EF" in obj or "/AF" in obj:
        kinds.append(("embedded_file", "holder"))
    if "/RichMediaContent" in obj or "/RichMediaSettings" in obj:
        kinds.append(("rich_media", "holder"))
    if "/XFA" in obj:
        kinds.append(("xfa", "item"))
    names = obj.get("/Names")
    if _is_dict(names):
        if "/JavaScript" in names:
            kinds.append(("javascript", "holder"))
        if "/EmbeddedFiles" in names:
            kinds.append(("embedded_file", "holder"))
    return kinds


def _count(findings: list[Finding]) -> dict[str, int]:
    """{kind: count} for the user: the things themselves (a script, a file), not each
    structure pointing to them; a kind found only in holders counts once per holder."""
    items = Counter(f.kind for f in findings if f.role == "item")
    holders = Counter(f.kind for f in findings if f.role == "holder")
    return {kind: items[kind] or holders[kind] for kind in {*items, *holders}}


def _open(data: bytes) -> pikepdf.Pdf:
    if not isinstance(data, (bytes, bytearray, memoryview)) or not bytes(
        data[:1024]
    ).lstrip().startswith(b"%PDF-"):
        raise ApplicationError(_("The file is not a PDF."), code="not_pdf")
    try:
        pdf = pikepdf.open(io.BytesIO(bytes(data)))
    except pikepdf.PasswordError:
        raise ApplicationError(
            _("The PDF is password-protected or encrypted. Upload an unprotected copy."),
            code="encrypted",
        ) from None
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        logger.info("PDF refused: pikepdf cannot open it (%s)", exc)
        raise ApplicationError(
            _("The PDF is damaged and cannot be read. Save it again and re-upload it."),
            code="broken",
        ) from None
    if pdf.is_encrypted:
        pdf.close()
        raise ApplicationError(
            _("The PDF is password-protected or encrypted. Upload an unprotected copy."),
            code="encrypted",
        )
    return pdf


def _findings(pdf: pikepdf.Pdf) -> list[Finding]:
    refs = _action_refs(pdf)
    found: list[Finding] = []
    for obj, key, owner in _walk(pdf):
        if not _is_dict(obj):
            continue
        for kind, role in _classify(obj, key, refs):
            detail = _name(obj.get("/S")) or _name(obj.get("/Subtype")) or key
            found.append(Finding(kind=kind, where=owner, detail=detail, role=role))
    return found


def pdf_active_content(data: bytes) -> list[Finding]:
    """Every piece of active content in the file, found by walking every object. Raises
    ApplicationError when the bytes are not an open, readable PDF."""
    pdf = _open(data)
    try:
        return _findings(pdf)
    finally:
        pdf.close()


# --- Sanitising ------------------------------------------------------------------------------

_DROP_KEYS = (
    "/AA",
    "/OpenAction",
    "/JS",
    "/EF",
    "/AF",
    "/XFA",
    "/NeedsRendering",
    "/RichMediaContent",
    "/RichMediaSettings",
    "/OnInstantiate",
    "/PA",
)
_DROP_NAMES = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions")


def _resolved_action(value, refs: set) -> str | None:
    if _is_dict(value):
        return _action_type(value, "/A", refs)
    return None


def _clean_annots(annots, refs: set, uri_mode: str) -> None:
    """Drop annotations that exist to play, attach or open something; in "remove" mode also
    drop external links (their text stays on the page: it is page content)."""
    keep = []
    for annot in list(annots):
        if not _is_dict(annot):
            keep.append(annot)
            continue
        subtype = _name(annot.get("/Subtype"))
        if subtype in ANNOT_KIND:
            continue
        action = _resolved_action(annot.get("/A"), refs)
        if subtype == "/Link" and action and action not in SAFE_ACTIONS:
            if action == "/URI" and uri_mode == "text":
                uri = annot.get("/A").get("/URI")
                if uri is not None and "/Contents" not in annot:
                    annot["/Contents"] = pikepdf.String(str(uri))
                del annot["/A"]
                keep.append(annot)
            continue  # remove mode, or a link running anything else than GoTo/URI
        keep.append(annot)
    if len(keep) != len(annots):
        annots[:] = keep if keep else []


def _neutralise(obj, key: str, refs: set, uri_mode: str) -> None:  # noqa: C901 - the PDF cases kept together for security review
    for drop in _DROP_KEYS:
        if drop in obj:
            del obj[drop]
    if "/Next" in obj and "/S" in obj:  # an action's chain (an outline item's /Next is kept)
        del obj["/Next"]
    a = obj.get("/A")
    if a is not None:
        action = _resolved_action(a, refs)
        array_of_actions = isinstance(a, pikepdf.Array) and any(
            _is_dict(item) and "/S" in item for item in a
        )
        if (action and action not in SAFE_ACTIONS) or array_of_actions:
            del obj["/A"]
    names = obj.get("/Names")
    if _is_dict(names):
        for drop in _DROP_NAMES:
            if drop in names:
                del names[drop]
    if _name(obj.get("/Type")) == "/Catalog" and "/Collection" in obj:
        del obj["/Collection"]  # a portfolio is a container of embedded files
    action = _action_type(obj, key, refs)
    if action and action not in SAFE_ACTIONS:
        for k in list(obj.keys()):  # an action left referenced from an odd place: emptied
            if k != "/Type":
                del obj[k]
        obj["/S"] = pikepdf.Name.GoTo
        obj["/D"] = pikepdf.Array([])
    if isinstance(obj, pikepdf.Stream) and _name(obj.get("/Type")) == "/EmbeddedFile":
        obj.write(b"")
        for k in ("/Type", "/Subtype", "/Params"):
            if k in obj:
                del obj[k]
    annots = obj.get("/Annots")
    if isinstance(annots, pikepdf.Array):
        _clean_annots(annots, refs, uri_mode)


def pdf_sanitize(data: bytes, *, uri_links: str | None = None) -> SanitizedPdf:
    """The bytes without active content, and what was removed ({kind: count}). Raises
    ApplicationError (translated) for a file that is not a readable, unencrypted PDF with
    pages, or that cannot be made safe."""
    mode = uri_links or uri_links_mode()
    if mode not in URI_MODES:
        raise ValueError(f"uri_links must be one of {URI_MODES}")
    pdf = _open(data)
    try:
        try:
            pages = len(pdf.pages)
            before = _findings(pdf)
            refs = _action_refs(pdf)
            # Annotation lists first (they decide about whole link annotations), then every
            # object of the file.
            for page in pdf.pages:
                annots = page.obj.get("/Annots")
                if isinstance(annots, pikepdf.Array):
                    _clean_annots(annots, refs, mode)
            for obj, key, _owner in list(_walk(pdf)):
                if _is_dict(obj):
                    _neutralise(obj, key, refs, mode)
            out = io.BytesIO()
            pdf.remove_unreferenced_resources()
            with warnings.catch_warnings():
                # a widget outside /AcroForm is the uploader's file as it is: no warning
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                pdf.save(
                    out,
                    linearize=False,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate,
                    compress_streams=True,
                    fix_metadata_version=False,
                    deterministic_id=True,
                )
        except ApplicationError:
            raise
        except (
            pikepdf.PdfError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            RuntimeError,
        ) as exc:
            logger.info("PDF refused: sanitising failed (%s)", exc)
            raise ApplicationError(
                _("The PDF is damaged and cannot be read. Save it again and re-upload it."),
                code="broken",
            ) from None
    finally:
        pdf.close()
    if pages < 1:
        raise ApplicationError(_("The PDF has no pages."), code="broken")
    result = out.getvalue()
    left = pdf_active_content(result)
    if left:
        logger.warning("PDF refused: active content left after sanitising: %s", left[:5])
        raise ApplicationError(
            _("The PDF contains active content that could not be removed; it was refused."),
            code="active_content",
        )
    removed = _count(before)
    return SanitizedPdf(
        data=result, pages=pages, sha256=hashlib.sha256(result).hexdigest(), removed=removed
    )
