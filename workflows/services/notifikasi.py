"""Notices (notifikasi): in-app records, their e-mail copies, and the notices about assignments
(penugasan); the helpers every workflows service shares."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import hooks as core_hooks
from core.errors import PermissionDeniedError
from core.models import Pegawai, Penugasan
from core.services.audit import audit_record
from core.services.queue import MAIL
from core.validators import single_line
from workflows.events import WORKFLOWS_NOTIFIKASI_EMAIL_RETRY
from workflows.models import (
    Notifikasi,
    Route,
    StepState,
)
from workflows.notice_text import notice_text
from workflows.selectors import penugasan_notice_recipients

logger = logging.getLogger(__name__)

ACTIVE = StepState.Status.ACTIVE
APPROVED = StepState.Status.APPROVED


# --- helpers ---------------------------------------------------------------------------------


def _reminder_share() -> float:
    """Share of a step's time left when the reminder goes out (default: the last quarter)."""
    return float(settings.NASKAH_PENGINGAT_SISA)


def _subject(route: Route) -> str:
    """What a notification may say about the object: never a confidential title."""
    if route.confidential:
        kind = route.object_label or _("A document")
        if route.security_class:
            return _("%(kind)s classified %(class)s") % {
                "kind": kind,
                "class": route.security_class,
            }
        return _("%(kind)s (confidential)") % {"kind": kind}
    if route.object_label:
        return f"{route.object_label}: {route.title}"
    return route.title


def _audit(actor: Pegawai | None, action: str, route: Route, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=route,
        object_repr=_subject(route)[:255],
        details={
            "object_type": f"{route.content_type.app_label}.{route.content_type.model}",
            "object_id": route.object_id,
            "revision": route.revision,
            "route_version": route.version,
            **details,
        },
    )


def notifikasi_create(
    *,
    recipient: Pegawai,
    kind: str,
    text: str,
    route: Route | None = None,
    key: str | None = None,
    link: str = "",
) -> Notifikasi | None:
    """Create an in-app notice (once per key) and send its e-mail after commit. The text
    must carry no confidential content (it is also the e-mail's). Pass it as
    workflows.notice_text.notice_text(msgid, params) so each reader sees it in their
    language; a plain string is shown as it is."""
    if key and Notifikasi.objects.filter(key=key).exists():
        return None
    link = link or (route.link if route is not None and route.link else "")
    if not link and route is not None:
        link = reverse("workflows:route_detail", args=[route.pk])
    notice = Notifikasi.objects.create(
        recipient=recipient,
        kind=kind,
        text=text[:500],
        # A workflows.notice_text.NoticeText: shown in the viewer's language.
        text_msgid=getattr(text, "msgid", "")[:300],
        text_params=getattr(text, "params", None),
        link=link[:500],
        route=route,
        key=key,
        email_state=Notifikasi.EmailState.PENDING if recipient.email else "",
    )
    if recipient.email:
        _enqueue_email(notice.pk)
    return notice


def _penugasan_notice_text(event: str) -> str:
    return {
        core_hooks.PENUGASAN_REQUESTED: gettext_noop(
            "Assignment requested, awaiting a second administrator: %(assignment)s"
        ),
        core_hooks.PENUGASAN_EFFECTIVE: gettext_noop("Assignment in effect: %(assignment)s"),
        core_hooks.PENUGASAN_REJECTED: gettext_noop("Assignment request rejected: %(assignment)s"),
        core_hooks.PENUGASAN_CHANGED: gettext_noop("Assignment changed: %(assignment)s"),
        core_hooks.PENUGASAN_ENDED: gettext_noop("Assignment ended: %(assignment)s"),
    }[event]


def penugasan_notify(event: str, label: str, pk: str) -> None:
    """The notice of an assignment event (core.hooks.PENUGASAN_*) to the unit's head."""
    penugasan = Penugasan.objects.select_related("pegawai", "jabatan__unit", "jabatan__atasan").get(
        pk=pk
    )
    text = notice_text(_penugasan_notice_text(event), {"assignment": str(penugasan)})
    for recipient in penugasan_notice_recipients(penugasan):
        notifikasi_create(recipient=recipient, kind="penugasan", text=text)


PENUGASAN_NOTICE_HANDLERS = {
    event: functools.partial(penugasan_notify, event) for event in core_hooks.PENUGASAN_EVENTS
}


def _enqueue_email(notifikasi_id: int) -> None:
    """The e-mail goes out once the notice's transaction commits (the queue row commits
    with it; core.services.queue)."""
    from core.services.queue import task_enqueue

    task_enqueue("workflows.tasks.notifikasi_email_task", notifikasi_id, queue=MAIL)


def _email_slot():
    from core.services.attempts import Slot

    S = Notifikasi.EmailState
    return Slot(
        model=Notifikasi,
        kind="workflows.email",
        task="workflows.tasks.notifikasi_email_task",
        status="email_state",
        attempts="email_attempts",
        claim="email_token",
        lease="email_lease",
        started="email_started_at",
        error="email_error",
        next_try="email_next_try",
        pending=S.PENDING,
        running=S.SENDING,
        failed=S.FAILED,
        queue=MAIL,
    )


def notifikasi_send_email(*, notifikasi_id: int) -> bool:
    """Send the e-mail of one notice unless already sent: one attempt recorded on the
    notice (core.services.attempts), outside any transaction, bounded by EMAIL_TIMEOUT; a
    failure is stored and retried with backoff, then left "failed" (admin list). Returns
    True when sent by this call."""
    from core.services.attempts import attempt_claim, attempt_done, attempt_failed, max_attempts

    slot = _email_slot()
    # Notices from before attempts were recorded have no state yet.
    Notifikasi.objects.filter(pk=notifikasi_id, email_state="", emailed_at__isnull=True).update(
        email_state=Notifikasi.EmailState.PENDING
    )
    attempt = attempt_claim(slot, notifikasi_id)
    if attempt is None:
        return False
    notice = Notifikasi.objects.select_related("recipient").get(pk=notifikasi_id)
    if attempt.exhausted or not notice.recipient.email:
        attempt_failed(
            slot,
            attempt,
            error=_("Sending stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1}
            if attempt.exhausted
            else _("The e-mail could not be sent."),
            retry=False,
        )
        return False
    base = settings.NASKAH_PUBLIC_BASE_URL
    body = notice.text
    if notice.link:
        body += "\n\n" + base.rstrip("/") + notice.link
    try:
        send_mail(
            subject=single_line(f"[Naskah] {notice.text}")[:150],
            message=body,
            from_email=None,
            recipient_list=[notice.recipient.email],
        )
    except Exception as error:  # noqa: BLE001 - recorded on the notice, retried
        logger.warning("notification e-mail %s failed: %r", notice.pk, error)
        attempt_failed(
            slot,
            attempt,
            error=_("The e-mail could not be sent.")
            + " "
            + _("(attempt %(n)d of %(max)d)") % {"n": attempt.number, "max": max_attempts()},
        )
        return False
    return attempt_done(slot, attempt, status=Notifikasi.EmailState.SENT, emailed_at=timezone.now())


def notifikasi_email_retry(*, notifikasi_ids: Iterable[int], actor: Pegawai) -> int:
    """Queue the failed e-mails of these notices again (administrators, from the admin
    list), each with a fresh count; audited. Returns how many were queued."""
    from core.services.attempts import attempt_reset

    slot = _email_slot()
    queued = []
    with transaction.atomic():
        for pk in notifikasi_ids:
            if attempt_reset(slot, pk):
                queued.append(pk)
                _enqueue_email(pk)
        if queued:
            audit_record(
                actor=actor,
                action=WORKFLOWS_NOTIFIKASI_EMAIL_RETRY,
                obj=None,
                object_repr="notifikasi",
                details={"notifikasi": queued},
            )
    return len(queued)


def notifikasi_open(*, user: Pegawai, notifikasi_id: int) -> Notifikasi:
    """The user opens one of his notices: it is marked read (once) and returned."""
    notice = Notifikasi.objects.filter(recipient=user, pk=notifikasi_id).first()
    if notice is None:
        raise PermissionDeniedError(_("This notification is not yours."))
    if notice.read_at is None:
        Notifikasi.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice


def notifikasi_mark_read(*, user: Pegawai, notifikasi_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread when no ids are given)."""
    qs = Notifikasi.objects.filter(recipient=user, read_at__isnull=True)
    if notifikasi_ids is not None:
        qs = qs.filter(pk__in=list(notifikasi_ids))
    return qs.update(read_at=timezone.now())
