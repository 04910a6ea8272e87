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
    from core.models import UnitKerja

    with pytest.raises(CommandError, match="positive"):
        call_command("arsip_synth", count=0)
    UnitKerja.objects.update(aktif=False)  # the test database holds the demo organisation
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("arsip_synth", count=10)


def test_bench_search_file_runs_each_query_of_the_file_through_the_service(demo, tmp_path):
    from tests.arsip.conftest import make_record

    make_record(
        hal="Laporan keuangan daerah",
        isi="Layanan perizinan terpadu.",
        nomor="800.1.11.1/5/DISKOMINFOTIK/2024",
    )
    make_record(hal="Undangan rapat", isi="Rapat koordinasi.")
    queries = tmp_path / "mix.txt"
    queries.write_text(
        '# comment\nlaporan\n\n/DISKOMINFOTIK/\n"undangan rapat"\nperizinann\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "bench_search_file", str(queries), user="arsiparis", repeat=2, warmup=1, stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["queries"] == 4 and summary["runs"] == 8 and summary["user"] == "arsiparis"
    assert summary["records"] == 2
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["max_ms"]
    assert summary["max_statements"] > 0
    per_query = lines[:-1]
    assert len(per_query) == 4
    # Each line ends with the total the page would show and the query as typed.
    assert per_query[0].split()[-2:] == ["1", "laporan"]
    assert per_query[1].split()[-2:] == ["1", "/DISKOMINFOTIK/"]
    assert per_query[2].split()[-3:] == ["1", '"undangan', 'rapat"']
    assert per_query[3].endswith("0  perizinann  (did you mean: perizinan)")


def test_bench_search_file_refuses_an_empty_file_or_unknown_user(demo, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No queries"):
        call_command("bench_search_file", str(empty), stdout=io.StringIO())
    one = tmp_path / "one.txt"
    one.write_text("laporan\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No user"):
        call_command("bench_search_file", str(one), user="nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("bench_search_file", str(tmp_path / "missing.txt"), stdout=io.StringIO())
