"""Registering API clients, their secrets and tokens (issue 17 item 2). Audited services;
the admin and the token endpoint call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.events import (
    API_CLIENT_CREATED,
    API_CLIENT_DEACTIVATED,
    API_CLIENT_SECRET_ROTATED,
    API_PERSONAL_TOKEN_CREATED,
    API_TOKEN_ISSUED,
    API_TOKEN_REVOKED,
)
from api.models import ApiClient, ApiSecret, ApiToken, Scope
from core.errors import ApplicationError, PermissionDeniedError
from core.models import Pegawai, UnitKerja
from core.services.audit import audit_record

CLIENT_TOKEN_PREFIX = "nsk_ct_"  # noqa: S105 (a prefix, not a secret)
PERSONAL_TOKEN_PREFIX = "nsk_pat_"  # noqa: S105
SECRET_PREFIX = "nsk_cs_"  # noqa: S105

PERSONAL_SCOPES = {s.value for s in Scope}
# A client-credentials token never signs: signing is only for the signer's own token.
CLIENT_SCOPES = PERSONAL_SCOPES - {Scope.SIGN.value}


def token_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NASKAH_API_TOKEN_TTL_SECONDS)


def rotation_grace() -> dt.timedelta:
    return dt.timedelta(hours=settings.NASKAH_API_SECRET_GRACE_HOURS)


def _pepper() -> bytes:
    return hashlib.sha256(b"naskah-api-pepper:" + settings.SECRET_KEY.encode()).digest()


def secret_digest(value: str) -> str:
    """HMAC-SHA256 of a secret or token under the pepper (see api.models)."""
    return hmac.new(_pepper(), value.encode(), hashlib.sha256).hexdigest()


def _check_scopes(scopes, allowed: set[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes))
    unknown = [s for s in scopes if s not in allowed]
    if unknown:
        raise ApplicationError(
            _("Unknown or not allowed scopes: %(scopes)s") % {"scopes": ", ".join(unknown)},
            code="invalid_scope",
        )
    return scopes


def _new_secret(client: ApiClient) -> str:
    value = SECRET_PREFIX + secrets.token_urlsafe(32)
    ApiSecret.objects.create(client=client, digest=secret_digest(value), petunjuk=value[7:13])
    return value


@dataclass(frozen=True)
class Registered:
    client: ApiClient
    secret: str  # shown once


def apiclient_create(
    *,
    actor: Pegawai,
    nama: str,
    scopes: list[str],
    units: list[UnitKerja],
    akun: Pegawai | None = None,
    berlaku_sampai: dt.datetime | None = None,
    batas_per_menit: int = 120,
) -> Registered:
    """Register a client application; the secret is returned once and stored hashed."""
    scopes = _check_scopes(scopes, CLIENT_SCOPES)
    with transaction.atomic():
        client = ApiClient.objects.create(
            client_id="nsk_" + secrets.token_hex(8),
            nama=nama,
            scopes=scopes,
            akun=akun,
            berlaku_sampai=berlaku_sampai,
            batas_per_menit=batas_per_menit,
            dibuat_oleh=actor,
        )
        client.unit.set(units)
        secret = _new_secret(client)
        audit_record(
            actor=actor,
            action=API_CLIENT_CREATED,
            obj=client,
            details={"scopes": scopes, "units": [u.pk for u in units], "akun": akun and akun.pk},
        )
    return Registered(client=client, secret=secret)


def apiclient_rotate_secret(*, actor: Pegawai, client: ApiClient) -> str:
    """A new secret; the current ones stay valid for the grace period, then expire."""
    now = timezone.now()
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        ApiSecret.objects.filter(client=client).filter(berakhir__isnull=True).update(
            berakhir=now + rotation_grace()
        )
        secret = _new_secret(client)
        audit_record(
            actor=actor,
            action=API_CLIENT_SECRET_ROTATED,
            obj=client,
            details={"grace_until": (now + rotation_grace()).isoformat()},
        )
    return secret


def apiclient_deactivate(*, actor: Pegawai, client: ApiClient) -> None:
    """Stop a client: its tokens are revoked at once."""
    now = timezone.now()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(aktif=False)
        from api.services.webhooks import subscribed_events_changed

        subscribed_events_changed()
        ApiToken.objects.filter(client=client, dicabut_pada__isnull=True).update(dicabut_pada=now)
        audit_record(actor=actor, action=API_CLIENT_DEACTIVATED, obj=client)


def apiclient_authenticate(client_id: str, secret: str) -> ApiClient | None:
    """The client whose id and secret these are, if both match and are in force."""
    now = timezone.now()
    client = ApiClient.objects.filter(client_id=client_id).first()
    if client is None or not client.usable(now):
        return None
    digest = secret_digest(secret or "")
    for row in client.secrets.all():
        if hmac.compare_digest(row.digest, digest) and (row.berakhir is None or row.berakhir > now):
            return client
    return None


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    value: str


def _token(**fields) -> Issued:
    prefix = (
        PERSONAL_TOKEN_PREFIX if fields["jenis"] == ApiToken.Jenis.PERSONAL else CLIENT_TOKEN_PREFIX
    )
    value = prefix + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        digest=secret_digest(value), petunjuk=value[len(prefix) : len(prefix) + 6], **fields
    )
    return Issued(token=token, value=value)


def token_issue_client(*, client: ApiClient, scopes: list[str] | None = None) -> Issued:
    """The OAuth2 client-credentials grant: a short-lived token with the client's scopes
    (or the asked subset of them)."""
    granted = list(client.scopes)
    if scopes:
        extra = [s for s in scopes if s not in granted]
        if extra:
            raise PermissionDeniedError(
                _("Scopes not granted to this client: %(scopes)s") % {"scopes": ", ".join(extra)},
                code="invalid_scope",
            )
        granted = [s for s in granted if s in scopes]
    with transaction.atomic():
        issued = _token(
            jenis=ApiToken.Jenis.CLIENT,
            client=client,
            scopes=granted,
            berakhir=timezone.now() + token_ttl(),
        )
        audit_record(
            actor=client.akun,
            action=API_TOKEN_ISSUED,
            obj=client,
            details={"token": issued.token.pk, "scopes": granted},
        )
    return issued


def token_personal_create(
    *,
    actor: Pegawai,
    nama: str,
    scopes: list[str],
    days: int = 90,
    client: ApiClient | None = None,
) -> Issued:
    """A personal access token: created by the person it acts for, never by someone else
    (an administrator cannot mint a token in another person's name)."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDeniedError()
    scopes = _check_scopes(scopes, PERSONAL_SCOPES)
    if not 1 <= days <= settings.NASKAH_API_PERSONAL_TOKEN_MAX_DAYS:
        raise ApplicationError(_("The token's lifetime is out of range."), code="invalid")
    with transaction.atomic():
        issued = _token(
            jenis=ApiToken.Jenis.PERSONAL,
            pegawai=actor,
            client=client,
            nama=nama,
            scopes=scopes,
            berakhir=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=API_PERSONAL_TOKEN_CREATED,
            obj=issued.token,
            details={"scopes": scopes, "days": days},
        )
    return issued


def token_revoke(*, actor: Pegawai, token: ApiToken) -> None:
    others = token.jenis == ApiToken.Jenis.PERSONAL and token.pegawai_id != actor.pk
    if others and not actor.has_perm("api.change_apitoken"):
        raise PermissionDeniedError()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, dicabut_pada__isnull=True).update(
            dicabut_pada=timezone.now()
        )
        audit_record(actor=actor, action=API_TOKEN_REVOKED, obj=token)


def token_lookup(value: str) -> ApiToken | None:
    """The token in force with this value (with its client and person), or None."""
    if not value or not value.startswith((CLIENT_TOKEN_PREFIX, PERSONAL_TOKEN_PREFIX)):
        return None
    token = (
        ApiToken.objects.select_related("client", "pegawai")
        .filter(digest=secret_digest(value), dicabut_pada__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.berakhir <= now:
        return None
    if token.client_id and not token.client.usable(now):
        return None
    if token.pegawai_id and not token.pegawai.is_active:
        return None
    return token
