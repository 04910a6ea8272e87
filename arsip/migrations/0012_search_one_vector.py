"""One weighted search vector per search row (issue 16 item 5): `tsv` holds every token as
itself and as its stem after a mark (arsip.search.index.STEM_MARK); `tsv_exact` and its
GIN index go. The rows' vectors are rebuilt by `python manage.py arsip_reindex`, run once
after this migration (INDEX_VERSION 5 is part of every row's source hash); until then
PostgreSQL text searches find nothing."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('arsip', '0011_search_number_parts'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='arsipindeks',
            name='tsv_exact',
        ),
    ]
