from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.events import PEGAWAI_ACCESS, TIMKERJA_MEMBERS
from core.models import (
    AnggotaTimKerja,
    AuditEvent,
    Jabatan,
    KodeKlasifikasi,
    Pegawai,
    Penugasan,
    SkemaKlasifikasi,
    TimKerja,
    TingkatAkses,
    UnitKerja,
)


class PegawaiCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = Pegawai
        fields = ("username", "nama", "nip")


class PegawaiChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Pegawai
        fields = "__all__"


class PenugasanInline(admin.TabularInline):
    """Read-only here: assignments are made, approved and ended on their own admin page,
    through the services (audit event, notice, four-eyes approval)."""

    model = Penugasan
    fk_name = "pegawai"
    extra = 0
    fields = ("jabatan", "jenis", "mulai", "selesai", "nomor_sk", "status")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pegawai)
class PegawaiAdmin(UserAdmin):
    form = PegawaiChangeForm
    add_form = PegawaiCreationForm
    list_display = ("nama_lengkap", "username", "nip", "pangkat", "golongan", "is_active")
    list_filter = ("is_active", "is_staff", "golongan", "groups")
    search_fields = ("nama", "username", "nip", "email")
    ordering = ("nama",)
    inlines = [PenugasanInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Identity"),
            {
                "fields": (
                    "gelar_depan",
                    "nama",
                    "gelar_belakang",
                    "nip",
                    "nik",
                    "pangkat",
                    "golongan",
                )
            },
        ),
        (_("Contact"), {"fields": ("email", "telepon")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "nama", "nip", "password1", "password2")},
        ),
    )

    # An administrator does not change his own access (a role such as Arsiparis or
    # Agendaris reads letters by unit): another administrator does, on the audit trail.
    SELF_READONLY = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            readonly += [name for name in self.SELF_READONLY if name not in readonly]
        return readonly

    @staticmethod
    def _access(pegawai: Pegawai) -> dict:
        return {
            "is_active": pegawai.is_active,
            "is_staff": pegawai.is_staff,
            "is_superuser": pegawai.is_superuser,
            "groups": sorted(pegawai.groups.values_list("name", flat=True)),
            "user_permissions": sorted(
                f"{app}.{code}"
                for app, code in pegawai.user_permissions.values_list(
                    "content_type__app_label", "codename"
                )
            ),
        }

    def save_model(self, request, obj, form, change):
        request._pegawai_access_before = (
            self._access(Pegawai.objects.get(pk=obj.pk)) if change else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        from core.services.audit import audit_record

        super().save_related(request, form, formsets, change)
        before = getattr(request, "_pegawai_access_before", None)
        after = self._access(form.instance)
        if before != after:
            audit_record(
                actor=request.user,
                action=PEGAWAI_ACCESS,
                obj=form.instance,
                details={"before": before, "after": after},
            )


class JabatanInline(admin.TabularInline):
    model = Jabatan
    extra = 0
    fields = ("nama", "jenis", "eselon", "kepala_unit", "atasan", "aktif")
    autocomplete_fields = ("atasan",)
    show_change_link = True


class UnitKerjaForm(forms.ModelForm):
    """Letterhead artwork upload: validated by core.lambang, stored by the audited service."""

    lambang_unggah = forms.FileField(
        label=_("Upload the official emblem artwork"),
        required=False,
        help_text=_(
            "PNG (64 to 4096 pixels a side) or SVG without scripts, external references or "
            "embedded foreign content; at most 1 MB. Garuda Pancasila for the head of "
            "region's letterhead, the regional logo for the others."
        ),
    )
    lambang_hapus = forms.BooleanField(label=_("Remove the uploaded artwork"), required=False)

    class Meta:
        model = UnitKerja
        fields = (  # the admin's fieldsets decide what is shown
            "nama",
            "singkatan",
            "kode",
            "kode_resmi",
            "jenis",
            "induk",
            "urutan",
            "aktif",
            "jenis_kop",
            "lambang",
            "nama_kop",
            "alamat",
            "kota",
            "kode_pos",
            "telepon",
            "faksimile",
            "email",
            "website",
        )

    def clean_lambang_unggah(self):
        from core.lambang import lambang_max_bytes, lambang_validate

        upload = self.cleaned_data.get("lambang_unggah")
        if not upload:
            return None
        if upload.size > lambang_max_bytes():
            raise ValidationError(
                _("The file is larger than %(max)d KB.") % {"max": lambang_max_bytes() // 1024}
            )
        data = upload.read()
        lambang_validate(data)
        return data


@admin.register(UnitKerja)
class UnitKerjaAdmin(admin.ModelAdmin):
    form = UnitKerjaForm
    list_display = ("indented_name", "kode", "kode_resmi", "jenis", "jenis_kop", "aktif")
    list_filter = ("jenis", "jenis_kop", "aktif")
    search_fields = ("nama", "singkatan", "kode", "kode_resmi")
    autocomplete_fields = ("induk",)
    inlines = [JabatanInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "nama",
                    "singkatan",
                    "kode",
                    "kode_resmi",
                    "jenis",
                    "induk",
                    "urutan",
                    "aktif",
                )
            },
        ),
        (
            _("Letterhead"),
            {
                "fields": (
                    "jenis_kop",
                    "lambang",
                    "lambang_status",
                    "lambang_unggah",
                    "lambang_hapus",
                    "nama_kop",
                    "alamat",
                    "kota",
                    "kode_pos",
                    "telepon",
                    "faksimile",
                    "email",
                    "website",
                )
            },
        ),
    )

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.kedalaman + obj.nama

    readonly_fields = ("lambang_status",)

    @admin.display(description=_("emblem artwork"))
    def lambang_status(self, obj):
        if obj is None or not obj.lambang_gambar_jenis:
            return _("None uploaded: letters show a stand-in drawing (demo only).")
        return _("%(format)s, uploaded %(when)s") % {
            "format": obj.lambang_gambar_jenis.upper(),
            "when": obj.lambang_gambar_diunggah,
        }

    def save_model(self, request, obj, form, change):
        from core.services.lambang import unitkerja_lambang_set

        super().save_model(request, obj, form, change)
        data = form.cleaned_data.get("lambang_unggah")
        if data:
            unitkerja_lambang_set(unit=obj, data=data, actor=request.user)
        elif form.cleaned_data.get("lambang_hapus") and obj.lambang_gambar_jenis:
            unitkerja_lambang_set(unit=obj, data=None, actor=request.user)


class PenugasanJabatanInline(PenugasanInline):
    fk_name = "jabatan"
    fields = ("pegawai", "jenis", "mulai", "selesai", "nomor_sk", "status")
    readonly_fields = fields


@admin.register(Jabatan)
class JabatanAdmin(admin.ModelAdmin):
    list_display = ("nama", "unit", "jenis", "eselon", "kepala_unit", "atasan", "aktif")
    list_filter = ("jenis", "eselon", "kepala_unit", "aktif", "unit__jenis")
    search_fields = ("nama", "nama_ttd", "unit__nama", "unit__kode")
    autocomplete_fields = ("unit", "atasan")
    list_select_related = ("unit", "atasan")
    inlines = [PenugasanJabatanInline]


@admin.register(Penugasan)
class PenugasanAdmin(admin.ModelAdmin):
    """Assignments through the services only (core.services.organisasi): each is audited
    and told to the unit's head; an acting one (Plt/Plh/Pj), or one an administrator
    makes for himself, waits for a second administrator ("Approve" action). Who, which
    position, the kind and the dates are not changed in place: end and record anew."""

    list_display = (
        "pegawai",
        "jabatan",
        "jenis",
        "mulai",
        "selesai",
        "nomor_sk",
        "status",
        "diajukan_oleh",
        "disetujui_oleh",
    )
    list_filter = ("status", "jenis", "jabatan__unit")
    search_fields = ("pegawai__nama", "pegawai__nip", "jabatan__nama", "nomor_sk")
    autocomplete_fields = ("pegawai", "jabatan")
    raw_id_fields = ("perpanjangan_dari",)
    date_hierarchy = "mulai"
    list_select_related = ("pegawai", "jabatan", "diajukan_oleh", "disetujui_oleh")
    fields = (
        "pegawai",
        "jabatan",
        "jenis",
        "mulai",
        "selesai",
        "nomor_sk",
        "tanggal_sk",
        "perpanjangan_dari",
        "keterangan",
        "status",
        "diajukan_oleh",
        "disetujui_oleh",
        "disetujui_pada",
        "diakhiri_oleh",
        "diakhiri_pada",
    )
    actions = ["approve_selected", "reject_selected", "end_selected_today"]

    def get_readonly_fields(self, request, obj=None):
        from core.services.organisasi import PENUGASAN_EDITABLE_FIELDS

        audit_fields = (
            "status",
            "diajukan_oleh",
            "disetujui_oleh",
            "disetujui_pada",
            "diakhiri_oleh",
            "diakhiri_pada",
        )
        if obj is None:
            return audit_fields
        return tuple(name for name in self.fields if name not in PENUGASAN_EDITABLE_FIELDS)

    def has_delete_permission(self, request, obj=None):
        return False  # an assignment is history: end it or reject the request

    def save_model(self, request, obj, form, change):
        from core.services.organisasi import penugasan_create, penugasan_update

        if change:
            penugasan_update(
                actor=request.user,
                penugasan=obj,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
            return
        created = penugasan_create(
            actor=request.user,
            pegawai=obj.pegawai,
            jabatan=obj.jabatan,
            jenis=obj.jenis,
            mulai=obj.mulai,
            selesai=obj.selesai,
            nomor_sk=obj.nomor_sk,
            tanggal_sk=obj.tanggal_sk,
            perpanjangan_dari=obj.perpanjangan_dari,
            keterangan=obj.keterangan,
        )
        obj.pk, obj.status = created.pk, created.status
        obj._state.adding = False
        if created.status == Penugasan.Status.MENUNGGU:
            self.message_user(
                request,
                _("The assignment takes effect only when a second administrator approves it."),
                messages.WARNING,
            )

    def _each(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for penugasan in queryset:
            try:
                service(actor=request.user, penugasan=penugasan, **kwargs)
            except ApplicationError as exc:
                self.message_user(request, f"{penugasan}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Approve (second administrator)"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        from core.services.organisasi import penugasan_approve

        self._each(request, queryset, penugasan_approve, _("%(n)s assignment(s) approved."))

    @admin.action(description=_("Reject the request"), permissions=["change"])
    def reject_selected(self, request, queryset):
        from core.services.organisasi import penugasan_reject

        self._each(request, queryset, penugasan_reject, _("%(n)s request(s) rejected."))

    @admin.action(description=_("End today"), permissions=["change"])
    def end_selected_today(self, request, queryset):
        from core.services.organisasi import penugasan_end

        self._each(request, queryset, penugasan_end, _("%(n)s assignment(s) ended."))

    def has_approve_permission(self, request):
        return request.user.has_perm("core.approve_penugasan")


SELF_TEAM_ERROR = _(
    "An administrator does not put himself in a work team (its members read what is "
    "disposed to it): another administrator does."
)


class AnggotaFormSet(BaseInlineFormSet):
    request: HttpRequest  # set by AnggotaInline.get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not form.has_changed():
                continue
            if data.get("pegawai") is not None and data["pegawai"].pk == self.request.user.pk:
                raise ValidationError(SELF_TEAM_ERROR)


class AnggotaInline(admin.TabularInline):
    model = AnggotaTimKerja
    extra = 1
    autocomplete_fields = ("pegawai",)
    formset = AnggotaFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]  # AnggotaFormSet.request
        return formset


class TimKerjaForm(forms.ModelForm):
    request: HttpRequest  # set by TimKerjaAdmin.get_form

    class Meta:
        model = TimKerja
        fields = (
            "nama",
            "unit",
            "ketua",
            "jabatan_pembina",
            "nomor_sk",
            "mulai",
            "selesai",
            "aktif",
        )

    def clean_ketua(self):
        ketua = self.cleaned_data.get("ketua")
        changed = self.instance.pk is None or self.instance.ketua_id != getattr(ketua, "pk", None)
        if ketua is not None and changed and ketua.pk == self.request.user.pk:
            raise ValidationError(SELF_TEAM_ERROR)
        return ketua


@admin.register(TimKerja)
class TimKerjaAdmin(admin.ModelAdmin):
    """A work team's lead and members read what is disposed to the team: an administrator
    does not make himself one, and every change of who is in a team is on the audit trail
    (DESIGN invariant 12)."""

    list_display = ("nama", "unit", "ketua", "jabatan_pembina", "aktif")
    list_filter = ("aktif", "unit")
    search_fields = ("nama", "ketua__nama", "unit__nama")
    autocomplete_fields = ("unit", "ketua", "jabatan_pembina")
    inlines = [AnggotaInline]
    form = TimKerjaForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request  # type: ignore[attr-defined]  # TimKerjaForm.request
        return form

    @staticmethod
    def _people(tim: TimKerja | None) -> dict | None:
        if tim is None or tim.pk is None:
            return None
        return {
            "ketua": tim.ketua_id,
            "anggota": sorted(tim.keanggotaan.values_list("pegawai_id", "peran")),
        }

    def save_model(self, request, obj, form, change):
        request._timkerja_before = self._people(TimKerja.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        from core.services.audit import audit_record

        super().save_related(request, form, formsets, change)
        before = getattr(request, "_timkerja_before", None)
        after = self._people(form.instance)
        if before != after:
            audit_record(
                actor=request.user,
                action=TIMKERJA_MEMBERS,
                obj=form.instance,
                details={"before": before, "after": after},
            )


@admin.register(SkemaKlasifikasi)
class SkemaKlasifikasiAdmin(admin.ModelAdmin):
    list_display = ("nama", "kode", "dasar_hukum", "aktif")


class KodeKlasifikasiForm(forms.ModelForm):
    """SKKAAD access levels as check boxes instead of raw JSON."""

    tingkat_akses = forms.MultipleChoiceField(
        label=_("access levels"),
        choices=TingkatAkses.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=KodeKlasifikasi._meta.get_field("tingkat_akses").help_text,
    )

    class Meta:
        model = KodeKlasifikasi
        fields = (
            "skema",
            "kode",
            "nama",
            "level",
            "induk",
            "retensi_aktif",
            "retensi_inaktif",
            "nasib_akhir",
            "keterangan",
            "perlu_diperiksa",
            "aktif",
            "kelas_keamanan",
            "tingkat_akses",
        )


@admin.register(KodeKlasifikasi)
class KodeKlasifikasiAdmin(admin.ModelAdmin):
    form = KodeKlasifikasiForm
    list_display = (
        "kode",
        "nama",
        "level",
        "retensi_aktif",
        "retensi_inaktif",
        "nasib_akhir",
        "kelas_keamanan_efektif",
        "perlu_diperiksa",
        "aktif",
    )
    list_filter = ("skema", "level", "nasib_akhir", "kelas_keamanan", "perlu_diperiksa", "aktif")
    readonly_fields = ("kelas_keamanan_efektif", "tingkat_akses_efektif")
    search_fields = ("kode", "nama")
    autocomplete_fields = ("induk",)
    list_per_page = 100


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_label", "action", "object_repr", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_repr", "actor_label", "object_id")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
