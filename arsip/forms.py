from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arsip.models import ArsipRecord, Penyusutan
from arsip.search.query import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from core.models import UnitKerja
from core.vocabulary import KlasifikasiKeamanan, Urgensi


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class SearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": _('Words, "a phrase" or a number such as 3470/BAPPEDA')}
        ),
    )
    tanggal_dari = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tanggal_sampai = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tahun = forms.IntegerField(label=_("Year"), required=False, min_value=1945, max_value=2200)
    jenis_kode = forms.ChoiceField(label=_("Letter type"), required=False, choices=())
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=UnitKerja.objects.filter(aktif=True)
    )
    kode_klasifikasi = forms.CharField(
        label=_("Classification code"), required=False, max_length=30
    )
    urgensi = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", "—"), *Urgensi.choices]
    )
    klasifikasi_keamanan = forms.ChoiceField(
        label=_("Security class"), required=False, choices=[("", "—"), *KlasifikasiKeamanan.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ArsipRecord.Status.choices]
    )
    pihak = forms.CharField(label=_("Sender or recipient"), required=False, max_length=200)
    nomor = forms.CharField(
        label=_("Number pattern"),
        required=False,
        max_length=120,
        help_text=_("Use * as a wildcard."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_RELEVANCE, _("Relevance")),
            (SORT_NEWEST, _("Newest")),
            (SORT_OLDEST, _("Oldest")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from naskah.models import JenisNaskah

        types = JenisNaskah.objects.order_by("nama").values_list("kode", "nama")
        self.fields["jenis_kode"].choices = [("", "—"), *types]

    def clean(self):
        data = super().clean()
        dari, sampai = data.get("tanggal_dari"), data.get("tanggal_sampai")
        if dari and sampai and dari > sampai:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class FlagsForm(BootstrapMixin, forms.Form):
    vital = forms.BooleanField(label=_("Vital record"), required=False)
    legal_hold = forms.BooleanField(label=_("Legal hold"), required=False)
    alasan = forms.CharField(
        label=_("Reason (required to place or release a hold)"), required=False, max_length=300
    )


class ProposeForm(BootstrapMixin, forms.Form):
    jenis = forms.ChoiceField(label=_("Kind"), choices=Penyusutan.Jenis.choices)
    berkas = forms.TypedMultipleChoiceField(
        label=_("Files"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    keterangan = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, berkas_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["berkas"].choices = list(berkas_choices)


class AssessForm(BootstrapMixin, forms.Form):
    setuju = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Accept")), ("0", _("Reject"))],
    )
    sk_panitia = forms.CharField(label=_("Committee decree number"), max_length=120)
    hasil = forms.CharField(label=_("Assessment result"), widget=forms.Textarea(attrs={"rows": 2}))
    keluarkan = forms.TypedMultipleChoiceField(
        label=_("Leave out"),
        coerce=int,
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, berkas_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keluarkan"].choices = list(berkas_choices)


class ApproveForm(BootstrapMixin, forms.Form):
    setuju = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approved")), ("0", _("Refused"))],
    )
    otoritas = forms.ChoiceField(
        label=_("Approving authority"), choices=Penyusutan.Otoritas.choices
    )
    persetujuan_nomor = forms.CharField(label=_("Approval letter number"), max_length=120)
    persetujuan_tanggal = forms.DateField(
        label=_("Approval date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    persetujuan_pejabat = forms.CharField(label=_("Approving official"), max_length=200)
