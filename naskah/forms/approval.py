"""Forms of the approval screens. Every action form carries the revision number and the
route version it was loaded with, so a stale page cannot act on a changed letter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Pegawai, UnitKerja
from core.selectors.organisasi import unit_ancestors
from naskah.models import Naskah

NOTE = forms.Textarea(attrs={"rows": 2, "class": "form-control"})


class SubmitForm(forms.Form):
    revisi = forms.IntegerField(widget=forms.HiddenInput)
    koordinasi = forms.ModelMultipleChoiceField(
        label=_("Coordination (paraf koordinasi) with other units"),
        queryset=UnitKerja.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The head of each chosen unit initials the letter in parallel."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE)

    def __init__(self, *args, naskah: Naskah, required_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_ids = set(required_ids)
        # Coordination is with OTHER units: the drafter's own unit and the units above it
        # initial the letter in the hierarchy anyway, so they are not offered.
        own_chain = [naskah.unit_id, *unit_ancestors(naskah.unit).values_list("pk", flat=True)]
        self.fields["koordinasi"].queryset = (
            UnitKerja.objects.filter(aktif=True, jabatan__kepala_unit=True, jabatan__aktif=True)
            .exclude(pk__in=self.required_ids)
            .exclude(pk__in=own_chain)
            .distinct()
            .order_by("path")
        )


class ActionForm(forms.Form):
    ACTIONS = [
        ("paraf", _("Approve (paraf)")),
        ("return", _("Return")),
        ("reject", _("Reject")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    step_state = forms.IntegerField(widget=forms.HiddenInput)
    revisi = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_step = forms.IntegerField(label=_("Return to"), required=False, widget=forms.Select)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE)

    def __init__(self, *args, earlier_steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].widget.choices = [("", _("The drafter"))] + [
            (step.pk, step.label) for step in earlier_steps
        ]
        self.fields["to_step"].widget.attrs["class"] = "form-select form-select-sm"


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), required=False)


class CommentForm(forms.Form):
    note = forms.CharField(label=_("Comment"), widget=NOTE)


class ReassignForm(forms.Form):
    step_state = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ModelChoiceField(
        label=_("Hand the step to"),
        queryset=Pegawai.objects.filter(is_active=True).order_by("nama"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(label=_("Reason"), widget=NOTE)


class ShareForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Share with"),
        queryset=Pegawai.objects.filter(is_active=True).order_by("nama"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + Naskah.Status.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
