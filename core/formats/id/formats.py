"""Date styles in Indonesian (FORMAT_MODULE_PATH; Django's own id formats give the rest).
One style per purpose: DATE_FORMAT, the long date of documents ("7 Desember 2026");
SHORT_DATETIME_FORMAT, every list and timeline ("07-12-2026 13:24"); SHORT_DATE_FORMAT,
a date alone in a list ("07-12-2026")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
