"""Audit action names written by signing (the `action` of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# The local certificate authority (signing.backends.local, signing.ca_lifecycle).
SIGNING_CA_CREATE = "signing.ca_create"
SIGNING_CA_ROTATE = "signing.ca_rotate"

# Signer certificates: request, approval, issue, revocation, renewal notices, passphrase
# (signing.services, signing.renewal).
SIGNING_CERTIFICATE_REQUEST = "signing.certificate_request"
SIGNING_CERTIFICATE_REQUEST_APPROVE = "signing.certificate_request_approve"
SIGNING_CERTIFICATE_REQUEST_REJECT = "signing.certificate_request_reject"
SIGNING_CERTIFICATE_ISSUE = "signing.certificate_issue"
SIGNING_CERTIFICATE_REVOKE = "signing.certificate_revoke"
SIGNING_RENEWAL_NOTICE = "signing.renewal_notice"
SIGNING_PASSPHRASE_CHANGE = "signing.passphrase_change"

# Paraf credentials, the keys that sign paraf statements (signing.paraf).
SIGNING_PARAF_CREDENTIAL_ISSUE = "signing.paraf_credential_issue"
SIGNING_PARAF_CREDENTIAL_REVOKE = "signing.paraf_credential_revoke"

# Signatures on PDF bytes and their archival extensions (signing.services,
# signing.archive_ltv). core.observability counts SIGNING_PDF_SIGN by its value (core may
# not import signing).
SIGNING_PDF_SIGN = "signing.pdf_sign"
SIGNING_ARCHIVE_TIMESTAMP = "signing.archive_timestamp"
SIGNING_ARCHIVE_VALIDATION_INFO = "signing.archive_validation_info"
