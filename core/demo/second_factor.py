"""The demo second factor: one TOTP secret and recovery codes shared by the demo people
(printed by demo_totp and demo_welcome; demo only)."""

from __future__ import annotations

from core.models import (
    Pegawai,
)

DEMO_TOTP_SECRET = "NASKAHDEMOTOTPLAMPUNGDEMOSECRETX"  # noqa: S105 - demo data, printed
DEMO_RECOVERY_CODES = ("demopulih01", "demopulih02", "demopulih03")
DEMO_DEVICE_NAME = "Demo TOTP (demo only)"


def demo_totp_key_hex() -> str:
    import base64

    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def demo_second_factor_users() -> list[Pegawai]:
    heads = Pegawai.objects.filter(penugasan__jabatan__kepala_unit=True)
    admins = Pegawai.objects.filter(is_superuser=True)
    officers = Pegawai.objects.filter(groups__name="Petugas Pendaftaran")
    return list((heads | admins | officers).distinct().order_by("username"))


def _demo_second_factor(people: list[Pegawai]) -> int:
    """Give each of `people` the demo TOTP device and recovery codes unless they have a
    TOTP device already (idempotent; an account that enrolled its own keeps it)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    created = 0
    key = demo_totp_key_hex()
    for person in people:
        if TOTPDevice.objects.filter(user=person).exists():
            continue
        TOTPDevice.objects.create(user=person, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
        recovery, _ = StaticDevice.objects.get_or_create(
            user=person, name="recovery", defaults={"confirmed": True}
        )
        StaticToken.objects.bulk_create(
            [StaticToken(device=recovery, token=code) for code in DEMO_RECOVERY_CODES]
        )
        created += 1
    return created


# Example retention values for the demo ONLY: Lampung's JRA is set by Pergub after ANRI
# approval and must be imported by an archivist (docs/klasifikasi.md).
