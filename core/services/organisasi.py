"""Organisation services: tree maintenance and assignment rules."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from core.models import Penugasan, UnitKerja


def _segment(pk: int) -> str:
    return f"{pk:06d}."


def unitkerja_refresh_paths(*, unit: UnitKerja, old_path: str | None) -> None:
    """Keep the materialised path (`000001.000004.`) of a unit and its subtree current."""
    from core.models import UnitKerja

    parent_path = ""
    depth = 0
    if unit.induk_id:
        parent = UnitKerja.objects.only("path", "kedalaman").get(pk=unit.induk_id)
        parent_path, depth = parent.path, parent.kedalaman + 1
    new_path = parent_path + _segment(unit.pk)
    if new_path == unit.path and old_path == new_path:
        return
    with transaction.atomic():
        UnitKerja.objects.filter(pk=unit.pk).update(path=new_path, kedalaman=depth)
        unit.path, unit.kedalaman = new_path, depth
        if old_path and old_path != new_path:
            shift = depth - old_path.count(".") + 1
            for child in UnitKerja.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child_path = new_path + child.path[len(old_path) :]
                UnitKerja.objects.filter(pk=child.pk).update(
                    path=child_path, kedalaman=child.kedalaman + shift
                )


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def penugasan_validate(*, penugasan: Penugasan) -> None:
    """Rules for acting officials (domain.md 5.1; limits are settings).

    - Plt and Plh need an end date. A Plt term is at most PLT_MAX_MONTHS and may be
      extended (a new assignment pointing at the previous one) at most PLT_MAX_EXTENSIONS
      times; a Plh runs at most PLH_MAX_DAYS.
    - A position has at most one definitive holder and one acting official of each kind
      at any date.
    """
    from core.models import Penugasan

    rules = settings.NASKAH
    kind = penugasan.jenis
    errors: dict[str, list[str]] = {}
    if kind in (Penugasan.Jenis.PLT, Penugasan.Jenis.PLH) and not penugasan.selesai:
        errors.setdefault("selesai", []).append(_("An acting assignment needs an end date."))
    if penugasan.selesai and penugasan.mulai and penugasan.selesai < penugasan.mulai:
        errors.setdefault("selesai", []).append(_("The end date is before the start date."))
    if errors:
        raise ValidationError(errors)

    if kind == Penugasan.Jenis.PLT:
        limit = add_months(penugasan.mulai, rules["PLT_MAX_MONTHS"]) - dt.timedelta(days=1)
        if penugasan.selesai > limit:
            raise ValidationError(
                {
                    "selesai": _("A Plt term may last at most %(months)s months (until %(day)s).")
                    % {"months": rules["PLT_MAX_MONTHS"], "day": limit.isoformat()}
                }
            )
        extensions, previous = 0, penugasan.perpanjangan_dari
        while previous is not None:
            extensions += 1
            if previous.jenis != Penugasan.Jenis.PLT or previous.jabatan_id != penugasan.jabatan_id:
                raise ValidationError(
                    {
                        "perpanjangan_dari": _(
                            "Only a Plt term for the same position can be extended."
                        )
                    }
                )
            previous = previous.perpanjangan_dari
        if extensions > rules["PLT_MAX_EXTENSIONS"]:
            raise ValidationError(
                {
                    "perpanjangan_dari": _("A Plt term may be extended at most %(n)s time(s).")
                    % {"n": rules["PLT_MAX_EXTENSIONS"]}
                }
            )
    elif penugasan.perpanjangan_dari_id:
        raise ValidationError({"perpanjangan_dari": _("Only Plt terms are extended.")})

    if kind == Penugasan.Jenis.PLH:
        days = (penugasan.selesai - penugasan.mulai).days + 1
        if days > rules["PLH_MAX_DAYS"]:
            raise ValidationError(
                {
                    "selesai": _("A Plh assignment may last at most %(days)s days.")
                    % {"days": rules["PLH_MAX_DAYS"]}
                }
            )

    if penugasan.jabatan_id:
        overlapping = Penugasan.objects.filter(jabatan_id=penugasan.jabatan_id, jenis=kind).exclude(
            pk=penugasan.pk
        )
        if penugasan.selesai:
            overlapping = overlapping.filter(mulai__lte=penugasan.selesai)
        overlapping = overlapping.exclude(selesai__lt=penugasan.mulai)
        if overlapping.exists():
            raise ValidationError(
                _("Another %(kind)s assignment for this position overlaps these dates.")
                % {"kind": penugasan.get_jenis_display()}
            )
