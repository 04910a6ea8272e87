from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from core.models import (
    AnggotaTimKerja,
    AuditEvent,
    Jabatan,
    KodeKlasifikasi,
    Pegawai,
    Penugasan,
    SkemaKlasifikasi,
    TimKerja,
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
    model = Penugasan
    fk_name = "pegawai"
    extra = 0
    fields = ("jabatan", "jenis", "mulai", "selesai", "nomor_sk", "perpanjangan_dari")
    autocomplete_fields = ("jabatan",)
    raw_id_fields = ("perpanjangan_dari",)


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


class JabatanInline(admin.TabularInline):
    model = Jabatan
    extra = 0
    fields = ("nama", "jenis", "eselon", "kepala_unit", "atasan", "aktif")
    autocomplete_fields = ("atasan",)
    show_change_link = True


@admin.register(UnitKerja)
class UnitKerjaAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "kode", "jenis", "jenis_kop", "aktif")
    list_filter = ("jenis", "jenis_kop", "aktif")
    search_fields = ("nama", "singkatan", "kode")
    autocomplete_fields = ("induk",)
    inlines = [JabatanInline]
    fieldsets = (
        (None, {"fields": ("nama", "singkatan", "kode", "jenis", "induk", "urutan", "aktif")}),
        (
            _("Letterhead"),
            {
                "fields": (
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
            },
        ),
    )

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.kedalaman + obj.nama


class PenugasanJabatanInline(PenugasanInline):
    fk_name = "jabatan"
    fields = ("pegawai", "jenis", "mulai", "selesai", "nomor_sk", "perpanjangan_dari")
    autocomplete_fields = ("pegawai",)


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
    list_display = ("pegawai", "jabatan", "jenis", "mulai", "selesai", "nomor_sk")
    list_filter = ("jenis", "jabatan__unit")
    search_fields = ("pegawai__nama", "pegawai__nip", "jabatan__nama", "nomor_sk")
    autocomplete_fields = ("pegawai", "jabatan")
    raw_id_fields = ("perpanjangan_dari",)
    date_hierarchy = "mulai"
    list_select_related = ("pegawai", "jabatan")


class AnggotaInline(admin.TabularInline):
    model = AnggotaTimKerja
    extra = 1
    autocomplete_fields = ("pegawai",)


@admin.register(TimKerja)
class TimKerjaAdmin(admin.ModelAdmin):
    list_display = ("nama", "unit", "ketua", "jabatan_pembina", "aktif")
    list_filter = ("aktif", "unit")
    search_fields = ("nama", "ketua__nama", "unit__nama")
    autocomplete_fields = ("unit", "ketua", "jabatan_pembina")
    inlines = [AnggotaInline]


@admin.register(SkemaKlasifikasi)
class SkemaKlasifikasiAdmin(admin.ModelAdmin):
    list_display = ("nama", "kode", "dasar_hukum", "aktif")


@admin.register(KodeKlasifikasi)
class KodeKlasifikasiAdmin(admin.ModelAdmin):
    list_display = (
        "kode",
        "nama",
        "level",
        "retensi_aktif",
        "retensi_inaktif",
        "nasib_akhir",
        "perlu_diperiksa",
        "aktif",
    )
    list_filter = ("skema", "level", "nasib_akhir", "perlu_diperiksa", "aktif")
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
