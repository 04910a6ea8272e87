"""Admin for letters. Administrators are not readers (DESIGN invariant 12): the letter
lists show a Rahasia / Sangat Rahasia subject only to someone the letter names as a reader
("[RAHASIA]" / "[SANGAT RAHASIA]" to everyone else, and a search never matches such a
subject for them), and a letter's page (its revisions, recipients, attachments) opens only
for someone who may read the letter (naskah.permissions)."""

from django.contrib import admin
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.models import CONFIDENTIAL_MARKERS
from naskah.models import JenisNaskah, Lampiran, Naskah, NaskahRevisi, Penerima, TataNaskahDefault
from naskah.permissions import CONFIDENTIAL, naskah_visible_q


def _readable(request):
    """The letters the admin user may read (a subquery of ids)."""
    return Naskah.objects.filter(naskah_visible_q(request.user)).values("pk")


def _may_read(request, naskah: Naskah) -> bool:
    return Naskah.objects.filter(naskah_visible_q(request.user), pk=naskah.pk).exists()


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


@admin.register(JenisNaskah)
class JenisNaskahAdmin(admin.ModelAdmin):
    list_display = ["nama", "kode", "kelompok", "subkelompok", "lingkup", "layout_kind", "aktif"]
    list_filter = ["kelompok", "layout_kind", "aktif"]
    search_fields = ["nama", "kode"]
    filter_horizontal = ["penandatangan_jabatan"]
    autocomplete_fields = ["kode_klasifikasi_default"]


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
    exclude = ["body"]

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


# Signing flow (issue 5); numbering series (issue 13).
from naskah import admin_nomor, admin_tte  # noqa: E402, F401
