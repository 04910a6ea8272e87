"""Reads with permission checks: fetch-and-authorize in one call."""

from __future__ import annotations

from django.http import Http404

from arsip.models import ArsipRecord, Berkas, Penyusutan
from arsip.permissions import (
    arsip_visibility_q,
    can_manage_archive,
    is_panitia_penilai,
    is_pejabat_kearsipan,
)
from core.errors import PermissionDeniedError
from core.models import Pegawai


def arsip_record_get_for_user(*, user: Pegawai, pk: int) -> ArsipRecord:
    record = (
        ArsipRecord.objects.filter(arsip_visibility_q(user), pk=pk)
        .select_related("unit", "kode_klasifikasi", "berkas")
        .first()
    )
    if record is None:
        raise Http404
    return record


def _require_archivist(user: Pegawai) -> None:
    if not can_manage_archive(user):
        raise PermissionDeniedError()


def berkas_list_for_archivist(*, user: Pegawai, status: str = ""):
    _require_archivist(user)
    qs = Berkas.objects.select_related("unit", "kode_klasifikasi").order_by("-dibuka", "nomor")
    return qs.filter(status=status) if status else qs


def berkas_get_for_archivist(*, user: Pegawai, pk: int) -> Berkas:
    _require_archivist(user)
    berkas = Berkas.objects.select_related("unit", "kode_klasifikasi").filter(pk=pk).first()
    if berkas is None:
        raise Http404
    return berkas


def penyusutan_list_for_user(*, user: Pegawai):
    _require_archivist_or_role(user)
    return Penyusutan.objects.select_related("diusulkan_oleh").order_by("-created_at")


def penyusutan_get_for_user(*, user: Pegawai, pk: int) -> Penyusutan:
    _require_archivist_or_role(user)
    obj = Penyusutan.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _require_archivist_or_role(user: Pegawai) -> None:
    if not (can_manage_archive(user) or is_panitia_penilai(user) or is_pejabat_kearsipan(user)):
        raise PermissionDeniedError()
