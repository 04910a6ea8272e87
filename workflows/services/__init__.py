"""Every state change of the approval engine.

Each public service is keyword-only, atomic, locks the route row (``select_for_update``)
before reading its state, checks the revision and step status the caller saw, writes its
`RouteEvent`, its audit event (``core.services.audit.audit_record``) and then dispatches the
outcome to the handlers registered in ``workflows.hooks``. Whoever loses a race gets a
``ConflictError`` and nothing changes.

Re-approval rule (docs/workflows.md): an approval stays valid while its ``covers_revision``
equals the route's current revision. A correction made by a reviewer (step_approve_with_
correction, or route_revision_changed by the person acting on the current step) carries the
approvals of EARLIER stages to the new revision: the reviewer above took responsibility for
the change. Any other edit (by the drafter, or anyone not acting on the current step) voids
every approval. After a change the route resumes at the first stage whose approvals no
longer reach its quorum on the current revision.

One module per area: ``notifikasi`` (notices, their e-mail, shared helpers), ``route`` (the
engine: locks, versions, activation; route_start), ``steps`` (acting on a step or a route),
``deadlines`` (reminders and escalation). The public names are re-exported here; patch a
name in the module that looks it up (``workflows.services.notifikasi.send_mail``).
"""

from workflows.services.deadlines import deadlines_process  # noqa: F401
from workflows.services.notifikasi import (  # noqa: F401
    ACTIVE,
    APPROVED,
    PENUGASAN_NOTICE_HANDLERS,
    logger,
    notifikasi_create,
    notifikasi_email_retry,
    notifikasi_mark_read,
    notifikasi_open,
    notifikasi_send_email,
    penugasan_notify,
)
from workflows.services.route import route_start  # noqa: F401
from workflows.services.steps import (  # noqa: F401
    route_comment,
    route_reject,
    route_resubmit,
    route_revision_changed,
    route_withdraw,
    step_approve,
    step_approve_with_correction,
    step_reassign,
    step_return,
)
