"""Helpers for the approval tests: letters from the demo organisation, routes through the
naskah services."""

from __future__ import annotations

from core.models import Jabatan
from naskah.models import Naskah
from tests.letters import make_letter
from workflows.models import StepState

KADIS_KOMINFO = "Kepala Dinas Komunikasi, Informatika dan Statistik"
KABID_APTIKA = "Kepala Bidang Aplikasi Informatika"


def jabatan(nama: str) -> Jabatan:
    return Jabatan.objects.select_related("unit").get(nama=nama)


def letter(demo, user: str, signer: str = KADIS_KOMINFO, *, jenis="surat_dinas", **overrides):
    """A draft from the one letter factory (tests/letters.py)."""
    return make_letter(demo, "draft", user=user, signer=signer, jenis=jenis, **overrides)


def submit(demo, naskah: Naskah, **kwargs):
    from naskah.services.approval import naskah_submit

    naskah.refresh_from_db()
    return naskah_submit(
        actor=naskah.konseptor, naskah=naskah, expected_revisi=naskah.revisi_terakhir, **kwargs
    )


def waiting(naskah: Naskah) -> list[StepState]:
    from naskah.selectors.approval import naskah_route_open

    route = naskah_route_open(naskah)
    if route is None:
        return []
    return list(
        StepState.objects.filter(route=route, status="active")
        .select_related("assignee", "step")
        .order_by("pk")
    )


def paraf(naskah: Naskah, actor=None, note: str = ""):
    """The person a waiting step was sent to initials the current revision."""
    from naskah.services.approval import naskah_paraf

    naskah.refresh_from_db()
    state = waiting(naskah)[0]
    return naskah_paraf(
        actor=actor or state.assignee,
        naskah=naskah,
        step_state=state,
        expected_revisi=naskah.revisi_terakhir,
        note=note,
    )


def chain(naskah: Naskah) -> list[list[str]]:
    """The route's stages as lists of step labels."""
    from naskah.selectors.approval import naskah_route_latest
    from workflows.models import Stage

    route = naskah_route_latest(naskah)
    return [
        [s.label for s in stage.steps.order_by("order")]
        for stage in Stage.objects.filter(route=route).order_by("index")
    ]
