import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
def test_redis_cache_is_configured_and_round_trips():
    from core import settings as configured  # the module as loaded from the environment

    assert configured.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert configured.CACHES["default"]["LOCATION"] == REDIS_URL
    cache = RedisCache(REDIS_URL, {})
    key = f"naskah-test-{uuid.uuid4()}"
    cache.set(key, {"nomor": 15}, 30)
    assert cache.get(key) == {"nomor": 15}
    cache.delete(key)
    assert cache.get(key) is None
