from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from core.models import Pegawai, UnitKerja
from core.vocabulary import Urgensi
from workflows.models import Route
from workflows.selectors import InboxFilters


class InboxFilterForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All"))] + Urgensi.choices
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=UnitKerja.objects.filter(aktif=True)
    )
    object_type = forms.ModelChoiceField(
        label=_("Kind"),
        required=False,
        queryset=ContentType.objects.filter(
            pk__in=Route.objects.values("content_type_id").distinct()
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap's controls take their column's width: a long unit name neither overlaps
        # the next filter at desktop size nor widens the page on a phone.
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        data = self.cleaned_data
        return InboxFilters(
            urgency=data.get("urgency") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            unit_id=data["unit"].pk if data.get("unit") else None,
            content_type_id=data["object_type"].pk if data.get("object_type") else None,
        )


class StepActionForm(forms.Form):
    ACTIONS = [
        ("approve", _("Approve")),
        ("return", _("Return to the drafter")),
        ("reject", _("Reject")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    step_state = forms.IntegerField(widget=forms.HiddenInput)
    revision = forms.CharField(widget=forms.HiddenInput, max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    note = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), required=False)


class ReassignForm(forms.Form):
    step_state = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ModelChoiceField(
        label=_("Reassign to"), queryset=Pegawai.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
