"""Audit action names written by naskah.masuk, incoming letters and disposisi (the `action`
of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# The incoming letter: registration, OCR, metadata, closing, the reply draft.
MASUK_SURATMASUK_REGISTER = "masuk.suratmasuk.register"
MASUK_SURATMASUK_UPDATE = "masuk.suratmasuk.update"
MASUK_SURATMASUK_OCR = "masuk.suratmasuk.ocr"
MASUK_SURATMASUK_OCR_FAILED = "masuk.suratmasuk.ocr_failed"
MASUK_SURATMASUK_OCR_RETRY = "masuk.suratmasuk.ocr_retry"
MASUK_SURATMASUK_APPLY_SARAN = "masuk.suratmasuk.apply_saran"
MASUK_SURATMASUK_CLOSE = "masuk.suratmasuk.close"
MASUK_SURATMASUK_REPLY_DRAFT = "masuk.suratmasuk.reply_draft"

# The disposisi tree: dispose, re-dispose, read, report, close, overdue.
MASUK_DISPOSISI_CREATE = "masuk.disposisi.create"
MASUK_DISPOSISI_FORWARD = "masuk.disposisi.forward"
MASUK_DISPOSISI_READ = "masuk.disposisi.read"
MASUK_DISPOSISI_REPORT = "masuk.disposisi.report"
MASUK_DISPOSISI_CLOSE = "masuk.disposisi.close"
MASUK_DISPOSISI_OVERDUE = "masuk.disposisi.overdue"
