"""The drafting form: header, structured body (editor markup) and the type's typed fields,
built from the JenisNaskah registry."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.models import Jabatan, KodeKlasifikasi, Pegawai
from core.selectors.skkaad import kode_kelas_keamanan_usulan
from core.validators import validate_single_line
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.fields import from_form_text, to_form_text
from naskah.markup import blocks_from_markup, markup_from_blocks
from naskah.models import JenisNaskah, Mandat, NaskahRevisi
from naskah.selectors.drafting import signer_choices, signer_default
from naskah.selectors.kewenangan import jabatan_signers

SIGNER_ROWS = 3
TEXTAREA = {"class": "form-control font-monospace", "rows": 4}


class NaskahForm(forms.Form):
    revisi = forms.IntegerField(widget=forms.HiddenInput, required=False)
    penandatangan = forms.TypedChoiceField(label=_("Signer"), coerce=int)
    mandat = forms.ChoiceField(label=_("Mandate"), choices=Mandat.choices, required=False)
    hal = forms.CharField(
        label=_("Subject (hal)"), max_length=500, validators=[validate_single_line]
    )
    # A new letter is "Biasa" unless the drafter says otherwise (not the list's first
    # choice, Amat Segera).
    urgensi = forms.ChoiceField(label=_("Urgency"), choices=Urgensi.choices, initial=Urgensi.BIASA)
    klasifikasi_keamanan = forms.ChoiceField(
        label=_("Security classification"), choices=KlasifikasiKeamanan.choices
    )
    kode_klasifikasi = forms.CharField(
        label=_("Classification code"),
        max_length=30,
        required=False,
        help_text=_("Archive classification code, e.g. 000.1.5"),
        widget=forms.TextInput(
            attrs={
                # SKKAAD: a changed code asks for its default security class.
                "hx-get": reverse_lazy("naskah:kelas_usulan"),
                "hx-trigger": "change",
                "hx-target": "#skkaad-usulan",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "hx-include": "[name=klasifikasi_keamanan],[name=kelas_usulan]",
            }
        ),
    )
    # The default class SKKAAD last proposed; while the chosen class still equals it, a
    # new code's proposal replaces it (a class the drafter picked is never replaced).
    kelas_usulan = forms.CharField(widget=forms.HiddenInput, required=False)
    # Where the letter is issued ("Bandar Lampung, 7 Desember 2026"), not where an event
    # takes place (a type's own "Tempat" field, e.g. Surat Undangan).
    tempat = forms.CharField(
        label=_("Place of issue"),
        max_length=100,
        required=False,
        help_text=_("The city printed before the date; empty: the signer's unit's city."),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 12, "data-editor": "body"}),
        help_text=_(
            "Blank line: new paragraph. 1. numbered, a. lettered, - bullet list; "
            "| cell | cell | table row; Label :: value aligned label row; **bold**, _italic_; "
            "## heading."
        ),
    )

    def __init__(
        self,
        *args,
        jenis: JenisNaskah,
        user: Pegawai,
        for_preview: bool = False,
        autosave: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.jenis = jenis
        self.user = user
        # The preview shows a placeholder for a subject not written yet; the autosave keeps
        # a draft from the first field typed (naskah.services.autosave).
        if for_preview or autosave:
            self.fields["hal"].required = False
        self.signers = signer_choices(jenis, user)
        self.fields["penandatangan"].choices = [(j.pk, signer_label(j)) for j in self.signers]
        # a.n./u.b. only where a delegation in force covers the type (issue 13).
        offered = {m for j in self.signers for m in j.mandat_options}
        self.fields["mandat"].choices = [
            (value, label) for value, label in Mandat.choices if value in offered or not value
        ]
        default_signer = signer_default(jenis, user, self.signers)
        if default_signer is not None and not self.is_bound:
            self.initial.setdefault("penandatangan", default_signer.pk)
            self.initial.setdefault("mandat", default_signer.mandat_options[0])
        if jenis.kode_klasifikasi_default and not self.is_bound:
            self.initial.setdefault("kode_klasifikasi", jenis.kode_klasifikasi_default.kode)
        if not self.is_bound:
            self._propose_security_class()
        people = [
            (p.pk, f"{p.nama_lengkap} ({p.nip or '-'})")
            for p in Pegawai.objects.filter(is_active=True, penugasan__isnull=False)
            .distinct()
            .order_by("nama")
        ]
        # The other signers (Berita Acara): only positions the authority matrix lets sign
        # the type, as one queryset filter (naskah.selectors.kewenangan.jabatan_signers).
        positions = [("", "---------")]
        if any(spec["type"] == "signers" for spec in jenis.fields_schema):
            positions += [
                (j.pk, f"{j.nama} — {j.unit.nama}")
                for j in jabatan_signers(jenis).select_related("unit").order_by("unit__path")
            ]
        self.typed_names: list[str] = []
        for spec in jenis.fields_schema:
            name, kind = spec["name"], spec["type"]
            label = spec["label"]
            help_text = spec.get("help", "")
            key = f"f_{name}"
            if kind == "text":
                field = forms.CharField(max_length=spec.get("max_length", 500))
            elif kind == "date":
                field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
            elif kind == "people":
                field = forms.TypedMultipleChoiceField(
                    choices=people, coerce=int, widget=forms.SelectMultiple(attrs={"size": 5})
                )
            elif kind == "signers":
                for i in range(SIGNER_ROWS):
                    self.fields[f"{key}_jabatan_{i}"] = forms.ChoiceField(
                        label=f"{label} {i + 1}", choices=positions, required=False
                    )
                    self.fields[f"{key}_peran_{i}"] = forms.CharField(
                        label=_("%(label)s %(n)d: role") % {"label": label, "n": i + 1},
                        max_length=120,
                        required=False,
                    )
                self.typed_names.append(name)
                continue
            else:
                if kind == "diktum" and not help_text:
                    help_text = _("Separate the parts with a line holding only ---")
                field = forms.CharField(widget=forms.Textarea(attrs=dict(TEXTAREA)))
            field.label = label
            field.required = False  # the service reports missing required fields by name
            field.help_text = help_text
            self.fields[key] = field
            self.typed_names.append(name)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        signer = next((j for j in self.signers if j.pk == data.get("penandatangan")), None)
        mandat = data.get("mandat") or ""
        if signer is not None and mandat not in signer.mandat_options:
            self.add_error(
                "mandat",
                _("%(jabatan)s may not sign this letter type in that form today.")
                % {"jabatan": signer.nama},
            )
        return data

    def _propose_security_class(self) -> None:
        """SKKAAD: a new draft starts with the code's default class; a saved draft keeps
        its class and only remembers the proposal (for the hint and warning)."""
        kode = (self.initial.get("kode_klasifikasi") or "").strip()
        if not kode:
            return
        usulan = kode_kelas_keamanan_usulan(
            KodeKlasifikasi.objects.filter(kode=kode, skema__aktif=True).first()
        )
        if usulan:
            self.initial.setdefault("klasifikasi_keamanan", usulan)
            self.initial["kelas_usulan"] = usulan

    def skkaad_hint(self) -> dict:
        """The SKKAAD hint under the code field as the page is rendered (never replaces
        the chosen class)."""
        from naskah.skkaad import kelas_usulan_context

        source = self.data if self.is_bound else self.initial
        return kelas_usulan_context(
            kode=str(source.get("kode_klasifikasi") or ""),
            kelas=str(source.get("klasifikasi_keamanan") or ""),
            usulan_lama=str(source.get("kelas_usulan") or ""),
            replace=False,
        )

    @classmethod
    def initial_from_revision(cls, revisi: NaskahRevisi) -> tuple[dict, list[dict]]:
        header = revisi.header
        initial = {
            "revisi": revisi.nomor,
            "penandatangan": header["penandatangan_id"],
            "mandat": header.get("mandat", ""),
            "hal": header.get("hal", ""),
            "urgensi": header.get("urgensi"),
            "klasifikasi_keamanan": header.get("klasifikasi_keamanan"),
            "kode_klasifikasi": header.get("kode_klasifikasi", ""),
            "tempat": header.get("tempat", ""),
            "body": markup_from_blocks(revisi.body),
        }
        for spec in revisi.naskah.jenis.fields_schema:
            name, kind = spec["name"], spec["type"]
            value = revisi.fields.get(name)
            if kind == "signers":
                for i, row in enumerate((value or [])[:SIGNER_ROWS]):
                    initial[f"f_{name}_jabatan_{i}"] = row["jabatan_id"]
                    initial[f"f_{name}_peran_{i}"] = row.get("peran", "")
            elif kind == "people":
                initial[f"f_{name}"] = value or []
            else:
                initial[f"f_{name}"] = to_form_text(kind, value)
        return initial, list(revisi.penerima)

    def penerima_specs(self) -> list[dict]:
        """Recipients posted by the picker as JSON strings (one hidden input each)."""
        rows = []
        for raw in self.data.getlist("penerima") if hasattr(self.data, "getlist") else []:
            try:
                row = json.loads(raw)
            except ValueError:
                continue
            if isinstance(row, dict):
                rows.append(row)
        return rows

    def service_values(self) -> dict:
        """Keyword arguments for naskah_create / naskah_update / draft_check."""
        data = self.cleaned_data
        kode = (data.get("kode_klasifikasi") or "").strip()
        kka = None
        if kode:
            kka = KodeKlasifikasi.objects.filter(kode=kode, skema__aktif=True).first()
            if kka is None:
                from core.errors import ApplicationError

                raise ApplicationError(
                    _("Unknown classification code %(kode)s.") % {"kode": kode}, code="invalid"
                )
        fields: dict = {}
        for spec in self.jenis.fields_schema:
            name, kind = spec["name"], spec["type"]
            key = f"f_{name}"
            if kind == "signers":
                rows = []
                for i in range(SIGNER_ROWS):
                    jabatan = data.get(f"{key}_jabatan_{i}")
                    if jabatan:
                        rows.append(
                            {"jabatan_id": int(jabatan), "peran": data.get(f"{key}_peran_{i}", "")}
                        )
                fields[name] = rows
            elif kind == "people":
                fields[name] = list(data.get(key) or [])
            elif kind == "date":
                value = data.get(key)
                fields[name] = value.isoformat() if value else ""
            else:
                fields[name] = from_form_text(kind, data.get(key) or "")
        return {
            "penandatangan": Jabatan.objects.get(pk=data["penandatangan"]),
            "mandat": data.get("mandat") or "",
            "hal": data.get("hal") or "",
            "urgensi": data["urgensi"],
            "klasifikasi_keamanan": data["klasifikasi_keamanan"],
            "kode_klasifikasi": kka,
            "tempat": data.get("tempat") or "",
            "fields": {k: v for k, v in fields.items() if v not in ("", [], None)},
            "body": blocks_from_markup(data.get("body") or ""),
            "penerima": self.penerima_specs(),
        }


def signer_label(jabatan: Jabatan) -> str:
    """The signer choice's label, naming the a.n./u.b. forms the position may use."""
    label = f"{jabatan.nama} — {jabatan.unit.nama}"
    forms_ = []
    for mandat in jabatan.mandat_options:
        if mandat == Mandat.AN and jabatan.atasan is not None:
            forms_.append(f"a.n. {jabatan.atasan.nama}")
        elif mandat == Mandat.UB and jabatan.atasan and jabatan.atasan.atasan:
            forms_.append(f"u.b., a.n. {jabatan.atasan.atasan.nama}")
    if forms_:
        own = [str(_("in own right"))] if Mandat.NONE in jabatan.mandat_options else []
        label = f"{label} ({', '.join(own + forms_)})"
    return label


class LampiranForm(forms.Form):
    revisi = forms.IntegerField(widget=forms.HiddenInput)
    judul = forms.CharField(
        label=_("Title"), max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    berkas = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "application/pdf"}
        ),
    )
    isi = forms.CharField(
        label=_("Or typed pages"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )


class PencabutanForm(forms.Form):
    """Withdraw a signed letter: the later signed letter that withdraws it, and why."""

    oleh = forms.ModelChoiceField(
        label=_("Withdrawing letter"),
        queryset=None,
        help_text=_("A later signed letter of this unit or a unit above it that cites the number."),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    alasan = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oleh"].queryset = candidates
        self.fields["oleh"].label_from_instance = lambda n: f"{n.nomor} — {n.hal}"[:200]
