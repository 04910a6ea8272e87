"""Audit action names written by penomoran, the numbering books (the `action` of
core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# Numbering books (penomoran.services).
PENOMORAN_BUKU_CREATE = "penomoran.buku.create"
PENOMORAN_BUKU_UPDATE = "penomoran.buku.update"

# Numbers: issued to an object, reserved (back-dated, emergency), a reserved one used,
# cancelled (penomoran.services, penomoran.blok).
PENOMORAN_NOMOR_ALLOCATE = "penomoran.nomor.allocate"
PENOMORAN_NOMOR_RESERVE = "penomoran.nomor.reserve"
PENOMORAN_NOMOR_USE_RESERVED = "penomoran.nomor.use_reserved"
PENOMORAN_NOMOR_CANCEL = "penomoran.nomor.cancel"

# The outage fallback: blocks of emergency numbers and the paper letters that use them
# (penomoran.blok).
PENOMORAN_BLOK_ISSUE = "penomoran.blok.issue"
PENOMORAN_BLOK_CANCEL_UNUSED = "penomoran.blok.cancel_unused"
PENOMORAN_SURAT_MANUAL_REGISTER = "penomoran.surat_manual.register"
