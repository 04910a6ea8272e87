"""System checks for the signing configuration."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_signing_configuration(app_configs, **kwargs):
    problems = []
    backend = getattr(settings, "NASKAH_SIGNING_BACKEND", "local")
    if backend not in {"local", "bsre"}:
        problems.append(
            Error(
                f"NASKAH_SIGNING_BACKEND is {backend!r}.",
                hint="Use 'local' or 'bsre'.",
                id="signing.E001",
            )
        )
    if backend == "bsre":
        url = getattr(settings, "NASKAH_BSRE_URL", "")
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
        if getattr(settings, "NASKAH_BSRE_API_VERSION", "v2") not in {"v1", "v2"}:
            problems.append(
                Error("NASKAH_BSRE_API_VERSION must be 'v1' or 'v2'.", id="signing.E003")
            )
    for item in getattr(settings, "NASKAH_TRUST_ROOTS", []) or []:
        if not Path(item).is_file():
            problems.append(
                Warning(
                    f"NASKAH_TRUST_ROOTS lists {item}, which is not a readable file.",
                    hint="Signatures chaining to that root will show as untrusted.",
                    id="signing.W002",
                )
            )
    return problems
