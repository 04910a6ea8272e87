"""Reads of a person's second factor (docs/security.md): how many recovery codes are
left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_otp.plugins.otp_static.models import StaticToken

if TYPE_CHECKING:
    from core.models import Pegawai


def recovery_codes_left(user: Pegawai) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
