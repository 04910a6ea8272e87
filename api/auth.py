"""Bearer-token authentication, scopes and the per-client rate limit.

A call is made by a *caller*: a client-credentials token (the client application; it
reads what its units may read, minus Rahasia and Sangat Rahasia letters, and writes in
the name of its service account if it has one) or a personal access token (exactly that
person's visibility, through the same permission functions the pages use)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from ninja.security import HttpBearer

from api.errors import ApiProblem, negotiated_language
from api.models import ApiClient, ApiToken, Scope
from api.services.clients import token_lookup
from core.models import Pegawai


@dataclass
class Caller:
    token: ApiToken
    client: ApiClient | None
    pegawai: Pegawai | None
    scopes: frozenset[str]
    personal: bool
    unit_paths: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.personal:
            return f"personal:{self.pegawai.pk}"
        return f"client:{self.client.pk}"

    @property
    def label(self) -> str:
        if self.personal:
            via = f" via {self.client.client_id}" if self.client else ""
            return f"personal token {self.token.pk} of {self.pegawai.username}{via}"
        return f"client {self.client.client_id}"

    def audit_details(self) -> dict:
        return {
            "api_client": self.client.client_id if self.client else None,
            "api_token": self.token.pk,
            "api_token_kind": self.token.jenis,
        }


def caller_from_token(token: ApiToken) -> Caller:
    personal = token.jenis == ApiToken.Jenis.PERSONAL
    caller = Caller(
        token=token,
        client=token.client,
        pegawai=token.pegawai if personal else (token.client.akun if token.client else None),
        scopes=frozenset(token.scopes),
        personal=personal,
    )
    if not personal:
        caller.unit_paths = sorted(token.client.unit.values_list("path", flat=True))
    return caller


def _limit(caller: Caller) -> int:
    if caller.client is not None:
        return caller.client.batas_per_menit
    return settings.NASKAH_API_PERSONAL_RATE_PER_MINUTE


def rate_limit_hit(key: str, limit: int, *, window: int = 60) -> int | None:
    """Count one call for `key` in the current window; the seconds to wait if over."""
    now = time.time()
    slot = int(now // window)
    name = f"api-rate:{key}:{slot}"
    cache.add(name, 0, window + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window + 5)
        count = 1
    if count > limit:
        return max(1, int((slot + 1) * window - now) + 1)
    return None


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets `request.auth` to the Caller."""

    def authenticate(self, request, token):
        translation.activate(negotiated_language(request))
        found = token_lookup(token)
        if found is None:
            return None
        caller = caller_from_token(found)
        request.api_caller = caller
        wait = rate_limit_hit(caller.key, _limit(caller))
        if wait is not None:
            raise ApiProblem(429, code="rate_limited", headers={"Retry-After": wait})
        now = timezone.now()
        if found.terakhir_dipakai is None or (now - found.terakhir_dipakai).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(terakhir_dipakai=now)
        return caller


def require_scope(request, scope: Scope | str) -> Caller:
    caller: Caller = request.auth
    if str(scope) not in caller.scopes:
        raise ApiProblem(403, code="insufficient_scope")
    return caller


def require_actor(request, scope: Scope | str) -> tuple[Caller, Pegawai]:
    """A caller that writes: the person of a personal token, or the client's service
    account; a client without one only reads."""
    caller = require_scope(request, scope)
    if caller.pegawai is None or not caller.pegawai.is_active:
        raise ApiProblem(403, code="no_service_account")
    return caller, caller.pegawai
