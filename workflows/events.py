"""Audit action names written by workflows, the approval engine (the `action` of
core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# A route as a whole (workflows.services).
WORKFLOWS_ROUTE_START = "workflows.route.start"
WORKFLOWS_ROUTE_RESUBMIT = "workflows.route.resubmit"
WORKFLOWS_ROUTE_REVISION_CHANGED = "workflows.route.revision_changed"
WORKFLOWS_ROUTE_REJECT = "workflows.route.reject"
WORKFLOWS_ROUTE_WITHDRAW = "workflows.route.withdraw"
WORKFLOWS_ROUTE_COMMENT = "workflows.route.comment"

# One step of a route, by its holder, an administrator or the deadline check.
WORKFLOWS_STEP_APPROVE = "workflows.step.approve"
WORKFLOWS_STEP_CORRECT = "workflows.step.correct"
WORKFLOWS_STEP_RETURN = "workflows.step.return"
WORKFLOWS_STEP_REASSIGN = "workflows.step.reassign"
WORKFLOWS_STEP_REMIND = "workflows.step.remind"
WORKFLOWS_STEP_ESCALATE = "workflows.step.escalate"

# Notices: an administrator retries failed notice e-mails.
WORKFLOWS_NOTIFIKASI_EMAIL_RETRY = "workflows.notifikasi.email_retry"
