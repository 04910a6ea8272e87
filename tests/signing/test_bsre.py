"""The BSrE client and backend against a local fake esign-client (tests/signing/fake_bsre.py)."""

from __future__ import annotations

import socket

import pytest

from core.errors import ApplicationError
from core.models import AuditEvent
from signing.backends.bsre import BsreBackend, BsreClient, BsreError
from signing.services import pdf_sign, signer_unlock
from tests.factories import PegawaiFactory
from tests.signing.conftest import make_pdf
from tests.signing.fake_bsre import PASSWORD, USERNAME, FakeBsreServer

NIK = "1871010101800001"
BSRE_PASS = "bsre-Passphrase-77"


@pytest.fixture
def fake():
    with FakeBsreServer() as server:
        server.add_user(NIK, BSRE_PASS, "Siti Aminah")
        yield server


@pytest.fixture
def bsre_signer(db):
    return PegawaiFactory(nama="Siti Aminah", nik=NIK, email="siti@example.go.id")


def _backend(fake, *, api_version="v2", read_timeout=5.0, retries=2, password=PASSWORD):
    client = BsreClient(
        fake.url,
        username=USERNAME,
        password=password,
        api_version=api_version,
        connect_timeout=2,
        read_timeout=read_timeout,
        retries=retries,
        retry_backoff=0.01,
    )
    return BsreBackend(client)


@pytest.mark.parametrize("api_version", ["v2", "v1"])
def test_sign_success_returns_a_pdf_with_one_more_signature(fake, bsre_signer, api_version):
    pdf = make_pdf()
    result = pdf_sign(
        pdf=pdf,
        signer=bsre_signer,
        credential=BSRE_PASS,
        field_name="TTE",
        reason="Persetujuan",
        location="Bandar Lampung",
        backend=_backend(fake, api_version=api_version),
    )
    assert fake.state.signatures == 1
    assert result.backend == "bsre"
    assert result.certificate.common_name == "Siti Aminah"
    assert result.pdf.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="signing.pdf_sign")
    assert event.details["sha256"] == result.sha256
    assert event.details["backend"] == "bsre"


def test_v1_returning_the_pdf_directly_is_accepted(fake, bsre_signer):
    fake.state.v1_returns_id = False
    result = _backend(fake, api_version="v1").sign(
        make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE"
    )
    assert fake.state.signatures == 1
    assert result.certificate.common_name == "Siti Aminah"


@pytest.mark.parametrize("api_version", ["v2", "v1"])
def test_wrong_passphrase_gives_a_clear_error_and_no_signature(fake, bsre_signer, api_version):
    with pytest.raises(ApplicationError) as info:
        pdf_sign(
            pdf=make_pdf(),
            signer=bsre_signer,
            credential="not-the-passphrase",
            backend=_backend(fake, api_version=api_version),
        )
    assert info.value.code == "wrong_passphrase"
    assert info.value.message == "The signing passphrase is wrong."
    assert fake.state.signatures == 0
    assert not AuditEvent.objects.filter(action="signing.pdf_sign").exists()


def test_user_not_registered(fake, db):
    stranger = PegawaiFactory(nik="1871019999990000")
    backend = _backend(fake)
    status = backend.status(stranger)
    assert (status.ready, status.code) == (False, "not_registered")
    with pytest.raises(ApplicationError) as info:
        backend.sign(make_pdf(), signer=stranger, credential="x" * 10, field_name="TTE")
    assert info.value.code == "not_registered"
    with pytest.raises(ApplicationError) as info:
        backend.unlock(stranger, "x" * 10)
    assert info.value.code == "not_registered"


@pytest.mark.parametrize("api_version", ["v2", "v1"])
def test_status_of_a_registered_user(fake, bsre_signer, api_version):
    status = _backend(fake, api_version=api_version).status(bsre_signer)
    assert status.ready and status.code == "ready"


def test_signer_without_nik_is_told_so(fake, db):
    nobody = PegawaiFactory(nik="")
    with pytest.raises(ApplicationError) as info:
        _backend(fake).sign(make_pdf(), signer=nobody, credential="x" * 10, field_name="TTE")
    assert info.value.code == "identity_missing"


def test_wrong_client_credentials(fake, bsre_signer):
    with pytest.raises(ApplicationError) as info:
        _backend(fake, password="wrong").sign(
            make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE"
        )
    assert info.value.code == "bsre_auth"


def test_read_timeout_is_reported_as_unknown_and_not_retried(fake, bsre_signer):
    fake.state.sleep_before_answer = 1.5
    backend = _backend(fake, read_timeout=0.5, retries=3)
    with pytest.raises(ApplicationError) as info:
        backend.sign(make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE")
    assert info.value.code == "bsre_outcome_unknown"
    assert "check the document" in info.value.message
    assert fake.state.sign_requests == 1  # the request was sent once, never repeated
    assert fake.state.signatures == 1  # BSrE did sign: the reason we never retry blindly


def test_connection_dropped_after_signing_is_not_retried(fake, bsre_signer):
    fake.state.drop_after_sign = True
    backend = _backend(fake, retries=3)
    with pytest.raises(ApplicationError) as info:
        backend.sign(make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE")
    assert info.value.code == "bsre_outcome_unknown"
    assert fake.state.sign_requests == 1
    assert fake.state.signatures == 1


def test_connect_failure_is_retried_and_signs_exactly_once(fake, bsre_signer, monkeypatch):
    real = socket.create_connection
    failures = {"left": 2}

    def flaky(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("refused (test)")
        return real(*args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", flaky)
    result = _backend(fake, retries=2).sign(
        make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE"
    )
    assert failures["left"] == 0
    assert fake.state.sign_requests == 1
    assert fake.state.signatures == 1
    assert result.sha256


def test_service_down_after_all_retries(db, bsre_signer):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = BsreClient(
        f"http://127.0.0.1:{port}", username="u", password="p", retries=1, retry_backoff=0.01
    )
    with pytest.raises(ApplicationError) as info:
        BsreBackend(client).sign(
            make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE"
        )
    assert info.value.code == "bsre_unavailable"
    assert "nothing was signed" in info.value.message


def test_batch_unlock_signs_many_with_one_passphrase_entry(fake, bsre_signer):
    backend = _backend(fake)
    with signer_unlock(signer=bsre_signer, passphrase=BSRE_PASS, backend=backend) as key:
        for n in range(3):
            pdf_sign(
                pdf=make_pdf(f"surat {n}"), signer=bsre_signer, credential=key, backend=backend
            )
    assert fake.state.signatures == 3
    assert key.closed
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=make_pdf(), signer=bsre_signer, credential=key, backend=backend)
    assert info.value.code == "key_locked"


def test_verify_pdf_returns_bsre_report(fake, bsre_signer):
    backend = _backend(fake)
    report = backend.client.verify_pdf(make_pdf())
    assert report["conclusion"] == "VALID"


def test_passphrase_never_logged_or_audited(fake, bsre_signer, caplog):
    caplog.set_level("DEBUG")
    backend = _backend(fake)
    pdf_sign(pdf=make_pdf(), signer=bsre_signer, credential=BSRE_PASS, backend=backend)
    with pytest.raises(ApplicationError):
        pdf_sign(pdf=make_pdf(), signer=bsre_signer, credential=BSRE_PASS + "x", backend=backend)
    assert BSRE_PASS not in caplog.text
    for event in AuditEvent.objects.all():
        assert BSRE_PASS not in str(event.details)


def test_client_errors_never_echo_the_credential():
    err = BsreError("x", code="c")
    assert BSRE_PASS not in repr(err)
    client = BsreClient("http://127.0.0.1:1", username="u", password=PASSWORD)
    assert PASSWORD not in repr(client)


def test_bsre_signature_is_trusted_only_with_the_configured_root(
    fake, bsre_signer, settings, tmp_path
):
    from signing import crypto
    from signing.validation import pdf_validate

    signed = (
        _backend(fake)
        .sign(make_pdf(), signer=bsre_signer, credential=BSRE_PASS, field_name="TTE")
        .pdf
    )
    settings.NASKAH_TRUST_ROOTS = []
    [sig] = pdf_validate(signed).signatures
    assert sig.intact and not sig.trusted
    root = tmp_path / "bsre-root.pem"
    root.write_text(crypto.certificate_pem(fake.ca.cert))
    settings.NASKAH_TRUST_ROOTS = [str(root), str(tmp_path / "missing.pem")]
    report = pdf_validate(signed)
    assert report.ok and report.signatures[0].signer_name == "Siti Aminah"
