"""What a number was issued for, as a link and a readable label (the register pages).

A `Nomor` names its owner generically (`object_type`, `object_id`): penomoran does not
import the apps that number things. Each of those apps registers a resolver in its
`AppConfig.ready()`::

    from penomoran import owners
    owners.register("naskah.naskah", _("Letter"), resolver)

`resolver(user, ids)` returns ``{id: (label, url)}`` for the objects among `ids` that
`user` may see by that app's own rule. An owner the viewer may not see is shown as its
kind only (no subject, no link): the number's own columns say the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Resolver = Callable[[object, list[str]], dict[str, tuple[str, str]]]
_REGISTRY: dict[str, tuple[Promise | str, Resolver | None]] = {}


def register(object_type: str, kind: Promise | str, resolver: Resolver | None = None) -> None:
    _REGISTRY[object_type] = (kind, resolver)


@dataclass(frozen=True)
class Owner:
    kind: str
    label: str = ""
    url: str = ""


def nomor_owners(user, rows: Iterable) -> dict[int, Owner]:
    """{Nomor pk: Owner} for the numbers in `rows` that have an owner; one query per
    kind of owner on the page."""
    by_type: dict[str, list] = {}
    for nomor in rows:
        if nomor.object_type and nomor.object_id:
            by_type.setdefault(nomor.object_type, []).append(nomor)
    out: dict[int, Owner] = {}
    for object_type, numbers in by_type.items():
        kind, resolver = _REGISTRY.get(object_type, (object_type, None))
        seen = {}
        if resolver is not None:
            seen = resolver(user, sorted({str(n.object_id) for n in numbers}))
        for nomor in numbers:
            label, url = seen.get(str(nomor.object_id), ("", ""))
            out[nomor.pk] = Owner(str(kind), label, url)
    return out


# Penomoran's own owner: a letter written on paper with a number from an emergency block.
register("penomoran.suratmanual", _("Letter numbered from an emergency block"))
