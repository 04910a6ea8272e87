"""Passwords may not contain the organisation's own words (core/password_validation.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import PegawaiFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "lampung2026",
        "Lampung@2025",
        "pemprovlampung1",
        "L4mpung-Jaya-2026!",
        "Pr0v1nsi-Hebat-99",
        "naskahdinas2026",
        "Diskominfotik#2026",
        "BandarLampung2026!",
    ],
)
def test_the_organisations_own_words_are_refused(password):
    with pytest.raises(ValidationError) as info:
        validate_password(password, user=PegawaiFactory(username="budi.santoso"))
    assert "password_organisation_word" in {e.code for e in info.value.error_list}


def test_unit_codes_from_the_data_are_refused(demo):
    # SETDA is the code of the Sekretariat Daerah in the demo organisation (data, not a setting)
    with pytest.raises(ValidationError):
        validate_password("Setda-Kuat-2026!", user=demo["agendaris"])
    # codes of sections below the offices are ordinary words and stay allowed
    validate_password("Hukum-Kopi-Pagi-27!", user=demo["agendaris"])


def test_the_username_is_refused():
    with pytest.raises(ValidationError):
        validate_password("Xq-agendaris-77!", user=PegawaiFactory(username="agendaris"))


def test_the_forbidden_words_are_a_setting(settings):
    validate_password("Siger-Emas-Terang-41", user=PegawaiFactory())
    settings.NASKAH_PASSWORD_FORBIDDEN_WORDS = ["siger"]
    with pytest.raises(ValidationError):
        validate_password("Siger-Emas-Terang-41", user=PegawaiFactory())


def test_ordinary_passwords_pass_and_django_rules_still_apply():
    validate_password("Kopi-Hitam-Pagi-27!", user=PegawaiFactory(username="budi"))
    with pytest.raises(ValidationError):
        validate_password("12345678", user=PegawaiFactory())  # Django's numeric/common rules
