"""Password rule: no words of the organisation itself (docs/security.md, "Sign-in").

"lampung2026", "Lampung@2025" and "pemprovlampung1" are the first guesses against a
provincial government; Django's own validators accept them. A password is refused when,
case folded, with common character swaps undone (4→a, 0→o, 1→i/l, 3→e, 5/$→s, 7→t, @→a)
and everything but letters dropped, it contains one of:

* NASKAH_PASSWORD_FORBIDDEN_WORDS (default: lampung, pemprov, provinsi, naskah, ...);
* the words of the government, region and city names (NASKAH_NAMA_* settings);
* the codes of the government and its offices (e.g. PEMPROV, SETDA, DISKOMINFOTIK);
* the person's username.

Only words of four letters or more count, so short common syllables do not refuse
ordinary passwords.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_WORD = 4
_SWAPS = str.maketrans({"4": "a", "@": "a", "0": "o", "3": "e", "5": "s", "$": "s", "7": "t"})
_NOT_LETTERS = re.compile(r"[^a-z]+")


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold().translate(_SWAPS))


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z]+", text.casefold()) if len(w) >= MIN_WORD}


def organisation_words() -> set[str]:
    words: set[str] = set()
    for word in settings.NASKAH_PASSWORD_FORBIDDEN_WORDS:
        words |= _words(word)
    for name in (
        settings.NASKAH_NAMA_PEMERINTAH,
        settings.NASKAH_NAMA_DAERAH,
        settings.NASKAH_JABATAN_KEPALA_DAERAH,
        settings.NASKAH_KOTA,
    ):
        words |= _words(name)
    words -= {"kota", "kabupaten", "gubernur", "bupati", "walikota"}
    try:
        from core.models import UnitKerja

        # The government and its offices (top two levels: PEMPROV, SETDA, DISKOMINFOTIK),
        # not the sections below, whose codes are ordinary words ("HUKUM", "UMUM").
        top = UnitKerja.objects.filter(induk__induk__isnull=True)
        words |= {
            w
            for w in (_letters(k) for k in top.values_list("kode", flat=True))
            if len(w) >= MIN_WORD
        }
    except Exception:  # noqa: BLE001, S110 - no database yet (e.g. createsuperuser on a new install)
        pass
    return words


class OrganisationWordsValidator:
    def validate(self, password: str, user=None) -> None:
        plain = _letters(password)
        # "1" may stand for "i" or "l": try both readings.
        readings = {
            plain,
            _letters(password.replace("1", "i")),
            _letters(password.replace("1", "l")),
        }
        forbidden = set(organisation_words())
        username = _letters(getattr(user, "username", "") or "") if user is not None else ""
        if len(username) >= MIN_WORD:
            forbidden.add(username)
        hits = sorted(w for w in forbidden if any(w in reading for reading in readings))
        if hits:
            raise ValidationError(
                _(
                    "This password contains a word of the organisation or your username "
                    "(%(word)s), which is among the first guesses. Choose another."
                )
                % {"word": hits[0]},
                code="password_organisation_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password can't contain the organisation's own words (such as the region's "
            "name) or your username."
        )
