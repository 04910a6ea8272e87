"""A subject with a line break is refused at the registration form and in the service."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ApplicationError
from naskah.masuk.models import SuratMasuk

from .conftest import make_pdf
from .test_views import form_data


@pytest.mark.parametrize("hal", ["Undangan\nRapat", "Undangan\r\nBcc: x@example.org", "A\u2028B"])
def test_register_form_refuses_a_subject_with_a_line_break(client, org, hal):
    client.force_login(org["agendaris"])
    data = form_data(hal=hal)
    data["berkas"] = [SimpleUploadedFile("surat.pdf", make_pdf(), "application/pdf")]
    response = client.post("/surat-masuk/surat/baru/", data)
    assert response.status_code == 200
    assert "The subject must be a single line" in response.content.decode()
    assert not SuratMasuk.objects.exists()


def test_register_service_refuses_a_subject_with_a_line_break(register):
    with pytest.raises(ApplicationError, match="single line"):
        register(hal="Sosialisasi\nSertifikat")
    assert not SuratMasuk.objects.exists()
    assert register(hal="Sosialisasi Sertifikat").hal == "Sosialisasi Sertifikat"
