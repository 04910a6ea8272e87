"""`Idempotency-Key` on every POST, and one audit event per write naming the client.

A POST runs inside one transaction with the stored key: the first request with a key
stores its successful response (status, type, body) with a hash of the request; a retry
with the same key and the same request gets the stored response back
(`Idempotent-Replayed: true`) and creates nothing; the same key with a different request
is refused (422, `idempotency_key_reused`). A signing credential in the body is left out
of the request hash, so nothing derived from it is stored. A request that fails stores
nothing (its transaction rolled back), so it may be retried with the same key. Keys are per caller:
two clients never see each other's responses. Stored keys expire after
`NASKAH_API_IDEMPOTENCY_HOURS` (purged by `api_purge`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.errors import ApiProblem
from api.events import API_WRITE
from api.models import IdempotencyRecord
from core.services.audit import audit_record

MAX_KEY = 255
# Request fields that carry a signing credential (api/routers/naskah.py SignIn).
CREDENTIAL_FIELDS = frozenset({"passphrase", "totp"})


def request_hash(request) -> str:
    """A hash of what the request asks, independent of multipart boundaries."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        for name in sorted(request.POST.keys()):
            for value in request.POST.getlist(name):
                digest.update(f"f:{name}={value}\n".encode())
        for name in sorted(request.FILES.keys()):
            for upload in request.FILES.getlist(name):
                file_hash = hashlib.sha256()
                for chunk in upload.chunks():
                    file_hash.update(chunk)
                upload.seek(0)
                digest.update(f"u:{name}={file_hash.hexdigest()}\n".encode())
    else:
        body = request.body
        with contextlib.suppress(ValueError):
            data = json.loads(body)
            if isinstance(data, dict):
                # A signing credential is not kept even as part of a hash (a hash of a
                # short passphrase or a TOTP code can be searched); it does not change
                # what the request asks either.
                data = {k: v for k, v in data.items() if k not in CREDENTIAL_FIELDS}
            body = json.dumps(data, sort_keys=True).encode()
        digest.update(body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def write_audit(request, response) -> None:
    """One audit event per API write, naming the client and token."""
    caller = getattr(request, "auth", None)
    if caller is None:
        return
    obj = caller.client if caller.client is not None and not caller.personal else caller.token
    audit_record(
        actor=caller.pegawai,
        action=API_WRITE,
        obj=obj,
        details={
            **caller.audit_details(),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "idempotency_key": request.headers.get("Idempotency-Key", "")[:MAX_KEY],
        },
    )


def _claim(caller, key: str, wanted: str, *, held_elsewhere: bool = False):
    """The stored record of this key (locked), creating it; or a replay response."""
    try:
        with transaction.atomic():
            record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
                pemanggil=caller.key, kunci=key, defaults={"request_hash": wanted}
            )
    except IntegrityError:  # a concurrent first use of the key committed
        record = IdempotencyRecord.objects.select_for_update().get(pemanggil=caller.key, kunci=key)
        created = False
    if not created:
        if record.request_hash != wanted:
            raise ApiProblem(
                422,
                _("This Idempotency-Key was used with a different request."),
                code="idempotency_key_reused",
            )
        if record.status is not None:
            return record, _replay(record)
        if held_elsewhere:
            raise ApiProblem(
                409, _("A request with this Idempotency-Key is in progress."), code="in_progress"
            )
    return record, None


def _store(record, response) -> None:
    record.status = response.status_code
    record.content_type = response.get("Content-Type", "application/json")
    record.body = response.content
    record.save(update_fields=["status", "content_type", "body"])


def idempotent(view=None, *, atomic: bool = True):  # noqa: C901 - claim, run and store in one wrapper, read top to bottom
    """Decorate a POST view of the API (it must return an HttpResponse). `atomic=False`
    for an action that manages its own transactions (signing): the key is claimed first,
    the action runs, and the response is stored (or the claim dropped on failure)."""
    if view is None:
        return lambda v: idempotent(v, atomic=atomic)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY:
            raise ApiProblem(422, _("The Idempotency-Key is too long."), code="invalid")
        caller = request.auth
        wanted = request_hash(request) if key else ""
        if not atomic:
            record = None
            if key:
                with transaction.atomic():
                    record, replay = _claim(caller, key, wanted, held_elsewhere=True)
                if replay is not None:
                    return replay
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                if record is not None:
                    IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()
                raise
            with transaction.atomic():
                if 200 <= response.status_code < 300:
                    write_audit(request, response)
                    if record is not None:
                        _store(record, response)
                elif record is not None:
                    record.delete()
            return response
        with transaction.atomic():
            record = None
            if key:
                record, replay = _claim(caller, key, wanted)
                if replay is not None:
                    return replay
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                write_audit(request, response)
                if record is not None:
                    _store(record, response)
            else:
                transaction.set_rollback(True)
        return response

    return wrapper


def idempotency_purge(now: dt.datetime | None = None) -> int:
    hours = settings.NASKAH_API_IDEMPOTENCY_HOURS
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    deleted, _counts = IdempotencyRecord.objects.filter(dibuat_pada__lt=cutoff).delete()
    return deleted
