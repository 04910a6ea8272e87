"""A few 2026 national holidays whose dates are fixed by law or by the Christian calendar.
Moveable Islamic, Chinese, Hindu and Buddhist holidays and cuti bersama follow the yearly
joint ministerial decree (SKB 3 Menteri): administrators enter them in the admin."""

import datetime as dt

from django.db import migrations

HOLIDAYS_2026 = [
    (dt.date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (dt.date(2026, 4, 3), "Wafat Yesus Kristus"),
    (dt.date(2026, 5, 1), "Hari Buruh Internasional"),
    (dt.date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (dt.date(2026, 6, 1), "Hari Lahir Pancasila"),
    (dt.date(2026, 8, 17), "Hari Proklamasi Kemerdekaan Republik Indonesia"),
    (dt.date(2026, 12, 25), "Hari Raya Natal"),
]


def seed(apps, schema_editor):
    HariLibur = apps.get_model("workflows", "HariLibur")
    for tanggal, nama in HOLIDAYS_2026:
        HariLibur.objects.get_or_create(tanggal=tanggal, defaults={"nama": nama})


def unseed(apps, schema_editor):
    HariLibur = apps.get_model("workflows", "HariLibur")
    HariLibur.objects.filter(tanggal__in=[d for d, _ in HOLIDAYS_2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
