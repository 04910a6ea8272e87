import os
import uuid

import pytest
from django.core.cache import cache


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
)
def test_redis_cache_round_trip(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    key = f"naskah-test-{uuid.uuid4()}"
    cache.set(key, {"nomor": 15}, 30)
    assert cache.get(key) == {"nomor": 15}
    cache.delete(key)
    assert cache.get(key) is None
