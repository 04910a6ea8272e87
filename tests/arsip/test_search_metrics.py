"""Every archive search is timed into naskah_search_duration_seconds (docs/operations.md)."""

from prometheus_client import REGISTRY

from arsip.search.query import ArsipSearchParams, arsip_search


def test_each_search_is_observed(demo):
    before = REGISTRY.get_sample_value("naskah_search_duration_seconds_count") or 0
    arsip_search(user=demo["arsiparis"], params=ArsipSearchParams(q="rapat"))
    arsip_search(user=demo["arsiparis"], params=ArsipSearchParams(q=""))
    assert REGISTRY.get_sample_value("naskah_search_duration_seconds_count") == before + 2
