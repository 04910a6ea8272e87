"""Notices about signing certificates, told through core.hooks (signing never imports
workflows): the renewal notice of a certificate entering its window (signing/renewal.py)."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_noop


def signing_renewal_notify(label: str, pk: str) -> None:
    """An in-app notice with its e-mail to the certificate's holder, once per certificate
    (idempotency key: the serial). The text names the expiry date and the TTE page only."""
    from workflows.notice_text import notice_text
    from workflows.services import notifikasi_create

    model = apps.get_model(label)
    row = model._default_manager.select_related("pegawai").get(pk=pk)
    expiry = formats.date_format(timezone.localtime(row.not_after), "DATE_FORMAT")
    notifikasi_create(
        recipient=row.pegawai,
        kind="signing.renewal",
        text=notice_text(
            gettext_noop(
                "Your signing certificate expires on %(date)s. Request its renewal on "
                "the TTE page; a registration officer approves it."
            ),
            {"date": expiry},
        ),
        key=f"signing.renewal:{row.serial_hex}",
        link=reverse("signing:settings"),
    )
