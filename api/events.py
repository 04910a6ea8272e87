"""Audit action names written by the REST API (the `action` of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# API clients and tokens (api.services.clients, api.admin).
API_CLIENT_CREATED = "api.client_created"
API_CLIENT_CHANGED = "api.client_changed"
API_CLIENT_SECRET_ROTATED = "api.client_secret_rotated"
API_CLIENT_DEACTIVATED = "api.client_deactivated"
API_TOKEN_ISSUED = "api.token_issued"
API_TOKEN_REVOKED = "api.token_revoked"
API_PERSONAL_TOKEN_CREATED = "api.personal_token_created"

# Webhooks (api.services.webhooks).
API_WEBHOOK_SUBSCRIBED = "api.webhook_subscribed"
API_WEBHOOK_REDELIVER = "api.webhook_redeliver"

# Every write made through the API (api.idempotency).
API_WRITE = "api.write"
