from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_every_interface_string_has_an_indonesian_translation():
    po = polib.pofile(str(ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:10]}"


@pytest.mark.django_db
def test_public_verification_page_is_indonesian_by_default(client, settings):
    settings.LANGUAGE_CODE = "id"
    page = client.get(reverse("verifikasi:upload")).content.decode()
    assert 'lang="id"' in page and "Verifikasi" in page
