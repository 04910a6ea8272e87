from django import forms
from django.contrib import admin
from django.db.models import Q

from core.services.audit import audit_record
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
                action="naskah.jenis.create",
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


@admin.register(Naskah)
class NaskahAdmin(admin.ModelAdmin):
    """Read-only: letters change only through the drafting services."""

    list_display = ["hal", "jenis", "unit", "konseptor", "status", "revisi_terakhir", "updated_at"]
    list_filter = ["status", "jenis"]
    search_fields = ["hal", "nomor"]
    inlines = [PenerimaInline, RevisiInline]

    def get_queryset(self, request):
        # Drafts stay private to their konseptor, administrators included.
        return (
            super()
            .get_queryset(request)
            .filter(~Q(status=Naskah.Status.KONSEP) | Q(konseptor=request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lampiran)
class LampiranAdmin(admin.ModelAdmin):
    list_display = ["judul", "naskah", "jenis", "jumlah_halaman", "ukuran", "dihapus"]
    exclude = ["body"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(~Q(naskah__status=Naskah.Status.KONSEP) | Q(naskah__konseptor=request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Signing flow (issue 5).
from naskah import admin_tte  # noqa: E402, F401
