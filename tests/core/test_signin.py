"""Sign-in that resists guessing (django-axes) and the second factor (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests.browser_login import demo_totp_code
from tests.factories import PegawaiFactory

pytestmark = pytest.mark.django_db

RIGHT = "demo-pass-123"
LOCKED_TEXT = "Too many failed sign-in attempts"


def _post_login(client, username, password, ip="198.51.100.7", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


# --- Lockout --------------------------------------------------------------------------------


def test_50_wrong_passwords_lock_the_account(client, demo, settings):
    """The issue's case: 50 wrong passwords, each from another address; then the right one
    (from yet another address) is refused with the lockout message."""
    answers = [
        _post_login(client, "sekda", f"tebakan-{n}", ip=f"10.1.{n // 250}.{n % 250 + 1}")
        for n in range(50)
    ]
    limit = settings.AXES_FAILURE_LIMIT
    assert all(r.status_code == 200 for r in answers[: limit - 1])
    assert all(r.status_code == 429 for r in answers[limit:])
    response = _post_login(client, "sekda", RIGHT, ip="192.0.2.200")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    from axes.models import AccessAttempt

    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "tebakan-" not in stored and RIGHT not in stored  # passwords are never kept
    # another account is not affected
    assert _post_login(client, "kabidaptika", RIGHT, ip="192.0.2.201").status_code == 302


def test_wrong_passwords_from_one_address_lock_that_address_across_accounts(client, demo, settings):
    users = ["agendaris", "arsiparis", "penelaah", "prakommuda", "stafaptika"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, users[n % len(users)], "salah-lagi", ip="203.0.113.9")
    # the right password of a fresh account, from that address: refused
    response = _post_login(client, "statistisi", RIGHT, ip="203.0.113.9")
    assert response.status_code == 429 and LOCKED_TEXT in response.content.decode()
    # from another address the same account signs in
    assert _post_login(client, "statistisi", RIGHT, ip="203.0.113.10").status_code == 302


def test_lockout_follows_the_trusted_proxy_client_address(client, demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _n in range(settings.AXES_FAILURE_LIMIT):
        _post_login(
            client, "agendaris", "salah", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
        )
    # another client behind the same proxy is not locked out (by address)
    ok = _post_login(
        client, "statistisi", RIGHT, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert ok.status_code == 302
    client.logout()
    locked = _post_login(
        client, "statistisi", RIGHT, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert locked.status_code == 429


def test_lockout_expires(client, demo, settings):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _post_login(client, "agendaris", "salah", ip=f"10.2.0.{n + 1}")
        assert _post_login(client, "agendaris", RIGHT, ip="10.2.1.1").status_code == 429
    later = start + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert _post_login(client, "agendaris", RIGHT, ip="10.2.1.1").status_code == 302


def test_an_administrator_lifts_the_lockout(client, demo, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "agendaris", "salah", ip=f"10.3.0.{n + 1}")
    assert _post_login(client, "agendaris", RIGHT, ip="10.3.1.1").status_code == 429
    call_command("axes_reset_username", "agendaris")
    assert _post_login(client, "agendaris", RIGHT, ip="10.3.1.1").status_code == 302


def test_the_lockout_page_is_indonesian_by_default(client, demo, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "id"
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "agendaris", "salah", ip=f"10.4.0.{n + 1}")
    with translation.override("id"):
        response = _post_login(client, "agendaris", RIGHT, ip="10.4.1.1")
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


# --- Second factor --------------------------------------------------------------------------

second_factor = pytest.mark.second_factor


def _after_throttle(seconds: int = 5):
    """django-otp makes a device wait 2^(n-1) s after its n-th wrong code (throttling)."""
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


@second_factor
def test_a_signer_passes_the_totp_step_after_the_password(client, demo):
    response = _post_login(client, "kabidaptika", RIGHT)
    assert response.status_code == 302
    page = client.get("/organisasi/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("second_factor_verify"))
    assert "next=%2Forganisasi%2F" in page["Location"]
    wrong = client.post(
        reverse("second_factor_verify"), {"token": "000000", "next": "/organisasi/"}
    )
    assert wrong.status_code == 400
    with _after_throttle():
        right = client.post(
            reverse("second_factor_verify"), {"token": demo_totp_code(), "next": "/organisasi/"}
        )
    assert right.status_code == 302 and right["Location"] == "/organisasi/"
    assert client.get("/organisasi/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()
    event = AuditEvent.objects.get(action="auth.second_factor")
    assert event.details == {"device": "totp"}
    assert demo_totp_code() not in str(event.details)


@second_factor
def test_a_totp_code_is_accepted_once(client, demo):
    code = demo_totp_code()
    _post_login(client, "kabidaptika", RIGHT)
    assert client.post(reverse("second_factor_verify"), {"token": code}).status_code == 302
    client.logout()
    _post_login(client, "kabidaptika", RIGHT)
    assert client.post(reverse("second_factor_verify"), {"token": code}).status_code == 400


@second_factor
def test_a_recovery_code_works_once(client, demo):
    _post_login(client, "sekda", RIGHT)
    assert client.post(reverse("second_factor_verify"), {"token": "demopulih01"}).status_code == 302
    assert client.get("/organisasi/").status_code == 200
    client.logout()
    _post_login(client, "sekda", RIGHT)
    assert client.post(reverse("second_factor_verify"), {"token": "demopulih01"}).status_code == 400
    assert client.get("/organisasi/").status_code == 302
    with _after_throttle():
        again = client.post(reverse("second_factor_verify"), {"token": "demopulih02"})
    assert again.status_code == 302
    assert client.get("/organisasi/").status_code == 200


@second_factor
def test_required_roles_without_a_device_are_sent_to_enrolment(client, db, settings):
    from django.contrib.auth.models import Group

    staff = PegawaiFactory(is_staff=True)
    officer = PegawaiFactory()
    group, _ = Group.objects.get_or_create(name=settings.NASKAH_SECOND_FACTOR_GROUPS[0])
    officer.groups.add(group)
    for person in (staff, officer):
        # force_login stands for any backend (password, OIDC): the rule is on the session
        client.force_login(person)
        for path in ("/", "/organisasi/", "/naskah/", "/admin/"):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("second_factor")), path
        assert client.get(reverse("second_factor")).status_code == 200
        client.logout()


@second_factor
def test_a_signer_with_a_certificate_must_have_a_second_factor(client, db):
    from signing.services import signer_enroll
    from tests.factories import registration_officer

    signer = PegawaiFactory()
    client.force_login(signer)
    assert client.get("/organisasi/").status_code == 200  # not a signer yet: optional
    signer_enroll(signer=signer, passphrase="kunci-tte-rahasia-1", officer=registration_officer())
    response = client.get("/organisasi/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))


@second_factor
def test_others_may_go_on_without_a_second_factor_and_enrol_if_they_like(client, db):
    person = PegawaiFactory()
    client.force_login(person)
    assert client.get("/organisasi/").status_code == 200
    page = client.get(reverse("second_factor")).content.decode()
    assert "optional for you" in page


@second_factor
def test_totp_enrolment_then_recovery_codes_shown_once(client, db):
    staff = PegawaiFactory(is_staff=True)
    client.force_login(staff)
    begin = client.post(reverse("second_factor"), {"action": "totp_begin"})
    assert begin.status_code == 200 and "data:image/svg+xml;base64," in begin.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert begin.context["pending_secret"] in begin.content.decode()
    refused = client.post(
        reverse("second_factor"),
        {"action": "totp_confirm", "device": device.pk, "token": "123456"},
    )
    assert "not right" in refused.content.decode()
    assert client.get("/organisasi/").status_code == 302
    with _after_throttle():
        totp = TOTP(device.bin_key)
        confirmed = client.post(
            reverse("second_factor"),
            {"action": "totp_confirm", "device": device.pk, "token": f"{totp.token():06d}"},
        )
    codes = confirmed.context["recovery_codes"]
    assert len(codes) == 10 and all(code in confirmed.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert client.get("/organisasi/").status_code == 200
    assert client.get("/admin/").status_code == 200
    # shown once: the page no longer lists them
    assert codes[0] not in client.get(reverse("second_factor")).content.decode()
    actions = set(AuditEvent.objects.filter(actor=staff).values_list("action", flat=True))
    assert {"auth.second_factor_added", "auth.recovery_codes_generated"} <= actions


@second_factor
def test_an_unverified_session_cannot_add_devices(client, demo):
    _post_login(client, "sekda", RIGHT)  # has the demo device, has not entered a code
    client.post(reverse("second_factor"), {"action": "totp_begin"})
    client.post(reverse("second_factor"), {"action": "recovery"})
    assert not TOTPDevice.objects.filter(user=demo["sekda"], confirmed=False).exists()
    assert StaticToken.objects.filter(device__user=demo["sekda"]).count() == 3
    # nor register a passkey (django-otp-webauthn's own check)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403


def test_the_gate_is_off_only_in_tests_that_do_not_ask_for_it(client, db):
    """Without the `second_factor` mark tests/conftest.py counts force_login sessions as
    verified (the rest of the suite tests other things); production has no such switch."""
    from core import second_factor

    staff = PegawaiFactory(is_staff=True)
    client.force_login(staff)
    assert client.get("/organisasi/").status_code == 200
    assert second_factor.second_factor_required(staff)


@second_factor
def test_someone_optional_who_enrolled_is_asked_for_it(client, db):
    person = PegawaiFactory()
    TOTPDevice.objects.create(user=person, name="TOTP", confirmed=True)
    client.force_login(person)
    response = client.get("/organisasi/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))


def test_the_demo_gives_required_accounts_the_demo_device(demo):
    from io import StringIO

    from core.second_factor import has_second_factor, second_factor_required

    # the administrator and the registration officer must; heads of units sign (the demo
    # letters give them certificates), so they carry the demo device too
    assert second_factor_required(demo["admin"]) and second_factor_required(demo["kabidsandi"])
    for username in ("admin", "kabidsandi", "kadiskominfo", "sekda"):
        assert has_second_factor(demo[username])
    assert not has_second_factor(demo["agendaris"])  # optional, and not enrolled
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert out.getvalue().strip() in {demo_totp_code(), demo_totp_code(time.time() + 1)}
