"""The integration API and webhooks (api/; docs/api.md)."""

from __future__ import annotations

from core.settings.env import env_bool, env_int

# --- Integration API (api/; docs/api.md) -------------------------------------------------------
# Lifetime of a client-credentials token; how long an old client secret stays valid after a
# rotation; the longest personal access token; the rate limit of personal tokens not tied to a
# client (a client's own limit is set on the client); stored Idempotency-Key responses.
NASKAH_API_TOKEN_TTL_SECONDS = env_int("NASKAH_API_TOKEN_TTL_SECONDS", 900)
NASKAH_API_SECRET_GRACE_HOURS = env_int("NASKAH_API_SECRET_GRACE_HOURS", 24)
NASKAH_API_PERSONAL_TOKEN_MAX_DAYS = env_int("NASKAH_API_PERSONAL_TOKEN_MAX_DAYS", 365)
NASKAH_API_PERSONAL_RATE_PER_MINUTE = env_int("NASKAH_API_PERSONAL_RATE_PER_MINUTE", 60)
NASKAH_API_IDEMPOTENCY_HOURS = env_int("NASKAH_API_IDEMPOTENCY_HOURS", 48)
# Webhooks: give up on a delivery after this many hours of retries; request timeout (s).
NASKAH_WEBHOOK_RETRY_HOURS = env_int("NASKAH_WEBHOOK_RETRY_HOURS", 24)
NASKAH_WEBHOOK_TIMEOUT = env_int("NASKAH_WEBHOOK_TIMEOUT", 10)
NASKAH_WEBHOOK_ALLOW_LOOPBACK = env_bool("NASKAH_WEBHOOK_ALLOW_LOOPBACK", False)
