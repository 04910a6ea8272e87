"""Audit action names written by pertukaran, the letter exchange between instances (the
`action` of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# Peer instances (mitra).
PERTUKARAN_MITRA_CREATED = "pertukaran.mitra_created"
PERTUKARAN_MITRA_CHANGED = "pertukaran.mitra_changed"

# Deliveries to peers and letters received from them.
PERTUKARAN_QUEUED = "pertukaran.queued"
PERTUKARAN_DELIVERED = "pertukaran.delivered"
PERTUKARAN_FAILED = "pertukaran.failed"
PERTUKARAN_RETRY = "pertukaran.retry"
PERTUKARAN_RECEIVED = "pertukaran.received"
