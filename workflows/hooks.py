"""How the app that owns a routed object learns what happened to its route.

No Django signals: the owning app registers plain handlers for its model, normally in its
``AppConfig.ready()``::

    from workflows import hooks
    hooks.register("naskah.naskah", naskah_route_outcome)

A handler receives a ``RouteOutcome`` and runs INSIDE the service's transaction, after the
route change and its audit event: if it raises, the whole transition rolls back. Every
service also returns the same ``RouteOutcome``, so a caller may simply read it instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.models import Route, StepState

# Events a handler may receive.
SIGNATURE_REACHED = "signature_reached"  # the route now waits for the signer
COMPLETED = "completed"  # the signer approved: the route is finished
RETURNED = "returned"  # sent back to the drafter for changes
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
# Outcomes returned by services but not dispatched to handlers.
ADVANCED = "advanced"
UNCHANGED = "unchanged"

DISPATCHED = frozenset({SIGNATURE_REACHED, COMPLETED, RETURNED, REJECTED, WITHDRAWN})


@dataclass(frozen=True)
class RouteOutcome:
    route: Route
    event: str
    step_state: StepState | None = None


Handler = Callable[[RouteOutcome], None]
_registry: dict[str, list[Handler]] = {}


def register(model_label: str, handler: Handler) -> None:
    """Register a handler for routes of objects of ``app_label.modelname`` (lower case)."""
    handlers = _registry.setdefault(model_label.lower(), [])
    if handler not in handlers:
        handlers.append(handler)


def unregister(model_label: str, handler: Handler) -> None:
    handlers = _registry.get(model_label.lower(), [])
    if handler in handlers:
        handlers.remove(handler)


def dispatch(outcome: RouteOutcome) -> RouteOutcome:
    if outcome.event in DISPATCHED:
        ct = outcome.route.content_type
        for handler in list(_registry.get(f"{ct.app_label}.{ct.model}", [])):
            handler(outcome)
    return outcome
