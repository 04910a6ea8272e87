"""Plain in-process hooks between apps that must not import each other (no Django signals).

``READERS_CHANGED``: who may read an object changed (a letter was delivered or shared,
an incoming letter was disposed further). The app that owns the object calls
``notify(READERS_CHANGED, obj)`` inside the transaction of the change; an app that keeps
its own copy of who may read the object (the archive's named readers) registers a handler
in its ``AppConfig.ready()``::

    from core import hooks
    hooks.register(hooks.READERS_CHANGED, handler)  # handler(label: str, pk: str)

A handler runs INSIDE the caller's transaction (what it writes commits or rolls back with
the change) and must stay cheap: record that something changed and do the work later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

READERS_CHANGED = "readers_changed"

# ``RECORD_CHANGED``: an object's own data changed after it was registered (an incoming
# letter's metadata corrected). Same contract as READERS_CHANGED: called with
# ``notify(RECORD_CHANGED, obj)`` inside the change's transaction; the archive queues a
# refresh of its record (metadata, readers, search index).
RECORD_CHANGED = "record_changed"

# An assignment (core.Penugasan) was requested, took effect, was rejected, changed or
# ended (core.services.organisasi). The app that keeps notices registers a handler that
# tells the head of the position's unit; handlers run inside the service's transaction.
PENUGASAN_REQUESTED = "penugasan_requested"
PENUGASAN_EFFECTIVE = "penugasan_effective"
PENUGASAN_REJECTED = "penugasan_rejected"
PENUGASAN_CHANGED = "penugasan_changed"
PENUGASAN_ENDED = "penugasan_ended"
PENUGASAN_EVENTS = (
    PENUGASAN_REQUESTED,
    PENUGASAN_EFFECTIVE,
    PENUGASAN_REJECTED,
    PENUGASAN_CHANGED,
    PENUGASAN_ENDED,
)

# A signed letter was dispatched (naskah.services.distribusi.naskah_dispatch, inside its
# transaction, every time it runs): the letter exchange (pertukaran) queues its deliveries
# to peer instances, idempotently.
LETTER_DISPATCHED = "letter_dispatched"

# Each event has its own arguments (see its comment above); a handler takes those.
Handler = Callable[..., Any]
_registry: dict[str, list[Handler]] = {}


def register(event: str, handler: Handler) -> None:
    handlers = _registry.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def unregister(event: str, handler: Handler) -> None:
    handlers = _registry.get(event, [])
    if handler in handlers:
        handlers.remove(handler)


def notify(event: str, obj: models.Model) -> None:
    """Call every handler of `event` with the object's label ("app_label.model") and pk."""
    for handler in list(_registry.get(event, [])):
        handler(obj._meta.label_lower, str(obj.pk))


# ``SIGNING_RENEWAL_DUE``: a signer certificate (signing.SignerCertificate) enters its
# renewal window (signing/renewal.py). The app that keeps notices registers a handler that
# tells the holder (in-app notice and e-mail, once per certificate); it runs inside the
# renewal attempt's transaction, so a failing handler fails the attempt, which is retried.
SIGNING_RENEWAL_DUE = "signing_renewal_due"


def has_handlers(event: str) -> bool:
    return bool(_registry.get(event))


# ``AUDIT_RECORDED``: an audit event was written (core.services.audit.audit_record), inside
# the service's transaction. Every state change a service makes is audited, so this is the
# one place to learn of them: the API's webhooks (api.services.webhooks) register a handler
# ``handler(event: AuditEvent)`` that queues deliveries in the same transaction. Handlers
# must be cheap and must not fail the action for reasons of their own.
AUDIT_RECORDED = "audit_recorded"


def emit(event: str, *args) -> None:
    """Call every handler of `event` with `args` (for hooks that pass more than a pk)."""
    for handler in list(_registry.get(event, [])):
        handler(*args)


# ``SECOND_FACTOR_REQUIRED``: must this person pass a second factor at sign-in? Core knows
# administrators and the configured groups; an app that knows more (signing: who holds a
# signing certificate) registers a predicate ``handler(user) -> bool`` in its ready().
SECOND_FACTOR_REQUIRED = "second_factor_required"


def any_true(event: str, *args) -> bool:
    """True if any predicate registered for `event` answers True for `args`."""
    return any(handler(*args) for handler in list(_registry.get(event, [])))


# ``AUDIT_VERIFY``: further checks `manage.py verify_audit` runs beside the chain (naskah:
# the signed paraf statements). A handler ``handler() -> AuditCheck`` reads only.
AUDIT_VERIFY = "audit_verify"


def collect(event: str, *args) -> list:
    """The answers of every handler registered for `event`, in registration order."""
    return [handler(*args) for handler in list(_registry.get(event, []))]


# ``HOME_SECTIONS``: what needs this person today (the home page). Core knows no letters;
# each app that holds work registers a provider ``handler(user) -> list[WorkSection]``
# (core.worklist) in its ready(). A provider runs a fixed number of queries whatever the
# amount of work (a count and the first few rows per section), so the page stays flat.
HOME_SECTIONS = "home_sections"


def collect_flat(event: str, *args) -> list:
    """Every item returned by the handlers of `event`, flattened, in registration order."""
    found: list = []
    for handler in list(_registry.get(event, [])):
        found.extend(handler(*args) or [])
    return found
