import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from arsip.models import ArsipIndeks, ArsipPembaca, ArsipRecord
from arsip.search.index import arsip_reindex_all
from arsip.synth import Generator, build_vocabulary, derive
from core.models import Pegawai


def test_vocabulary_is_built_by_morphology():
    vocabulary = build_vocabulary(83)
    assert len(vocabulary) > 2500
    assert vocabulary[0] == "dan"
    assert derive("tulis", "meN", "") == "menulis"
    assert derive("pakai", "meN", "") == "memakai"
    assert derive("kirim", "peN", "an") == "pengiriman"
    assert derive("surat", "meN", "i") == "menyurati"


def test_zipf_spread_has_common_and_rare_words():
    gen = Generator(83)
    assert gen.zipf.probability(0) > 50 * gen.zipf.probability(1000)


def test_synth_and_bench_search_end_to_end(demo):
    out = io.StringIO()
    call_command("arsip_synth", count=300, batch=100, codes=5, readers_pool=1, stdout=out)
    assert ArsipRecord.objects.count() == 300
    assert ArsipIndeks.objects.count() == 300
    # The bulk load indexed from memory exactly what the index task would: nothing to redo.
    assert arsip_reindex_all() == 0
    # With a pool no larger than the people, every record names two or three readers.
    per_record = ArsipPembaca.objects.values("record").annotate(n=Count("pk"))
    assert per_record.count() == 300
    assert {row["n"] for row in per_record} <= {2, 3}
    # The default pool (3,000 correspondents) names each person on ~3/3000 of records.
    call_command("arsip_synth", count=3000, batch=1000, codes=5, stdout=io.StringIO())
    people = Pegawai.objects.filter(is_active=True).count()
    new_links = ArsipPembaca.objects.filter(record__in=ArsipRecord.objects.order_by("-pk")[:3000])
    assert 0 < new_links.count() <= 3 * 3000 * people / 3000 * 1.5
    out = io.StringIO()
    call_command("bench_search", queries=20, stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["records"] == 3300 and summary["queries"] == 20
    assert {"p50_ms", "p95_ms", "max_ms"} <= set(summary)


def test_synth_needs_units_and_a_positive_count(db):
    with pytest.raises(CommandError, match="positive"):
        call_command("arsip_synth", count=0)
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("arsip_synth", count=10)
