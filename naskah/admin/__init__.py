"""Admin of the naskah app; Django's autodiscovery imports this package, which registers
every area: naskah (letters, authority), signing (signing records, batches), nomor."""

from naskah.admin import naskah, nomor, signing  # noqa: F401
