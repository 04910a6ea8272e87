"""A subject (hal) with a line break is refused by the drafting form and the service, and
e-mail subjects built from stored text are one line."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import ApplicationError
from core.validators import single_line
from naskah.models import Naskah
from tests.naskah.test_views import _post_data
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hal", ["Undangan\nRapat", "Undangan\rBcc: x@example.org"])
def test_drafting_form_refuses_a_subject_with_a_line_break(client, demo, hal):
    client.force_login(demo["prakommuda"])
    response = client.post(reverse("naskah:new", args=["surat_undangan"]), _post_data(hal=hal))
    assert response.status_code == 400
    assert "The subject must be a single line" in response.content.decode()
    assert not Naskah.objects.exists()


def test_drafting_service_refuses_a_subject_with_a_line_break(demo):
    with pytest.raises(ApplicationError, match="single line"):
        ready_letter(demo, hal="Permohonan\nData")
    assert not Naskah.objects.exists()


def test_email_subject_of_an_old_letter_with_a_line_break_is_one_line(demo):
    from naskah.models import Distribusi
    from naskah.services.distribusi import _mail
    from naskah.services.signing import naskah_sign

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    Naskah.objects.filter(pk=naskah.pk).update(hal="Permohonan\r\nBcc: x@example.org")
    naskah.refresh_from_db()
    message = _mail(naskah, Distribusi(email="a@example.org"), b"%PDF-1.7")
    assert "\n" not in message.subject and "\r" not in message.subject
    message.message()  # would raise BadHeaderError with a line break


def test_single_line():
    assert single_line(" a\r\n b\u2028c\t d ") == "a b c d"
