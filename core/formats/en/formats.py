"""Date styles in English: the same shapes as in Indonesian (core/formats/id/formats.py),
so a list reads the same in both languages."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
