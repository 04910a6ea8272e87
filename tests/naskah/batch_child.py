"""A batch-signing process the death tests can kill (tests/naskah/test_tte_batch_death.py).

    python tests/naskah/batch_child.py start PK PK …    naskah_batch_sign in the foreground
    python tests/naskah/batch_child.py run BATCH TOKEN  batch_run of an existing batch's run
    python tests/naskah/batch_child.py page BATCH       the batch page as its signer sees it
    python tests/naskah/batch_child.py continue BATCH   the page's "continue" form, waited for
    python tests/naskah/batch_child.py check BATCH      the letters' signatures, as JSON
    python tests/naskah/batch_child.py takeover BATCH TOKEN  a continue's row changes

The database, storage and keys come from the environment the test passes (DATABASE_URL,
DATA_DIR, MEDIA_ROOT, NASKAH_AUDIT_KEY). Progress goes to standard output, one line per
event, flushed: "claimed ITEM", "inside NASKAH" (the letter is signed inside its still open
transaction), "done ITEM STATUS". With BATCH_CHILD_HOLD=N the N-th letter waits 30 s inside
its transaction after signing, so the test kills the process at the worst moment; with
BATCH_CHILD_PAUSE=S the run waits S seconds after each claim (a slow or frozen run).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

PASSPHRASE = "tte-uji-rahasia-1"  # noqa: S105 - the tests' throw-away signer (tte_helpers)
SIGNER = "kadiskominfo"


def _say(*words) -> None:
    print(*words, flush=True)


def _instrument() -> None:
    import naskah.services.signing as tte
    import naskah.services.signing_batch as tte_batch

    hold = int(os.environ.get("BATCH_CHILD_HOLD", "0"))
    real_sign, real_claim, real_item = tte.naskah_sign, tte_batch._claim, tte_batch.batch_sign_item
    count = {"n": 0}

    def naskah_sign(**kwargs):
        result = real_sign(**kwargs)
        count["n"] += 1
        _say("inside", kwargs["naskah"].pk)
        if hold and count["n"] == hold:
            time.sleep(30)
        return result

    pause = float(os.environ.get("BATCH_CHILD_PAUSE", "0"))

    def claim(batch_pk, token):
        pk = real_claim(batch_pk, token)
        if pk is not None:
            _say("claimed", pk)
            time.sleep(pause)  # a slow run: claimed, committed, not signing yet
        return pk

    def sign_item(item_pk, token, signer, key):
        status = real_item(item_pk, token, signer, key)
        _say("done", item_pk, status)
        return status

    tte.naskah_sign = naskah_sign
    tte_batch._claim = claim
    tte_batch.batch_sign_item = sign_item


def _client():
    from django.test import Client

    # The sessions of this test client count as past the second factor (as in conftest).
    import core.second_factor
    from core.models import Pegawai

    core.second_factor.second_factor_pending = lambda request: None
    client = Client()
    client.force_login(Pegawai.objects.get(username=SIGNER))
    return client


def _check(batch_pk: int) -> dict:
    from naskah.models import BatchTTEItem, DokumenTersegel, NaskahTTE
    from penomoran.models import Nomor

    letters = {}
    for item in BatchTTEItem.objects.filter(batch_id=batch_pk).order_by("pk"):
        letters[item.naskah_id] = {
            "item": item.status,
            "signatures": DokumenTersegel.objects.filter(
                tte__naskah_id=item.naskah_id, penandatangan__username=SIGNER
            ).count(),
            "records": NaskahTTE.objects.filter(naskah_id=item.naskah_id).count(),
            "numbers": Nomor.objects.filter(
                object_type="naskah.naskah", object_id=str(item.naskah_id)
            ).count(),
        }
    return letters


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from core.models import Pegawai
    from naskah.models import BatchTTE

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    settings.LANGUAGE_CODE = "en"  # the tests read the English msgids
    _instrument()
    import naskah.services.signing_batch as tte_batch

    mode, rest = argv[0], argv[1:]
    signer = Pegawai.objects.get(username=SIGNER)
    if mode == "start":
        batch = tte_batch.naskah_batch_sign(
            signer=signer,
            naskah_ids=[int(x) for x in rest],
            passphrase=PASSPHRASE,
            background=False,
        )
        _say("finished", batch.pk)
    elif mode == "run":
        from signing.services import signer_unlock

        key = signer_unlock(signer=signer, passphrase=PASSPHRASE)
        _say("unlocked")
        tte_batch.batch_run(int(rest[0]), signer, key, rest[1])
        _say("finished", rest[0])
    elif mode == "takeover":
        # What "continue" does to the rows once the lease has passed (naskah_batch_continue),
        # done while the old run may still be alive: a new run token, every letter not
        # signed waiting again.
        from naskah.models import BatchTTEItem

        batch_pk, token = int(rest[0]), rest[1]
        BatchTTE.objects.filter(pk=batch_pk).update(pemilik=token, status="berjalan")
        BatchTTEItem.objects.filter(
            batch_id=batch_pk, status__in=["menunggu", "proses", "terputus", "gagal"]
        ).update(status="menunggu", pemilik="", diklaim_pada=None)
        _say(json.dumps({"taken": batch_pk}))
    elif mode == "page":
        response = _client().get(reverse("naskah:tte_batch_detail", args=[int(rest[0])]))
        _say(json.dumps({"status": response.status_code, "html": response.content.decode()}))
    elif mode == "continue":
        client = _client()
        url = reverse("naskah:tte_batch_continue", args=[int(rest[0])])
        response = client.post(url, {"passphrase": PASSPHRASE})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the run is a thread of this process
            if BatchTTE.objects.get(pk=int(rest[0])).status != BatchTTE.Status.BERJALAN:
                break
            time.sleep(0.1)
        _say(json.dumps({"status": response.status_code}))
    elif mode == "check":
        _say(json.dumps(_check(int(rest[0]))))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
