"""Signature block lines: Permendagri 1/2023 Pasal 44 name lines and mandate forms.

Rules (domain reference 1.3 and 5.1):

* naskah arahan *pengaturan* and *penetapan*: the name without academic titles;
* other groups: the name with titles, except piagam, sertifikat and STTPP
  (``titles_exempt=True``);
* officials other than Kepala Daerah, Wakil Kepala Daerah and Sekretaris Daerah: also
  pangkat/golongan and NIP;
* Pj., Pjs., Plt., Plh. Kepala Daerah, and Pj. and Plh. Sekretaris Daerah: the bare name,
  no titles, no pangkat, no NIP.

Mandate lines: "a.n. <principal>" above the signer's own position; u.b. adds the a.n.
holder's position and "u.b." before it. How Lampung writes them (capitals, the "NIP"
label, upper-case names) is UNVERIFIED, so every label and case choice lives in
:class:`SignatureStyle` with a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from .errors import RenderError

GROUPS = ("arahan", "korespondensi", "khusus", "lainnya")
SUBGROUPS_WITHOUT_TITLES = ("pengaturan", "penetapan")
JABATAN_JENIS = (
    "kepala_daerah",
    "wakil_kepala_daerah",
    "sekda",
    "struktural",
    "fungsional",
    "pelaksana",
)
ACTING = ("", "plt", "plh", "pj", "pjs")
MANDATES = ("", "an", "ub")
# Pasal 44: these signers write no pangkat and no NIP.
TOP_OFFICIALS = ("kepala_daerah", "wakil_kepala_daerah", "sekda")
# Pasal 44: acting holders of these posts write the bare name.
BARE_NAME_ACTING = {
    "kepala_daerah": ("pj", "pjs", "plt", "plh"),
    "sekda": ("pj", "plh"),
}


class SignatureBlock(TypedDict, total=False):
    lines_above: list[str]
    name: str
    lines_below: list[str]
    role_label: str


@dataclass(frozen=True)
class SignatureStyle:
    """Labels and capitalisation of signature blocks (all UNVERIFIED for Lampung)."""

    an_label: str = "a.n."
    ub_label: str = "u.b."
    acting_labels: dict[str, str] = field(
        default_factory=lambda: {"plt": "Plt.", "plh": "Plh.", "pj": "Pj.", "pjs": "Pjs."}
    )
    nip_label: str = "NIP"
    # "as_is" keeps the stored spelling, "upper" upper-cases the name (titles untouched).
    name_case_with_titles: str = "as_is"
    name_case_without_titles: str = "upper"
    position_case: str = "upper"  # "upper" or "as_is" for the jabatan lines
    position_suffix: str = ","


DEFAULT_STYLE = SignatureStyle()


def _case(text: str, how: str) -> str:
    if how == "upper":
        return text.upper()
    if how == "as_is":
        return text
    raise RenderError(f"Unknown case rule {how!r}; expected 'upper' or 'as_is'.")


def _require_str(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RenderError(f"{what} must be a string.")
    return value.strip()


def signature_block(  # noqa: C901 - the Annex cases (mandate, group, preview) together
    *,
    group: str,
    subgroup: str = "",
    signer: dict,
    mandate: dict | None = None,
    role_label: str = "",
    titles_exempt: bool = False,
    style: SignatureStyle = DEFAULT_STYLE,
) -> SignatureBlock:
    """Build the lines of one signature block.

    ``titles_exempt`` marks the Pasal 44 exception for piagam, sertifikat and STTPP (name
    without titles although the group normally shows them).
    """
    if group not in GROUPS:
        raise RenderError(f"Unknown naskah group {group!r}; expected one of {', '.join(GROUPS)}.")
    if not isinstance(signer, dict):
        raise RenderError("signer must be a dict.")
    mandate = mandate or {}
    jenis = signer.get("jabatan_jenis") or "struktural"
    if jenis not in JABATAN_JENIS:
        raise RenderError(f"Unknown jabatan_jenis {jenis!r}.")
    acting = (signer.get("acting") or "").lower()
    if acting not in ACTING:
        raise RenderError(f"Unknown acting form {acting!r}; expected plt, plh, pj or pjs.")
    kind = mandate.get("kind") or ""
    if kind not in MANDATES:
        raise RenderError(f"Unknown mandate kind {kind!r}; expected 'an' or 'ub'.")
    nama = _require_str(signer.get("nama"), "signer['nama']")
    if not nama:
        raise RenderError("The signer needs a name.")
    jabatan = _require_str(signer.get("jabatan_ttd"), "signer['jabatan_ttd']")
    if not jabatan:
        raise RenderError("The signer needs a jabatan_ttd (position line).")

    bare = acting in BARE_NAME_ACTING.get(jenis, ())
    with_titles = not (
        bare or titles_exempt or (group == "arahan" and subgroup in SUBGROUPS_WITHOUT_TITLES)
    )
    with_nip = not bare and jenis not in TOP_OFFICIALS

    if with_titles:
        depan = _require_str(signer.get("gelar_depan"), "signer['gelar_depan']")
        belakang = _require_str(signer.get("gelar_belakang"), "signer['gelar_belakang']")
        name = _case(nama, style.name_case_with_titles)
        if depan:
            name = f"{depan} {name}"
        if belakang:
            name = f"{name}, {belakang}"
    else:
        name = _case(nama, style.name_case_without_titles)

    lines_below: list[str] = []
    if with_nip:
        pangkat = _require_str(signer.get("pangkat_golongan"), "signer['pangkat_golongan']")
        nip = _require_str(signer.get("nip"), "signer['nip']")
        if pangkat:
            lines_below.append(pangkat)
        if nip:
            lines_below.append(f"{style.nip_label} {nip}".strip())

    own = _case(jabatan, style.position_case)
    if acting:
        own = f"{style.acting_labels[acting]} {own}"
    own = own.rstrip(",") + style.position_suffix
    lines_above: list[str] = []
    if kind:
        principal = _require_str(mandate.get("for_jabatan_ttd"), "mandate['for_jabatan_ttd']")
        if not principal:
            raise RenderError("An a.n./u.b. mandate needs for_jabatan_ttd (the principal).")
        lines_above.append(f"{style.an_label} {_case(principal, style.position_case)}")
    if kind == "ub":
        via = _require_str(mandate.get("via_jabatan_ttd"), "mandate['via_jabatan_ttd']")
        if not via:
            raise RenderError("A u.b. mandate needs via_jabatan_ttd (the a.n. holder).")
        lines_above.append(_case(via, style.position_case).rstrip(","))
        lines_above.append(style.ub_label)
    lines_above.append(own)
    return {
        "lines_above": lines_above,
        "name": name,
        "lines_below": lines_below,
        "role_label": role_label,
    }


def validate_block(block: object) -> SignatureBlock:
    """Check a SignatureBlock coming from the context; return it with defaults filled."""
    if not isinstance(block, dict):
        raise RenderError("Each penandatangan must be a SignatureBlock dict.")
    name = block.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RenderError("A SignatureBlock needs a non-empty 'name'.")
    out: SignatureBlock = {
        "lines_above": list(block.get("lines_above") or []),
        "name": name,
        "lines_below": list(block.get("lines_below") or []),
        "role_label": block.get("role_label") or "",
    }
    for key in ("lines_above", "lines_below"):
        if not all(isinstance(line, str) for line in out[key]):
            raise RenderError(f"SignatureBlock '{key}' must be a list of strings.")
    return out
