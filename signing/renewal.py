"""Renewal of signer certificates before they expire (docs/signing.md "Renewal").

`NASKAH_SIGNING_RENEWAL_NOTICE_DAYS` (30) days before an active certificate of the local CA
expires, the scheduled sweep (`renewal_sweep_task`, daily; `signing_setup_schedules`)
tells its holder once: an in-app notice and its e-mail, through the core.hooks event
SIGNING_RENEWAL_DUE, which the notice app answers with workflows.services
`notifikasi_create` (idempotency key: the certificate's serial, so the notice is never
created twice; the text carries no secret, only the expiry date and the link to the TTE
page). The notice is an attempt recorded on the certificate row
(core.services.attempts, DESIGN invariant 11): `renewal_state` pending → running → sent,
or failed after the retries, with its error; a worker that died is redone.

Renewal itself is a new certificate request through the registration officer (the same
flow as the first one, signing.services `certificate_request_submit` /
`certificate_request_approve`), allowed from the start of the notice window while the old
certificate is still valid; the old one is superseded when the new one is issued, so the
signer never has a day without a certificate. The officer checks identity again because
a certificate states a name and a position that change (mutation, promotion, leaving);
the request records the NIP and positions of the day next to the previous request's for
the officer to compare. A streamlined path (issue automatically when nothing changed)
would let a stolen session renew a certificate without anyone checking; it is not offered.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services.attempts import (
    Slot,
    attempt_claim,
    attempt_done,
    attempt_failed,
)
from core.services.audit import audit_record
from signing.events import SIGNING_RENEWAL_NOTICE
from signing.models import SignerCertificate

logger = logging.getLogger(__name__)

S = SignerCertificate.RenewalState

RENEWAL_SLOT = Slot(
    model=SignerCertificate,
    kind=SIGNING_RENEWAL_NOTICE,
    task="signing.tasks.renewal_notice_task",
    status="renewal_state",
    attempts="renewal_attempts",
    claim="renewal_token",
    lease="renewal_lease",
    started="renewal_started_at",
    error="renewal_error",
    next_try="renewal_next_try",
    pending=S.PENDING,
    running=S.RUNNING,
    failed=S.FAILED,
)


def renewal_notice_days() -> int:
    return int(settings.NASKAH_SIGNING_RENEWAL_NOTICE_DAYS)


def renewal_window_start(certificate: SignerCertificate) -> dt.datetime:
    return certificate.not_after - dt.timedelta(days=renewal_notice_days())


def renewal_due(certificate: SignerCertificate | None, *, now: dt.datetime | None = None) -> bool:
    """True for an active, unexpired certificate inside its renewal window."""
    if certificate is None or certificate.status != SignerCertificate.Status.ACTIVE:
        return False
    now = now or timezone.now()
    return renewal_window_start(certificate) <= now < certificate.not_after


def renewal_due_certificates(now: dt.datetime | None = None):
    """Active certificates in their notice window whose notice was not started yet."""
    now = now or timezone.now()
    return SignerCertificate.objects.active().filter(
        renewal_state="",
        not_after__gt=now,
        not_after__lte=now + dt.timedelta(days=renewal_notice_days()),
    )


def certificate_renewal_notify(*, certificate_id: int) -> bool:
    """One attempt at the renewal notice of one certificate (module docstring). True when
    this call created the notice."""
    from core import hooks

    attempt = attempt_claim(RENEWAL_SLOT, certificate_id)
    if attempt is None:
        return False
    if attempt.exhausted:
        attempt_failed(
            RENEWAL_SLOT,
            attempt,
            error=_("Sending stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1},
            retry=False,
        )
        return False
    row = SignerCertificate.objects.select_related("pegawai").get(pk=certificate_id)
    if row.status != SignerCertificate.Status.ACTIVE:
        # Revoked or superseded since it was found due: nothing to renew.
        attempt_done(
            RENEWAL_SLOT,
            attempt,
            status=S.FAILED,
            renewal_error=_("The certificate is no longer active; no notice was sent."),
        )
        return False
    if not hooks.has_handlers(hooks.SIGNING_RENEWAL_DUE):
        attempt_done(
            RENEWAL_SLOT,
            attempt,
            status=S.FAILED,
            renewal_error=_("No notification service is installed; no notice was sent."),
        )
        return False
    try:
        with transaction.atomic():
            # The notice app (workflows) makes the in-app notice and queues its e-mail.
            hooks.notify(hooks.SIGNING_RENEWAL_DUE, row)
            audit_record(
                actor=None,
                action=SIGNING_RENEWAL_NOTICE,
                obj=row,
                details={"serial": row.serial_hex, "not_after": row.not_after},
            )
    except Exception as exc:  # noqa: BLE001 - recorded on the certificate, retried
        logger.warning("renewal notice for certificate %s failed: %r", row.pk, exc)
        attempt_failed(RENEWAL_SLOT, attempt, error=_("The renewal notice could not be sent."))
        return False
    return attempt_done(RENEWAL_SLOT, attempt, status=S.SENT, renewal_notified_at=timezone.now())


def certificate_renewal_sweep(*, limit: int = 500) -> int:
    """Scheduled: start the notice of every certificate that entered its window, and run
    it here. Idempotent: a certificate's notice starts once (`renewal_state` leaves "").
    Returns how many notices this call sent."""
    ids = list(renewal_due_certificates().values_list("pk", flat=True)[:limit])
    if ids:
        SignerCertificate.objects.filter(pk__in=ids, renewal_state="").update(
            renewal_state=S.PENDING
        )
    sent = 0
    for pk in ids:
        if certificate_renewal_notify(certificate_id=pk):
            sent += 1
    return sent
