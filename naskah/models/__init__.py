"""The models of the naskah app, one module per regulated object.

Django finds them here: every model module is imported below, so each model keeps
``app_label = "naskah"`` and its migrations are unchanged.

- ``naskah``: the letter, its revisions, recipients and attachments (drafting)
- ``signing``: signing rules, the signature record, sealed documents, distribution, batches
- ``kewenangan``: the signing-authority matrix and delegations
- ``nomor``: numbering series per letter family
- ``paraf``: signed paraf statements
- ``pencabutan``: withdrawal of a signed letter by a later letter
"""

from naskah.models.kewenangan import KewenanganTandaTangan, PelimpahanWewenang
from naskah.models.naskah import (
    JenisNaskah,
    Lampiran,
    Mandat,
    Naskah,
    NaskahRevisi,
    NaskahRevisiQuerySet,
    NaskahUserObjectPermission,
    Penerima,
    TataNaskahDefault,
    lampiran_max_bytes,
    lampiran_max_pages,
    lampiran_upload_to,
)
from naskah.models.nomor import SeriNomor
from naskah.models.paraf import ParafStatement
from naskah.models.pencabutan import PencabutanNaskah
from naskah.models.signing import (
    AturanTTE,
    BatchTTE,
    BatchTTEItem,
    Distribusi,
    DokumenTersegel,
    DokumenTersegelQuerySet,
    NaskahTTE,
    PertinggalTersegel,
    UnitPenomoran,
    new_token,
    tersegel_upload_to,
)

__all__ = [
    "AturanTTE",
    "BatchTTE",
    "BatchTTEItem",
    "Distribusi",
    "DokumenTersegel",
    "DokumenTersegelQuerySet",
    "JenisNaskah",
    "KewenanganTandaTangan",
    "Lampiran",
    "Mandat",
    "Naskah",
    "NaskahRevisi",
    "NaskahRevisiQuerySet",
    "NaskahTTE",
    "NaskahUserObjectPermission",
    "ParafStatement",
    "PelimpahanWewenang",
    "PencabutanNaskah",
    "Penerima",
    "PertinggalTersegel",
    "SeriNomor",
    "TataNaskahDefault",
    "UnitPenomoran",
    "lampiran_max_bytes",
    "lampiran_max_pages",
    "lampiran_upload_to",
    "new_token",
    "tersegel_upload_to",
]
