"""Second-factor devices: TOTP apps, recovery codes and the verification step
(docs/security.md, "Sign-in"). Passkeys are registered and checked by django-otp-webauthn's
own views; core.second_factor counts them like any other device.

Secrets and codes never reach an audit event or a log line: events name the device kind.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.events import (
    AUTH_RECOVERY_CODES_GENERATED,
    AUTH_SECOND_FACTOR,
    AUTH_SECOND_FACTOR_ADDED,
    AUTH_SECOND_FACTOR_FAILED,
)
from core.services.audit import audit_record

if TYPE_CHECKING:
    from django_otp.models import Device

    from core.models import Pegawai

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
TOTP_PENDING_NAME = "pending"


def _device_kind(device: Device) -> str:
    return {"totpdevice": "totp", "staticdevice": "recovery_code"}.get(
        device._meta.model_name, device._meta.model_name
    )


@sensitive_variables("token")
def second_factor_verify(*, user: Pegawai, token: str) -> Device | None:
    """The confirmed TOTP device or recovery code that accepts `token`, or None. Every
    device tried counts a failure against its own throttle (django-otp doubles the wait
    after each); a recovery code is deleted once used."""
    token = "".join(token.split())
    matched = None
    with transaction.atomic():
        # Locked, so that parallel guesses each see the throttle the previous one left.
        devices: list[Device] = [
            *TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
            *StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
        ]
        for device in devices:
            # A six-digit code is a TOTP code; anything else can only be a recovery code.
            if isinstance(device, TOTPDevice) != (token.isdigit() and len(token) == 6):
                continue
            if device.verify_token(token):
                matched = device
                break
    audit_record(
        actor=user,
        action=AUTH_SECOND_FACTOR if matched else AUTH_SECOND_FACTOR_FAILED,
        obj=user,
        details={"device": _device_kind(matched)} if matched else {},
    )
    return matched


def totp_device_begin(*, user: Pegawai) -> TOTPDevice:
    """A new, unconfirmed TOTP device with a fresh secret (replacing an earlier unconfirmed
    one). It counts only once confirmed with a code from the app."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_PENDING_NAME, confirmed=False)


@sensitive_variables("token")
def totp_device_confirm(*, user: Pegawai, device: TOTPDevice, token: str) -> bool:
    """Confirm the app: the first code it shows must match."""
    if device.user_id != user.pk or device.confirmed:
        return False
    with transaction.atomic():
        if not device.verify_token("".join(token.split())):
            return False
        device.confirmed = True
        device.name = "TOTP"
        device.save(update_fields=["confirmed", "name"])
        audit_record(
            actor=user, action=AUTH_SECOND_FACTOR_ADDED, obj=user, details={"device": "totp"}
        )
    return True


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app's manual entry wants it."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@sensitive_variables("codes")
def recovery_codes_generate(*, user: Pegawai) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new single-use codes.
    They are returned once, to be shown once; earlier codes stop working."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        audit_record(
            actor=user,
            action=AUTH_RECOVERY_CODES_GENERATED,
            obj=user,
            details={"count": len(codes)},
        )
    return codes
