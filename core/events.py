"""Audit action names written by core (the `action` of core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
A new action gets a new constant here; call sites use the constant, never the string
(tests/core/test_audit_vocabulary.py checks it).
"""

# The audit trail itself (core.services.audit).
AUDIT_REKEY = "audit.rekey"

# Sign-in, sign-out and the second factor (core.auth_events, core.services.second_factor).
AUTH_LOGIN = "auth.login"
AUTH_LOGIN_FAILED = "auth.login_failed"
AUTH_LOCKED_OUT = "auth.locked_out"
AUTH_LOGOUT = "auth.logout"
AUTH_SECOND_FACTOR = "auth.second_factor"
AUTH_SECOND_FACTOR_FAILED = "auth.second_factor_failed"
AUTH_SECOND_FACTOR_ADDED = "auth.second_factor_added"
AUTH_RECOVERY_CODES_GENERATED = "auth.recovery_codes_generated"

# Assignments, Plt/Plh with the second administrator's approval (core.services.organisasi).
PENUGASAN_REQUEST = "penugasan.request"
PENUGASAN_CREATE = "penugasan.create"
PENUGASAN_APPROVE = "penugasan.approve"
PENUGASAN_REJECT = "penugasan.reject"
PENUGASAN_UPDATE = "penugasan.update"
PENUGASAN_END = "penugasan.end"

# Organisation administration (core.admin, core.services.lambang).
PEGAWAI_ACCESS = "pegawai.access"
TIMKERJA_MEMBERS = "timkerja.members"
UNITKERJA_LAMBANG_UPLOAD = "unitkerja.lambang.upload"
UNITKERJA_LAMBANG_REMOVE = "unitkerja.lambang.remove"

# Reference data imports (core.services.klasifikasi, core.services.skkaad).
KLASIFIKASI_IMPORT = "klasifikasi.import"
SKKAAD_IMPORT = "skkaad.import"

# The demo data seeder (core.demo).
DEMO_SEED = "demo.seed"

# The audit benchmark's own events (benchmarks/core_org.py), written to a bench database.
BENCH_AUDIT = "bench.audit"
