"""Helpers for the signing-flow tests: letters at "ready for signature", enrolled signers.
Letters come from the one letter factory, tests/letters.py (`make_letter`)."""

from __future__ import annotations

from tests.letters import KADIS, PASSPHRASE, enroll, jabatan, kode, make_letter

__all__ = ["KADIS", "PASSPHRASE", "enroll", "jabatan", "kode", "ready_letter"]


def ready_letter(
    demo, *, user="prakommuda", signer=KADIS, klasifikasi="biasa", penerima=None, **kw
):
    """make_letter(demo, "ready", ...), under the name 40 signing tests use."""
    if penerima is not None:
        kw["penerima"] = penerima
    return make_letter(demo, "ready", user=user, signer=signer, klasifikasi=klasifikasi, **kw)
