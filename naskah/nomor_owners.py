"""Resolvers for the numbering register (penomoran.owners): a number issued to a letter or
an incoming letter becomes a link to its page, with a readable label, for a viewer the
letter's own rule lets see it (naskah.permissions, naskah.masuk.permissions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def naskah_owners(user, ids: list[str]) -> dict[str, tuple[str, str]]:
    from naskah.models import Naskah
    from naskah.permissions import naskah_visible_q

    rows = (
        Naskah.objects.filter(naskah_visible_q(user), pk__in=_ints(ids))
        .select_related("jenis")
        .only("pk", "hal", "klasifikasi_keamanan", "jenis__nama")
    )
    return {
        str(n.pk): (f"{n.jenis.nama}: {n.hal_aman}", reverse("naskah:tte", args=[n.pk]))
        for n in rows
    }


def suratmasuk_owners(user, ids: list[str]) -> dict[str, tuple[str, str]]:
    """An agenda number names its incoming letter by the letter's `kunci` (a UUID)."""
    import uuid

    from naskah.masuk.models import SuratMasuk
    from naskah.masuk.permissions import visible_q

    keys = []
    for value in ids:
        try:
            keys.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    rows = SuratMasuk.objects.filter(visible_q(user), kunci__in=keys).only(
        "pk", "kunci", "hal", "klasifikasi_keamanan", "pengirim"
    )
    return {
        str(s.kunci): (
            f"{s.pengirim}: {s.hal_aman}",
            reverse("masuk:suratmasuk_detail", args=[s.pk]),
        )
        for s in rows
    }


def register_nomor_owners() -> None:
    from penomoran import owners

    owners.register("naskah.naskah", _("Outgoing letter"), naskah_owners)
    owners.register("masuk.suratmasuk", _("Incoming letter"), suratmasuk_owners)
