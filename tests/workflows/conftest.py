"""Helpers for the approval engine tests: positions by demo key, a routable object, and a
route started from the demo organisation."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Group

from core.models import Jabatan, UnitKerja

_counter = itertools.count(1)

POSITION_NAMES = {
    "gub": "Gubernur Lampung",
    "sekda": "Sekretaris Daerah Provinsi Lampung",
    "as3": "Asisten Administrasi Umum",
    "karo_umum": "Kepala Biro Umum",
    "karo_hukum": "Kepala Biro Hukum",
    "kabag_tu": "Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian",
    "penelaah": "Penelaah Teknis Kebijakan",
    "kadis_kominfo": "Kepala Dinas Komunikasi, Informatika dan Statistik",
    "sekdis_kominfo": "Sekretaris Dinas Komunikasi, Informatika dan Statistik",
    "kabid_aptika": "Kepala Bidang Aplikasi Informatika",
    "kabid_sandi": "Kepala Bidang Persandian dan Statistik",
    "staf_aptika": "Pengelola Layanan Aplikasi",
    "prakom_muda": "Pranata Komputer Ahli Muda",
    "statistisi": "Statistisi Ahli Pertama",
    "kadis_dik": "Kepala Dinas Pendidikan dan Kebudayaan",
    "sekdis_dik": "Sekretaris Dinas Pendidikan dan Kebudayaan",
    "kabid_sma": "Kepala Bidang Pembinaan SMA",
    "staf_sma": "Analis Kurikulum dan Pembelajaran",
}


def jab(key: str) -> Jabatan:
    return Jabatan.objects.select_related("unit").get(nama=POSITION_NAMES[key])


def unit(kode: str) -> UnitKerja:
    return UnitKerja.objects.get(kode=kode)


def new_object() -> Group:
    """Any saved model instance can be routed; a Group is the cheapest."""
    return Group.objects.create(name=f"routed-object-{next(_counter)}")


def start(drafter, drafter_key: str, signer_key: str, **kwargs):
    from workflows.services import route_start

    kwargs.setdefault("obj", new_object())
    kwargs.setdefault("revision", "r1")
    kwargs.setdefault("title", "Undangan rapat koordinasi")
    return route_start(
        drafter=drafter, drafter_jabatan=jab(drafter_key), signer_jabatan=jab(signer_key), **kwargs
    )


def active(route):
    from workflows.models import StepState

    return list(StepState.objects.filter(route=route, status="active").order_by("pk"))


@pytest.fixture
def hook_log():
    """Register a handler for Group routes; yields the list of events received."""
    from workflows import hooks

    log: list = []

    def handler(outcome):
        log.append(outcome.event)

    hooks.register("auth.group", handler)
    yield log
    hooks.unregister("auth.group", handler)
