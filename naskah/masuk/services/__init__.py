"""Services of the incoming-letter register and the disposition tree.

Each service is keyword-only, atomic and writes its audit event as its last write. Locks:
registration inserts the letter, then takes the agenda counter (nomor_allocate), held until
commit, and locks no other row after it, so it cannot deadlock with the numbering app. Tree
operations (dispose, forward, report, close) lock the letter row, then the branch, so the
completion rule ("complete when every branch is closed") is checked against a stable tree;
the overdue reminder locks one branch row at a time. Audit events take no lock: they are
sealed into the chain after commit (core.services.audit).

One module per area: ``register`` (registering a letter, its agenda number and files),
``ocr`` (OCR of the scan, suggestions), ``disposisi`` (the disposition tree, reminders),
``notices`` (the notices they send), ``reply`` (a reply drafted from the letter), ``edit``
(correcting a registered letter). The public names are re-exported here, so
``from naskah.masuk.services import suratmasuk_register`` keeps working; patch a name in
the module that looks it up (``naskah.masuk.services.register.audit_record``).
"""

from naskah.masuk.services.disposisi import (  # noqa: F401
    Tujuan,
    default_deadline,
    disposisi_close,
    disposisi_create,
    disposisi_forward,
    disposisi_mark_read,
    disposisi_remind_overdue,
    disposisi_report,
    suratmasuk_close,
)
from naskah.masuk.services.ocr import (  # noqa: F401
    OCR_SLOT,
    suratmasuk_apply_saran,
    suratmasuk_ocr_retry,
    suratmasuk_ocr_run,
)
from naskah.masuk.services.register import (  # noqa: F401
    AGENDA_FAMILY,
    AGENDA_FORMAT,
    OBJECT_TYPE,
    SUGGESTABLE,
    DataSurat,
    suratmasuk_register,
    suratmasuk_register_internal,
)
from naskah.masuk.services.reply import reply_reference_text, suratmasuk_reply_draft  # noqa: F401
