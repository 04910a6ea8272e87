"""Admin for letters. Administrators are not readers (DESIGN invariant 12): the letter
lists show a Rahasia / Sangat Rahasia subject only to someone the letter names as a reader
("[RAHASIA]" / "[SANGAT RAHASIA]" to everyone else, and a search never matches such a
subject for them), and a letter's page (its revisions, recipients, attachments) opens only
for someone who may read the letter (naskah.permissions)."""

from django import forms
from django.contrib import admin
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.models import CONFIDENTIAL_MARKERS
from core.services.audit import audit_record
from core.vocabulary import CONFIDENTIAL
from naskah.events import NASKAH_JENIS_CREATE
from naskah.models import (
    JenisNaskah,
    KewenanganTandaTangan,
    Lampiran,
    Naskah,
    NaskahRevisi,
    PelimpahanWewenang,
    Penerima,
    TataNaskahDefault,
)
from naskah.permissions import naskah_internal_q, naskah_visible_q


def _readable(request):
    """The letters the admin user may read (a subquery of ids)."""
    return Naskah.objects.filter(naskah_visible_q(request.user)).values("pk")


def _may_read(request, naskah: Naskah) -> bool:
    """A letter's admin page shows its revisions: its internal history, not the sent copy."""
    return Naskah.objects.filter(naskah_internal_q(request.user), pk=naskah.pk).exists()


def masked_subject(request, field: str, prefix: str = "") -> Case:
    """An expression: the letter's `field`, or its class marker for a confidential letter
    the admin user does not read by name."""
    unread = ~Q(**{f"{prefix}pk__in": _readable(request)})
    whens = [
        When(Q(**{f"{prefix}klasifikasi_keamanan": value}) & unread, then=Value(marker))
        for value, marker in CONFIDENTIAL_MARKERS.items()
    ]
    return Case(*whens, default=F(field), output_field=CharField())


class ReadersOnlyObjectMixin:
    """The change (view) page of an object opens only for a reader of its letter."""

    def letter_of(self, obj) -> Naskah:
        return obj.naskah

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or _may_read(request, self.letter_of(obj))


@admin.register(TataNaskahDefault)
class TataNaskahDefaultAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not TataNaskahDefault.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class KewenanganInline(admin.TabularInline):
    """The type's rows of the authority matrix; saved through `kewenangan_set` (audited)."""

    model = KewenanganTandaTangan
    extra = 0
    fields = [
        "peran",
        "eselon_minimal",
        "jabatan",
        "sendiri",
        "atas_nama",
        "untuk_beliau",
        "dasar",
    ]
    autocomplete_fields = ["jabatan"]


@admin.register(JenisNaskah)
class JenisNaskahAdmin(admin.ModelAdmin):
    """Letter types. Changes go through the services: the type's columns through
    `jenisnaskah_update`, its authority matrix through `kewenangan_set`; both are audited."""

    list_display = [
        "nama",
        "kode",
        "kelompok",
        "subkelompok",
        "lingkup",
        "layout_kind",
        "paraf_biro_hukum",
        "aktif",
    ]
    list_filter = ["kelompok", "subkelompok", "layout_kind", "paraf_biro_hukum", "aktif"]
    search_fields = ["nama", "kode"]
    autocomplete_fields = ["kode_klasifikasi_default"]
    inlines = [KewenanganInline]

    def save_model(self, request, obj, form, change):
        from naskah.services.kewenangan import jenisnaskah_update

        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=NASKAH_JENIS_CREATE,
                obj=obj,
                details={"jenis": obj.kode},
            )
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            jenisnaskah_update(actor=request.user, jenis=obj, **changes)

    def save_formset(self, request, form, formset, change):
        from naskah.services.kewenangan import ROW_FIELDS, kewenangan_set

        if formset.model is not KewenanganTandaTangan:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; the service replaces the rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return None
        rows = [
            {name: f.cleaned_data.get(name) for name in ROW_FIELDS}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        for row in rows:
            row["eselon_minimal"] = row["eselon_minimal"] or ""
            row["dasar"] = row["dasar"] or ""
        formset.new_objects = kewenangan_set(actor=request.user, jenis=form.instance, rows=rows)
        return None


@admin.register(KewenanganTandaTangan)
class KewenanganTandaTanganAdmin(admin.ModelAdmin):
    """The whole authority matrix at a glance; rows are edited on their letter type."""

    list_display = [
        "jenis",
        "peran",
        "eselon_minimal",
        "jabatan",
        "sendiri",
        "atas_nama",
        "untuk_beliau",
        "dasar",
    ]
    list_filter = ["peran", "sendiri", "atas_nama", "untuk_beliau", "jenis"]
    list_select_related = ["jenis", "jabatan"]
    search_fields = ["jenis__nama", "jenis__kode", "jabatan__nama"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PelimpahanWewenangForm(forms.ModelForm):
    class Meta:
        model = PelimpahanWewenang
        fields = [
            "jenis",
            "dari",
            "kepada",
            "jenis_naskah",
            "mulai",
            "selesai",
            "dasar",
            "aktif",
            "keterangan",
        ]

    def clean(self):
        from core.errors import ApplicationError
        from naskah.services.kewenangan import pelimpahan_validate

        data = super().clean()
        required = ("jenis", "dari", "kepada", "jenis_naskah", "mulai", "dasar")
        if all(data.get(name) is not None for name in required):
            changed = {"jenis", "dari", "kepada"} & set(self.changed_data)
            try:
                pelimpahan_validate(
                    jenis=data["jenis"],
                    dari=data["dari"],
                    kepada=data["kepada"],
                    jenis_naskah=list(data["jenis_naskah"]),
                    mulai=data["mulai"],
                    selesai=data.get("selesai"),
                    dasar=data["dasar"],
                    check_chain=self.instance.pk is None or bool(changed),
                )
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return data


@admin.register(PelimpahanWewenang)
class PelimpahanWewenangAdmin(admin.ModelAdmin):
    """Delegations behind a.n./u.b.: created and changed through the audited services;
    never deleted (revoke one by clearing “in force”)."""

    form = PelimpahanWewenangForm
    list_display = ["kepada", "jenis", "dari", "mulai", "selesai", "dasar", "aktif"]
    list_filter = ["jenis", "aktif"]
    search_fields = ["kepada__nama", "dari__nama", "dasar"]
    autocomplete_fields = ["dari", "kepada"]
    filter_horizontal = ["jenis_naskah"]
    list_select_related = ["dari", "kepada"]
    fields = [
        "jenis",
        "dari",
        "kepada",
        "jenis_naskah",
        "mulai",
        "selesai",
        "dasar",
        "aktif",
        "keterangan",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from naskah.services.kewenangan import pelimpahan_create, pelimpahan_update

        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data}
            if changes:
                pelimpahan_update(actor=request.user, pelimpahan=obj, **changes)
            return
        created = pelimpahan_create(
            actor=request.user,
            jenis=data["jenis"],
            dari=data["dari"],
            kepada=data["kepada"],
            jenis_naskah=list(data["jenis_naskah"]),
            mulai=data["mulai"],
            selesai=data.get("selesai"),
            dasar=data["dasar"],
            keterangan=data.get("keterangan", ""),
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The services set the letter types with the audit event; nothing else to save.
        return None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PenerimaInline(ReadOnlyInline):
    model = Penerima
    fields = ["jenis", "urutan", "label", "keterangan"]


class RevisiInline(ReadOnlyInline):
    model = NaskahRevisi
    fields = ["nomor", "dibuat_oleh", "dibuat_pada", "catatan"]
    readonly_fields = fields  # `dibuat_pada` is not editable: listed only as read-only


@admin.register(Naskah)
class NaskahAdmin(ReadersOnlyObjectMixin, admin.ModelAdmin):
    """Read-only: letters change only through the drafting services."""

    list_display = [
        "subjek",
        "jenis",
        "klasifikasi_keamanan",
        "unit",
        "konseptor",
        "status",
        "revisi_terakhir",
        "updated_at",
    ]
    list_filter = ["status", "jenis", "klasifikasi_keamanan"]
    search_fields = ["hal", "nomor"]
    inlines = [PenerimaInline, RevisiInline]

    def letter_of(self, obj) -> Naskah:
        return obj

    @admin.display(description=_("subject (hal)"), ordering="hal")
    def subjek(self, obj):
        return obj.subjek_aman

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            # A confidential subject is no search oracle: such a letter matches by number
            # only, unless the admin user reads it by name.
            queryset = queryset.filter(
                ~Q(klasifikasi_keamanan__in=CONFIDENTIAL)
                | Q(pk__in=_readable(request))
                | Q(nomor__icontains=search_term)
            )
        return queryset, duplicates

    def get_queryset(self, request):
        # Drafts stay private to their konseptor, administrators included.
        return (
            super()
            .get_queryset(request)
            .filter(~Q(status=Naskah.Status.KONSEP) | Q(konseptor=request.user))
            .annotate(subjek_aman=masked_subject(request, "hal"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lampiran)
class LampiranAdmin(ReadersOnlyObjectMixin, admin.ModelAdmin):
    list_display = ["judul_aman", "naskah", "jenis", "jumlah_halaman", "ukuran", "dihapus"]
    list_select_related = ["naskah__jenis"]
    # The file as its stored name, not a /media/ link (files are sent only by the
    # permission-checked drafting view; docs/security.md).
    exclude = ["body", "berkas"]
    readonly_fields = ["berkas_tersimpan"]

    @admin.display(description=_("stored file"))
    def berkas_tersimpan(self, obj) -> str:
        return obj.berkas.name

    @admin.display(description=_("title"))
    def judul_aman(self, obj):
        return obj.judul_tampil

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(~Q(naskah__status=Naskah.Status.KONSEP) | Q(naskah__konseptor=request.user))
            .annotate(judul_tampil=masked_subject(request, "judul", prefix="naskah__"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
