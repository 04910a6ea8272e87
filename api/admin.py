"""Administration of API clients, webhook subscriptions and the delivery log. Every change
goes through the audited services (api.services); secrets are shown once, in the message
after saving, and never again."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.events import API_CLIENT_CHANGED
from api.models import (
    ApiClient,
    ApiToken,
    Scope,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from api.services.clients import (
    CLIENT_SCOPES,
    apiclient_create,
    apiclient_deactivate,
    apiclient_rotate_secret,
    token_revoke,
)
from api.services.webhooks import (
    subscribed_events_changed,
    webhook_redeliver,
    webhook_subscribe,
)
from core.errors import ApplicationError


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=[(s.value, s.label) for s in Scope if s.value in CLIENT_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiClient
        fields = [
            "nama",
            "keterangan",
            "scopes",
            "unit",
            "akun",
            "berlaku_sampai",
            "batas_per_menit",
            "aktif",
        ]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["nama", "client_id", "aktif", "berlaku_sampai", "batas_per_menit"]
    readonly_fields = ["client_id", "dibuat_pada", "dibuat_oleh"]
    filter_horizontal = ["unit"]
    actions = ["rotate_secret", "deactivate"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            subscribed_events_changed()
            from core.services.audit import audit_record

            audit_record(
                actor=request.user,
                action=API_CLIENT_CHANGED,
                obj=obj,
                details={"fields": list(form.changed_data)},
            )
            return
        data = form.cleaned_data
        reg = apiclient_create(
            actor=request.user,
            nama=data["nama"],
            scopes=list(data["scopes"]),
            units=list(data["unit"]),
            akun=data.get("akun"),
            berlaku_sampai=data.get("berlaku_sampai"),
            batas_per_menit=data.get("batas_per_menit") or 120,
        )
        obj.pk = reg.client.pk
        obj.client_id = reg.client.client_id
        self.message_user(
            request,
            _("Client %(id)s registered. Its secret, shown only now: %(secret)s")
            % {"id": reg.client.client_id, "secret": reg.secret},
            messages.WARNING,
        )

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Rotate the secret (the old one stays valid for the grace period)"))
    def rotate_secret(self, request, queryset):
        for client in queryset:
            secret = apiclient_rotate_secret(actor=request.user, client=client)
            self.message_user(
                request,
                _("New secret of %(id)s, shown only now: %(secret)s")
                % {"id": client.client_id, "secret": secret},
                messages.WARNING,
            )

    @admin.action(description=_("Deactivate (revokes its tokens)"))
    def deactivate(self, request, queryset):
        for client in queryset:
            apiclient_deactivate(actor=request.user, client=client)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["petunjuk", "jenis", "client", "pegawai", "berakhir", "dicabut_pada"]
    list_filter = ["jenis"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued by the token endpoint or by their own person

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(actor=request.user, token=token)


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client", "url", "events", "aktif"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["client", "url", "aktif", "dibuat_pada"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            subscribed_events_changed()
            return
        data = form.cleaned_data
        try:
            sub, secret = webhook_subscribe(
                actor=request.user, client=data["client"], url=data["url"], events=data["events"]
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = sub.pk
        self.message_user(
            request,
            _("Subscription saved. Its signing secret, shown only now: %(secret)s")
            % {"secret": secret},
            messages.WARNING,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every event sent, its attempts and outcome; redelivery."""

    list_display = [
        "message_id",
        "event_type",
        "subscription",
        "status",
        "percobaan",
        "respons_status",
        "dibuat_pada",
        "terkirim_pada",
    ]
    list_filter = ["status", "event_type"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Deliver again"))
    def redeliver(self, request, queryset):
        done = sum(1 for d in queryset if webhook_redeliver(actor=request.user, delivery=d))
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": done})
