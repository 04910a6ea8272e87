"""Audit action names written by naskah, the letters (the `action` of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# Drafting: the letter, its revisions, recipients and attachments (naskah.services.drafting,
# naskah.services.autosave).
NASKAH_CREATE = "naskah.create"
NASKAH_UPDATE = "naskah.update"
NASKAH_PENERIMA_SET = "naskah.penerima_set"
NASKAH_LAMPIRAN_ADD = "naskah.lampiran_add"
NASKAH_LAMPIRAN_REMOVE = "naskah.lampiran_remove"

# The approval route as the letter sees it (naskah.services.approval).
NASKAH_SUBMIT = "naskah.submit"
NASKAH_RESUBMIT = "naskah.resubmit"
NASKAH_WITHDRAW = "naskah.withdraw"
NASKAH_PARAF = "naskah.paraf"
NASKAH_RETURN = "naskah.return"
NASKAH_REJECT = "naskah.reject"
NASKAH_CORRECT = "naskah.correct"
NASKAH_REASSIGN = "naskah.reassign"
NASKAH_COMMENT = "naskah.comment"
NASKAH_SHARE = "naskah.share"
NASKAH_UNSHARE = "naskah.unshare"

# Signing, one letter or a batch (naskah.services.signing, naskah.services.signing_batch).
NASKAH_SIGN = "naskah.sign"
NASKAH_BATCH_SIGN_START = "naskah.batch_sign.start"
NASKAH_BATCH_SIGN_CONTINUE = "naskah.batch_sign.continue"
NASKAH_BATCH_SIGN_INTERRUPTED = "naskah.batch_sign.interrupted"

# Dispatch to internal and e-mail recipients, and read receipts (naskah.services.distribusi).
NASKAH_DISPATCH_INTERNAL = "naskah.dispatch.internal"
NASKAH_DISPATCH_EMAIL = "naskah.dispatch.email"
NASKAH_DISPATCH_EMAIL_FAILED = "naskah.dispatch.email_failed"
NASKAH_DISPATCH_EMAIL_RETRY = "naskah.dispatch.email_retry"
NASKAH_DISPATCH_FAILED = "naskah.dispatch.failed"
NASKAH_DISPATCH_REGISTER_FAILED = "naskah.dispatch.register_failed"
NASKAH_DISPATCH_RETRY = "naskah.dispatch.retry"
NASKAH_READ = "naskah.read"

# Signing authority: letter types, who may sign them, delegation (naskah.services.kewenangan,
# naskah.admin, naskah.demo).
NASKAH_JENIS_CREATE = "naskah.jenis.create"
NASKAH_JENIS_UPDATE = "naskah.jenis.update"
NASKAH_KEWENANGAN_UPDATE = "naskah.kewenangan.update"
NASKAH_ATURAN_TTE_UPDATE = "naskah.aturan_tte.update"
NASKAH_PELIMPAHAN_CREATE = "naskah.pelimpahan.create"
NASKAH_PELIMPAHAN_UPDATE = "naskah.pelimpahan.update"
NASKAH_DEMO_PELIMPAHAN = "naskah.demo.pelimpahan"
