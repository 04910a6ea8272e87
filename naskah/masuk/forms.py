"""Forms of the incoming register and the disposition actions (parsing only; the rules are
in services.py)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.clock import office_today
from core.models import Jabatan, KodeKlasifikasi, Pegawai, Penugasan, TimKerja, UnitKerja
from core.selectors.organisasi import penugasan_active_on
from core.validators import validate_single_line
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.masuk.models import InstruksiDisposisi
from naskah.masuk.services import Tujuan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-control"}, **kwargs)


def _control(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        if isinstance(widget, forms.Select):
            css = "form-select"
        widget.attrs.setdefault("class", css)


class RegisterForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=UnitKerja.objects.none(), label=_("Agenda book of the unit")
    )
    pengirim = forms.CharField(label=_("Sender (agency)"), max_length=255)
    nomor_surat = forms.CharField(label=_("Sender's letter number"), max_length=200, required=False)
    tanggal_surat = forms.DateField(label=_("Letter date"), required=False, widget=DateInput())
    tanggal_diterima = forms.DateField(label=_("Date received"), widget=DateInput())
    hal = forms.CharField(label=_("Subject"), max_length=500, validators=[validate_single_line])
    urgensi = forms.ChoiceField(label=_("Urgency"), choices=Urgensi.choices, initial="biasa")
    klasifikasi_keamanan = forms.ChoiceField(
        label=_("Security class"), choices=KlasifikasiKeamanan.choices, initial="biasa"
    )
    kode_klasifikasi = forms.CharField(
        label=_("Classification code"),
        max_length=30,
        help_text=_("Permendagri 83/2022 code, e.g. 000.1.2.3"),
    )
    jumlah_lampiran = forms.IntegerField(label=_("Attachments"), min_value=0, initial=0)
    jabatan_tujuan = forms.ModelChoiceField(
        queryset=Jabatan.objects.none(), label=_("Addressed to (position)")
    )
    konfirmasi_duplikat = forms.BooleanField(
        label=_("Register anyway: I checked it is not the same letter"), required=False
    )

    def __init__(self, *args, units: list[UnitKerja], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = UnitKerja.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        paths = [u.path for u in units]
        positions = Jabatan.objects.filter(aktif=True).select_related("unit")
        q = None
        for path in paths:
            cond = Q(unit__path__startswith=path)
            q = cond if q is None else q | cond
        self.fields["jabatan_tujuan"].queryset = (
            positions.filter(q).order_by("unit__path", "-kepala_unit", "nama")
            if q
            else positions.none()
        )
        heads = self.fields["jabatan_tujuan"].queryset.filter(kepala_unit=True, unit__in=units)
        if heads:
            self.fields["jabatan_tujuan"].initial = heads[0].pk
        self.fields["tanggal_diterima"].initial = office_today()
        _control(self)

    def suggested(self, saran: dict, typed=None) -> list[str]:
        """Put the suggestions read from the scan into the form as initial values (what the
        agendaris typed meanwhile, `typed`, wins). Returns the fields filled from them."""
        filled = {}
        for name in ("pengirim", "nomor_surat", "hal"):
            if saran.get(name):
                filled[name] = " ".join(str(saran[name]).split())
        if saran.get("tanggal_surat"):
            try:
                day = dt.date.fromisoformat(saran["tanggal_surat"])
            except ValueError:
                day = None
            if day and day <= office_today():
                filled["tanggal_surat"] = day
        kode = saran.get("kode_klasifikasi", "")
        while kode:
            if KodeKlasifikasi.objects.filter(kode=kode, skema__aktif=True, aktif=True).exists():
                filled["kode_klasifikasi"] = kode
                break
            kode = kode.rpartition(".")[0]  # 551.2 unknown here: try 551
        kepada = " ".join(str(saran.get("kepada", "")).lower().split())
        if kepada:
            matches = [
                j for j in self.fields["jabatan_tujuan"].queryset if j.nama.lower() in kepada
            ]
            if matches:
                filled["jabatan_tujuan"] = max(matches, key=lambda j: len(j.nama)).pk
        for name, value in (typed or {}).items():
            if name in self.fields and value not in ("", None):
                default = self.fields[name].initial
                if str(value) != str(default if default is not None else ""):
                    filled.pop(name, None)
                    self.initial[name] = value
        self.initial.update(filled)
        return sorted(filled)

    def clean_kode_klasifikasi(self):
        kode = self.cleaned_data["kode_klasifikasi"].strip()
        found = KodeKlasifikasi.objects.filter(kode=kode, skema__aktif=True, aktif=True).first()
        if found is None:
            raise forms.ValidationError(_("Unknown classification code."))
        return found

    def clean(self):
        data = super().clean()
        unit, jabatan = data.get("unit"), data.get("jabatan_tujuan")
        if unit and jabatan and not jabatan.unit.path.startswith(unit.path):
            self.add_error("jabatan_tujuan", _("Choose a position of this register's unit."))
        return data


class EditForm(RegisterForm):
    """Correcting a registered letter: the register's fields without the register (the
    letter stays in its unit's register) and without the files."""

    def __init__(self, *args, surat, **kwargs):
        super().__init__(*args, units=[surat.unit], **kwargs)
        del self.fields["unit"]
        self.surat = surat

    def clean(self):
        data = forms.Form.clean(self)
        jabatan = data.get("jabatan_tujuan")
        if jabatan and not jabatan.unit.path.startswith(self.surat.unit.path):
            self.add_error("jabatan_tujuan", _("Choose a position of this register's unit."))
        return data


def edit_initial(surat) -> dict:
    return {
        "pengirim": surat.pengirim,
        "nomor_surat": surat.nomor_surat,
        "tanggal_surat": surat.tanggal_surat,
        "tanggal_diterima": surat.tanggal_diterima,
        "hal": surat.hal,
        "urgensi": surat.urgensi,
        "klasifikasi_keamanan": surat.klasifikasi_keamanan,
        "kode_klasifikasi": surat.kode_klasifikasi.kode,
        "jumlah_lampiran": surat.jumlah_lampiran,
        "jabatan_tujuan": surat.jabatan_tujuan_id,
    }


def _below(jabatan: Jabatan) -> list[Jabatan]:
    """Active positions below `jabatan` (its subordinates, theirs, ...), breadth first."""
    result: list[Jabatan] = []
    level = [jabatan.pk]
    seen = {jabatan.pk}
    while level:
        rows = [
            j
            for j in Jabatan.objects.filter(atasan_id__in=level, aktif=True).select_related("unit")
            if j.pk not in seen
        ]
        result += rows
        seen.update(j.pk for j in rows)
        level = [j.pk for j in rows]
    return result


def recipient_choices(dari: Jabatan) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices of everyone below a position: positions, people holding them today,
    and work teams reporting to them."""
    positions = _below(dari)
    ids = [j.pk for j in positions]
    today = office_today()
    holders = (
        Penugasan.objects.filter(penugasan_active_on(today), jabatan_id__in=ids)
        .select_related("pegawai", "jabatan")
        .order_by("jabatan__unit__path", "pegawai__nama")
    )
    people: dict[int, tuple[str, str]] = {}
    for row in holders:
        people.setdefault(
            row.pegawai_id, (f"p:{row.pegawai_id}", f"{row.pegawai.nama_lengkap} — {row.jabatan}")
        )
    teams = TimKerja.objects.filter(aktif=True, jabatan_pembina_id__in=[dari.pk, *ids])
    return [
        (_("Positions"), [(f"j:{j.pk}", j.nama) for j in positions]),
        (_("People"), list(people.values())),
        (_("Work teams"), [(f"t:{t.pk}", t.nama) for t in teams]),
    ]


def parse_target(value: str) -> Tujuan | None:
    kind, _sep, raw = value.partition(":")
    if not raw.isdigit():
        return None
    pk = int(raw)
    if kind == "j":
        obj = Jabatan.objects.filter(pk=pk).select_related("unit").first()
        return Tujuan(jabatan=obj) if obj else None
    if kind == "p":
        obj = Pegawai.objects.filter(pk=pk).first()
        return Tujuan(pegawai=obj) if obj else None
    if kind == "t":
        obj = TimKerja.objects.filter(pk=pk).select_related("unit", "jabatan_pembina").first()
        return Tujuan(tim=obj) if obj else None
    return None


class DisposisiForm(forms.Form):
    penerima = forms.MultipleChoiceField(
        label=_("Forward to"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    utama = forms.ChoiceField(label=_("Lead recipient"), choices=())
    instruksi = forms.ModelMultipleChoiceField(
        label=_("Instructions"),
        queryset=InstruksiDisposisi.objects.filter(aktif=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    catatan = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 3}))
    batas_waktu = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        help_text=_("Empty: from the urgency of the letter."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def __init__(self, *args, dari: Jabatan, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = recipient_choices(dari)
        self.fields["penerima"].choices = grouped
        flat = [(value, label) for _group, items in grouped for value, label in items]
        self.fields["utama"].choices = [("", _("— the first one ticked —")), *flat]
        self.fields["utama"].required = False
        self.has_targets = bool(flat)
        _control(self)

    def clean(self):
        data = super().clean()
        values = data.get("penerima") or []
        targets = []
        for value in values:
            target = parse_target(value)
            if target is None:
                raise forms.ValidationError(_("Unknown recipient."))
            targets.append(target)
        lead = data.get("utama") or (values[0] if values else "")
        if values and lead not in values:
            self.add_error("utama", _("The lead recipient must be one of those ticked."))
        data["targets"] = targets
        data["utama_index"] = values.index(lead) if lead in values else 0
        return data


class LaporanForm(forms.Form):
    teks = forms.CharField(label=_("What was done"), widget=forms.Textarea({"rows": 3}))
    balasan = forms.ModelChoiceField(
        label=_("Reply letter"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
        help_text=_("One of your letters that answers this one."),
    )
    selesai = forms.BooleanField(
        label=_("Completed: close my disposition"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        from naskah.permissions import naskah_visible_to

        super().__init__(*args, **kwargs)
        self.fields["balasan"].queryset = naskah_visible_to(user).select_related("jenis")
        _control(self)


class AlasanForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _control(self)
