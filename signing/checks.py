"""System checks for the signing configuration."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from signing.backends import backend_class


@register(Tags.security)
def check_signing_configuration(app_configs, **kwargs):
    problems: list[CheckMessage] = []
    backend = settings.NASKAH_SIGNING_BACKEND
    try:
        backend_class(backend)  # the one list of backend names
    except ImproperlyConfigured as error:
        problems.append(
            Error(f"NASKAH_SIGNING_BACKEND is {backend!r}.", hint=str(error), id="signing.E001")
        )
    if backend == "bsre":
        url = settings.NASKAH_BSRE_URL
        if not url:
            problems.append(
                Error(
                    "NASKAH_SIGNING_BACKEND is 'bsre' but NASKAH_BSRE_URL is empty.",
                    hint="Set the esign-client URL and its Basic-auth credentials.",
                    id="signing.E002",
                )
            )
        elif urlsplit(url).scheme == "http" and urlsplit(url).hostname not in {
            "127.0.0.1",
            "localhost",
            "::1",
        }:
            problems.append(
                Warning(
                    "NASKAH_BSRE_URL uses plain http: signers' passphrases and the letters "
                    "cross the network unencrypted.",
                    hint="Use https, or keep the esign-client on a closed network segment.",
                    id="signing.W001",
                )
            )
        if settings.NASKAH_BSRE_API_VERSION not in {"v1", "v2"}:
            problems.append(
                Error("NASKAH_BSRE_API_VERSION must be 'v1' or 'v2'.", id="signing.E003")
            )
    for item in settings.NASKAH_TRUST_ROOTS or []:
        if not Path(item).is_file():
            problems.append(
                Warning(
                    f"NASKAH_TRUST_ROOTS lists {item}, which is not a readable file.",
                    hint="Signatures chaining to that root will show as untrusted.",
                    id="signing.W002",
                )
            )
    problems.extend(_pades_level_problems())
    problems.extend(_ca_key_problems())
    return problems


def _ca_key_problems() -> list:
    """signing/ca_keys.py: the CA key backend and its PKCS#11 settings."""
    backend = str(settings.NASKAH_CA_KEY_BACKEND or "database").lower()
    if backend not in {"database", "pkcs11"}:
        return [
            Error(
                f"NASKAH_CA_KEY_BACKEND is {backend!r}.",
                hint="Use 'database' or 'pkcs11'.",
                id="signing.E005",
            )
        ]
    if backend != "pkcs11":
        return []
    problems: list[CheckMessage] = []
    module = str(settings.NASKAH_CA_PKCS11_MODULE or "")
    if not module or not Path(module).is_file():
        problems.append(
            Error(
                f"NASKAH_CA_PKCS11_MODULE {module!r} is not a file.",
                hint="Name the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.",
                id="signing.E006",
            )
        )
    if not settings.NASKAH_CA_PKCS11_TOKEN:
        problems.append(
            Error("NASKAH_CA_PKCS11_TOKEN is empty.", hint="The token label.", id="signing.E007")
        )
    if not settings.NASKAH_CA_PKCS11_PIN:
        problems.append(
            Warning(
                "NASKAH_CA_PKCS11_PIN is empty: the token will refuse to sign.",
                hint="Set NASKAH_CA_PKCS11_PIN or NASKAH_CA_PKCS11_PIN_FILE.",
                id="signing.W005",
            )
        )
    return problems


def _pades_level_problems() -> list:
    level = str(settings.NASKAH_PADES_LEVEL or "").upper()
    tsa = bool(settings.NASKAH_TSA_URL)
    if level and level not in {"B-B", "B-T", "B-LT", "B-LTA"}:
        return [
            Error(
                f"NASKAH_PADES_LEVEL is {level!r}.",
                hint="Use B-B, B-T, B-LT or B-LTA.",
                id="signing.E004",
            )
        ]
    if level in {"B-T", "B-LT", "B-LTA"} and not tsa:
        return [
            Warning(
                f"NASKAH_PADES_LEVEL is {level} but NASKAH_TSA_URL is empty: letters are "
                "signed at B-B.",
                hint="Configure an RFC 3161 timestamp authority.",
                id="signing.W003",
            )
        ]
    if tsa and level != "B-LTA":
        return [
            Warning(
                f"A timestamp authority is configured but the PAdES level is "
                f"{level or 'B-T (default)'}.",
                hint="Set NASKAH_PADES_LEVEL=B-LTA: the validation data and a document "
                "timestamp are embedded, so signatures stay verifiable after the "
                "certificates expire.",
                id="signing.W004",
            )
        ]
    return []
