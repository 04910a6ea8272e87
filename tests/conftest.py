"""Shared fixtures. Tests run on SQLite by default; those marked `postgres` need
DATABASE_URL=postgres://... and skip with a reason otherwise."""

from __future__ import annotations

import os

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config, items):
    if settings.IS_POSTGRES:
        return
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test anchors the audit chain in its own folder with its own checkpoint key."""
    settings.NASKAH_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE = tmp_path / "audit_checkpoint_key.pem"


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets an empty in-memory cache (rate limits, previews, throttles): a shared
    Redis would leak state between parallel workers and ignores time-machine. The Redis
    cache itself is tested in tests/core/test_cache.py."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_passed(request, monkeypatch):
    """Most tests sign people in with `client.force_login` and test something else: their
    sessions count as having passed the second factor. Tests marked `second_factor` (and the
    browser tests, which sign in through the real pages) get the production rule."""
    if request.node.get_closest_marker("second_factor") or request.node.get_closest_marker(
        "browser"
    ):
        return
    monkeypatch.setattr("core.second_factor.second_factor_pending", lambda request: None)


DEMO_PASSWORD = "demo-pass-123"
_demo_state: dict = {}


def _seed_demo() -> None:
    """Seed the demo organisation (seed_demo) and the demo's a.n./u.b. delegations (naskah
    data), committed: each xdist worker does it once, when its test database is made, and
    again after a test that flushes the database. The account passwords get the tests'
    MD5 hasher, as when every test seeded its own demo."""
    from django.test import override_settings

    from core.clock import office_today
    from core.demo import demo_seed
    from naskah.demo import demo_seed_pelimpahan

    _restore_reference_data()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        demo_seed(password=DEMO_PASSWORD)
    demo_seed_pelimpahan()
    _audit_chain_empty()
    _demo_state["seeded_on"] = office_today()


def _audit_chain_empty() -> None:
    """Drop the seed's own audit events (demo.seed, naskah.demo.pelimpahan) and the chain's
    head: the audit tests count and verify the chain from its first event, as they did
    when only the tests using `demo` seeded it. Raw SQL: the events refuse deletion."""
    from django.db import connection

    from core.models import AuditEvent, AuditHead

    with connection.cursor() as cursor:
        for model in (AuditEvent, AuditHead):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table


def _demo_present() -> bool:
    from core.models import Pegawai

    return Pegawai.objects.filter(username="admin").exists()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the demo organisation in it, seeded once per worker (it was
    seeded again by every test that used `demo`, at about 0.3 s each)."""
    with django_db_blocker.unblock():
        _seed_demo()


def _flushes_database(item) -> bool:
    """Whether pytest-django ran `item` as a TransactionTestCase, which empties every table
    when it ends (same rule as pytest_django.fixtures._django_db_helper)."""
    names = getattr(item, "fixturenames", ())
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test flushed the database, seed the demo again (committed),
    so the next test finds it whatever the order the tests run in."""
    result = yield
    # The worker's last test (nextitem None): the session's teardown has just destroyed the
    # test database, and no test follows to need the demo.
    if nextitem is not None and _flushes_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            if not _demo_present():
                _seed_demo()
    return result


@pytest.fixture
def demo(db):
    """The demo organisation (seed_demo), returned as a dict of people by username: fresh
    instances for each test, looked up by username (primary keys differ between runs and
    databases). The seed itself is committed once per worker; each test's changes roll
    back with its transaction."""
    from core.clock import office_today
    from core.models import Pegawai

    if not _demo_present():  # a flush this worker has not re-seeded after (should not happen)
        _seed_demo()
    elif _demo_state.get("seeded_on") != office_today():
        # The acting officials (Plt, Plh) are dated from the day of the seed: a test that
        # travels in time gets them re-dated, inside its own transaction.
        from core.demo import demo_seed

        demo_seed(password=DEMO_PASSWORD)
    return {p.username: p for p in Pegawai.objects.all()}


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_RSA_POOL: dict[int, list] = {}
_RSA_POOL_SIZE = 12
_rsa_calls: dict[int, int] = {}


def _pooled_rsa(bits: int):
    """RSA keys from a per-worker pool of distinct keys (each test still gets a different
    key for each of its first twelve keys of a size): key generation, 0.1–2 s for a
    3072-bit CA key, was the largest cost of every test that signs a letter."""
    from signing import crypto

    pool = _RSA_POOL.setdefault(bits, [])
    index = _rsa_calls.get(bits, 0)
    _rsa_calls[bits] = index + 1
    if len(pool) < _RSA_POOL_SIZE:
        pool.append(crypto._rsa_generate_unpooled(bits))
        return pool[-1]
    return pool[index % _RSA_POOL_SIZE]


@pytest.fixture(autouse=True)
def _fast_key_work(request, monkeypatch):
    """Like the MD5 password hasher above: key envelopes and paraf keys use scrypt at its
    lowest accepted cost (2^10 instead of 2^15, the format records it) and RSA keys come
    from a per-worker pool. Tests marked `real_crypto` get the production costs, and so
    does every test with NASKAH_TEST_REAL_CRYPTO=1."""
    if request.node.get_closest_marker("real_crypto") or os.environ.get("NASKAH_TEST_REAL_CRYPTO"):
        return
    from signing import crypto

    if not hasattr(crypto, "_rsa_generate_unpooled"):
        crypto._rsa_generate_unpooled = crypto.rsa_generate
    monkeypatch.setattr(crypto, "rsa_generate", _pooled_rsa)
    monkeypatch.setitem(crypto.envelope_seal.__kwdefaults__, "log2_n", 10)
    monkeypatch.setattr("signing.paraf.KEK_SCRYPT_LOG2_N", 10)


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """Tests assert messages and pages in English (the msgids). The product's default is
    Indonesian: tests/core/test_web.py sets LANGUAGE_CODE back to "id" to prove it."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# Rows that data migrations seed. A `transaction=True` test flushes every table when it
# ends; the next test that uses the database finds them restored here.
_SEEDED = [
    ("core.KodeKlasifikasi", [("core.migrations.0002_klasifikasi_permendagri_83_2022", "load")]),
    (
        "naskah.JenisNaskah",
        [
            ("naskah.migrations.0002_jenis_naskah_seed", "seed"),
            ("naskah.migrations.0003_alur_status_koordinasi_izin", "seed_koordinasi"),
            ("naskah.migrations.0008_layouts_type_fidelity", "forwards"),
            ("naskah.migrations.0010_newtypes_jenis_naskah", "seed"),
        ],
    ),
    (
        "naskah.KewenanganTandaTangan",
        [
            ("naskah.migrations.0006_authority_matrix", "seed"),
            ("naskah.migrations.0011_authority_newtypes", "seed"),
        ],
    ),
    ("naskah.SeriNomor", [("naskah.migrations.0012_data13_seri_nomor", "seed")]),
    ("workflows.HariLibur", [("workflows.migrations.0002_hari_libur_2026", "seed")]),
    ("masuk.InstruksiDisposisi", [("naskah.masuk.migrations.0002_instruksi_standar", "seed")]),
    # Refresh requests for the letter records present when it ran (none after a flush).
    ("arsip.ArsipPembacaAntrian", [("arsip.migrations.0004_pembaca_backfill", "enqueue")]),
]


def _restore_reference_data() -> None:
    import importlib

    from django.apps import apps

    for label, steps in _SEEDED:
        if not apps.get_model(label).objects.exists():
            for module, function in steps:
                getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _seeded_reference_data(request):
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    _restore_reference_data()
    yield


@pytest.fixture(scope="session")
def s3_server():
    """One local S3-compatible server (moto's server mode on 127.0.0.1, scripts/s3_local.py)
    for the whole test session; each test that needs it gets a bucket of its own."""
    pytest.importorskip("moto.server")
    from scripts.s3_local import LocalS3

    server = LocalS3(bucket="naskah-session").start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """Make a fresh bucket on the local S3 server the default storage for this test.
    Returns the server, whose `.bucket` is the test's bucket."""
    import uuid

    from scripts.s3_local import LocalS3

    bucket = f"naskah-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage_s3.NaskahS3Storage",
            "OPTIONS": {**s3_server.storage_options(), "bucket_name": bucket},
        },
    }
    view = LocalS3(bucket, port=s3_server.port)  # same server, this test's bucket
    return view
