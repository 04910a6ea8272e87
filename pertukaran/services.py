"""Letters between instances (issue 17 item 5) and the import of letter packages (item 6).

Sending: on dispatch (naskah.services.distribusi.naskah_dispatch) every external recipient
whose e-mail address is a peer's official address (or whose name is exactly the peer's
name) gets a `PengirimanMitra` row and a task (`pengiriman_kirim`). Each attempt builds
the package (pertukaran.paket), takes a client-credentials token at the peer (scope
incoming:write) and POSTs the package to `<peer>/api/v1/pertukaran/surat` with the letter's
uid as Idempotency-Key, so a retry never registers it twice. Attempts are recorded on the
row (core.services.attempts): a peer that is down is retried with backoff; a refusal (4xx)
stops at once. The receipt that comes back is stored and its signature checked.

Receiving (`pertukaran_terima`): the package is read and checked (schema, hashes), the
sender's agency code must be the calling peer's, the number, the subject and the date
must be in the PDF's text, and every signature must validate against that peer's trust
anchors (signing.validation with the peer's roots). The letter is then registered in the
addressed unit's incoming register through naskah.masuk.services (its files checked and
sanitised there, the originals kept) and a receipt is returned: an HMAC-SHA256 over the
receipt's canonical JSON, keyed by the SHA-256 of the bearer token of the delivering call
(which only the two ends know). Per sender and sender's number a letter is received once:
the same package again returns the first receipt.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import KodeKlasifikasi, Pegawai, UnitKerja
from core.services.attempts import (
    Slot,
    attempt_claim,
    attempt_done,
    attempt_failed,
    attempt_reset,
    max_attempts,
)
from core.services.audit import audit_record
from core.services.queue import MAIL
from pertukaran.events import (
    PERTUKARAN_DELIVERED,
    PERTUKARAN_FAILED,
    PERTUKARAN_MITRA_CHANGED,
    PERTUKARAN_MITRA_CREATED,
    PERTUKARAN_QUEUED,
    PERTUKARAN_RECEIVED,
    PERTUKARAN_RETRY,
)
from pertukaran.models import InstansiMitra, PenerimaanMitra, PengirimanMitra
from pertukaran.paket import Paket, naskah_uid, paket_build, paket_read

logger = logging.getLogger(__name__)

EXCHANGE_PATH = "/api/v1/pertukaran/surat"
TOKEN_PATH = "/api/v1/oauth/token"  # noqa: S105 (a path)


# --- The peer registry (administrators, audited) ------------------------------------------------


def _fernet() -> Fernet:
    key = hashlib.sha256(b"naskah-pertukaran-secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def mitra_secret(mitra: InstansiMitra) -> str:
    if not mitra.secret_mitra_encrypted:
        return ""
    return _fernet().decrypt(mitra.secret_mitra_encrypted.encode()).decode()


def _check_admin(actor: Pegawai) -> None:
    if not (actor.is_superuser or actor.has_perm("pertukaran.change_instansimitra")):
        raise PermissionDeniedError(_("Only an administrator registers peer instances."))


def _roots_from_pem(pem: str) -> list:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    data = pem.strip().encode()
    if not data:
        return []
    try:
        return [asn1_x509.Certificate.load(der) for _t, _h, der in asn1_pem.unarmor(data, True)]
    except (ValueError, TypeError) as exc:
        raise ApplicationError(
            _("The trust anchors must be PEM certificates."), code="invalid"
        ) from exc


def url_allowed(url: str) -> bool:
    """https anywhere; plain http only to a loopback address, and only in DEBUG or with
    NASKAH_PERTUKARAN_ALLOW_LOOPBACK (development and the two-instance test)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if not (settings.DEBUG or settings.NASKAH_PERTUKARAN_ALLOW_LOOPBACK):
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


MITRA_FIELDS = ("nama", "kode", "url_dasar", "client_id_mitra", "jangkar_kepercayaan")


def mitra_save(
    *,
    actor: Pegawai,
    mitra: InstansiMitra | None = None,
    nama: str,
    kode: str,
    url_dasar: str = "",
    client_id_mitra: str = "",
    secret_mitra: str | None = None,
    jangkar_kepercayaan: str = "",
    alamat_surel: str = "",
    client=None,
    aktif: bool = True,
) -> InstansiMitra:
    """Register or change a peer. `secret_mitra` None keeps the stored secret."""
    _check_admin(actor)
    kode = kode.strip()
    if not nama.strip() or not re.fullmatch(r"[A-Za-z0-9._:-]{1,60}", kode):
        raise ApplicationError(
            _("Give the name and an agency code of letters, digits, '.', '_', ':' or '-'."),
            code="invalid",
        )
    if url_dasar and not url_allowed(url_dasar):
        raise ApplicationError(_("The peer's address must use https."), code="invalid")
    roots = _roots_from_pem(jangkar_kepercayaan)
    with transaction.atomic():
        created = mitra is None
        mitra = mitra or InstansiMitra()
        mitra.nama = nama.strip()
        mitra.kode = kode
        mitra.url_dasar = url_dasar.rstrip("/")
        mitra.client_id_mitra = client_id_mitra.strip()
        mitra.jangkar_kepercayaan = jangkar_kepercayaan.strip()
        mitra.alamat_surel = alamat_surel.strip()
        mitra.client = client
        mitra.aktif = aktif
        if secret_mitra is not None:
            mitra.secret_mitra_encrypted = (
                _fernet().encrypt(secret_mitra.encode()).decode() if secret_mitra else ""
            )
        try:
            with transaction.atomic():
                mitra.save()
        except IntegrityError as exc:
            raise ConflictError(
                _("Another peer has this agency code or API client."), code="duplicate"
            ) from exc
        audit_record(
            actor=actor,
            action=PERTUKARAN_MITRA_CREATED if created else PERTUKARAN_MITRA_CHANGED,
            obj=mitra,
            details={
                "kode": mitra.kode,
                "url": mitra.url_dasar,
                "client": client.client_id if client else None,
                "jangkar": len(roots),
                "secret_changed": secret_mitra is not None,
                "aktif": aktif,
            },
        )
    return mitra


# --- Sending -------------------------------------------------------------------------------------

SLOT = Slot(
    model=PengirimanMitra,
    kind="pertukaran.kirim",
    task="pertukaran.tasks.pengiriman_kirim_task",
    status="status",
    attempts="percobaan",
    claim="token",
    lease="sewa",
    started="mulai_pada",
    error="kesalahan",
    next_try="coba_lagi_pada",
    pending=PengirimanMitra.Status.MENUNGGU,
    running=PengirimanMitra.Status.MENGIRIM,
    failed=PengirimanMitra.Status.GAGAL,
    queue=MAIL,
)


def _enqueue(pengiriman_id: int) -> None:
    from core.services.queue import task_enqueue

    task_enqueue(
        "pertukaran.tasks.pengiriman_kirim_task",
        pengiriman_id,
        task_name=f"pertukaran-{pengiriman_id}",
        queue=MAIL,
    )


def mitra_for_recipient(snap: dict, peers: list[InstansiMitra]) -> InstansiMitra | None:
    email = (snap.get("email") or "").strip().lower()
    nama = (snap.get("nama") or "").strip().lower()
    for m in peers:
        if email and m.alamat_surel and email == m.alamat_surel.lower():
            return m
    for m in peers:
        if nama and nama == m.nama.strip().lower():
            return m
    return None


def pertukaran_plan(naskah) -> list[PengirimanMitra]:
    """Called by the dispatch inside its transaction: one delivery per peer addressed by an
    external recipient of the signed revision, queued once (idempotent)."""
    from naskah.models import NaskahRevisi, NaskahTTE

    record = NaskahTTE.objects.filter(naskah=naskah).first()
    if record is None:
        return []
    peers = list(InstansiMitra.objects.filter(aktif=True).exclude(url_dasar=""))
    if not peers:
        return []
    revisi = NaskahRevisi.objects.get(naskah=naskah, nomor=record.revisi)
    rows = []
    for snap in revisi.penerima:
        if any(snap.get(k) for k in ("unit_id", "jabatan_id", "pegawai_id")):
            continue
        mitra = mitra_for_recipient(snap, peers)
        if mitra is None:
            continue
        row, created = PengirimanMitra.objects.get_or_create(
            naskah=naskah,
            mitra=mitra,
            defaults={"kunci": naskah_uid(naskah), "label": snap.get("label", "")[:400]},
        )
        if created:
            audit_record(
                actor=None,
                action=PERTUKARAN_QUEUED,
                obj=naskah,
                object_repr=naskah.nomor,
                details={"mitra": mitra.kode, "pengiriman": row.pk},
            )
            _enqueue(row.pk)
        rows.append(row)
    return rows


def on_letter_dispatched(label: str, pk: str) -> None:
    """core.hooks.LETTER_DISPATCHED handler (inside the dispatch's transaction)."""
    from naskah.models import Naskah

    if label != "naskah.naskah":
        return
    naskah = Naskah.objects.filter(pk=pk).first()
    if naskah is not None:
        pertukaran_plan(naskah)


def receipt_canonical(receipt: dict) -> bytes:
    body = {k: v for k, v in receipt.items() if k != "tanda_tangan"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def receipt_sign(receipt: dict, key: bytes) -> str:
    digest = hmac.new(key, receipt_canonical(receipt), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def receipt_key_for_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def receipt_verify(receipt: dict, key: bytes) -> bool:
    given = str(receipt.get("tanda_tangan", ""))
    return hmac.compare_digest(given, receipt_sign(receipt, key))


class _Refused(Exception):
    """The peer refused the delivery (4xx): retrying the same request will not help."""


class _Unavailable(Exception):
    """No answer, or a server error: retried with backoff."""


def _problem_text(response) -> str:
    try:
        body = response.json()
        return f"{body.get('title', '')}: {body.get('detail', '')} ({body.get('code', '')})"[:300]
    except ValueError:
        return f"HTTP {response.status_code}"


def _peer_token(mitra: InstansiMitra) -> str:
    import requests

    response = requests.post(
        mitra.url_dasar + TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "client_id": mitra.client_id_mitra,
            "client_secret": mitra_secret(mitra),
            "scope": "incoming:write",
        },
        timeout=settings.NASKAH_PERTUKARAN_TIMEOUT,
    )
    if response.status_code >= 500 or response.status_code == 429:
        raise _Unavailable(f"token: HTTP {response.status_code}")
    if response.status_code != 200:
        raise _Refused(
            _("The peer refused our credentials: %(p)s") % {"p": _problem_text(response)}
        )
    return response.json()["access_token"]


def _post_package(mitra: InstansiMitra, token: str, kunci: str, package: bytes):
    import requests

    return requests.post(
        mitra.url_dasar + EXCHANGE_PATH,
        files={"paket": ("paket.zip", package, "application/zip")},
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": kunci,
            "Accept-Language": "id",
            "User-Agent": "Naskah-Pertukaran/1",
        },
        timeout=settings.NASKAH_PERTUKARAN_TIMEOUT,
    )


def _parse_time(value) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return timezone.now()


def _attempt_error(attempt, message: str) -> str:
    return f"{message} " + _("(attempt %(n)d of %(max)d)") % {
        "n": attempt.number,
        "max": max_attempts(),
    }


def pengiriman_kirim(*, pengiriman_id: int) -> str:
    """One attempt to deliver a letter to a peer (module docstring). Returns the state."""
    import requests

    attempt = attempt_claim(SLOT, pengiriman_id)
    if attempt is None:
        return (
            PengirimanMitra.objects.filter(pk=pengiriman_id)
            .values_list("status", flat=True)
            .first()
            or ""
        )
    row = PengirimanMitra.objects.select_related("mitra", "naskah").get(pk=pengiriman_id)
    mitra = row.mitra

    def failed(message: str, reason: str, *, retry: bool) -> str:
        with transaction.atomic():
            state = attempt_failed(SLOT, attempt, error=message, retry=retry)
            if state is not None:
                audit_record(
                    actor=None,
                    action=PERTUKARAN_FAILED,
                    obj=row.naskah,
                    object_repr=row.naskah.nomor,
                    details={"mitra": mitra.kode, "percobaan": attempt.number, "error": reason},
                )
        return state or ""

    if attempt.exhausted:
        return failed(
            _("Stopped after %(n)d attempts.") % {"n": attempt.number - 1},
            "exhausted",
            retry=False,
        )
    if not mitra.aktif or not url_allowed(mitra.url_dasar) or not mitra.client_id_mitra:
        return failed(
            _("The peer is inactive, or its address or our credentials are not set."),
            "not_configured",
            retry=False,
        )
    try:
        package = paket_build(row.naskah)
        token = _peer_token(mitra)
        response = _post_package(mitra, token, row.kunci, package)
    except ApplicationError as exc:
        return failed(exc.message, exc.code, retry=False)
    except _Refused as exc:
        return failed(str(exc), "refused", retry=False)
    except (_Unavailable, requests.RequestException, OSError, ValueError, KeyError) as exc:
        logger.warning("delivery %s to %s failed: %s", row.pk, mitra.url_dasar, exc)
        return failed(
            _attempt_error(attempt, _("The peer did not answer.")), type(exc).__name__, retry=True
        )
    status = response.status_code
    if status in (200, 201):
        try:
            receipt = response.json()
        except ValueError:
            return failed(
                _attempt_error(attempt, _("The peer's receipt is not JSON.")),
                "bad_receipt",
                retry=True,
            )
        valid = receipt_verify(receipt, receipt_key_for_token(token))
        with transaction.atomic():
            if attempt_done(
                SLOT,
                attempt,
                status=PengirimanMitra.Status.DITERIMA,
                diterima_pada=_parse_time(receipt.get("diterima_pada")),
                nomor_agenda=str(receipt.get("nomor_agenda", ""))[:120],
                tanda_terima=receipt,
                tanda_terima_sah=valid,
            ):
                audit_record(
                    actor=None,
                    action=PERTUKARAN_DELIVERED,
                    obj=row.naskah,
                    object_repr=row.naskah.nomor,
                    details={
                        "mitra": mitra.kode,
                        "agenda": receipt.get("nomor_agenda"),
                        "receipt_valid": valid,
                    },
                )
        return PengirimanMitra.Status.DITERIMA
    retry = status >= 500 or status in (408, 409, 429)
    text = _("The peer answered %(status)d: %(problem)s") % {
        "status": status,
        "problem": _problem_text(response),
    }
    return failed(_attempt_error(attempt, text) if retry else text, f"http_{status}", retry=retry)


def pengiriman_retry(*, actor: Pegawai, pengiriman: PengirimanMitra) -> PengirimanMitra:
    """The letter's drafter or signer, or an administrator, asks for a failed delivery again."""
    from naskah.permissions import can_retry_distribusi

    allowed = actor.is_superuser or actor.has_perm("pertukaran.change_pengirimanmitra")
    if not (allowed or can_retry_distribusi(actor, pengiriman.naskah)):
        raise PermissionDeniedError(_("Only the letter's drafter or signer may retry sending."))
    with transaction.atomic():
        if not attempt_reset(SLOT, pengiriman.pk):
            raise ConflictError(
                _("This delivery has not failed; there is nothing to retry."), code="not_failed"
            )
        audit_record(
            actor=actor,
            action=PERTUKARAN_RETRY,
            obj=pengiriman.naskah,
            object_repr=pengiriman.naskah.nomor,
            details={"mitra": pengiriman.mitra.kode, "pengiriman": pengiriman.pk},
        )
        _enqueue(pengiriman.pk)
    pengiriman.refresh_from_db()
    return pengiriman


# --- Receiving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diterima:
    penerimaan: PenerimaanMitra
    created: bool


def _norm_text(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip().lower()


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        return _norm_text(" ".join((page.extract_text() or "") for page in reader.pages))
    except (PyPdfError, ValueError, OSError) as exc:
        raise ApplicationError(_("The PDF cannot be read."), code="pdf_damaged") from exc


def _check_text(paket: Paket) -> None:
    from core.indonesian import tanggal_panjang

    text = _pdf_text(paket.pdf)
    squeezed = text.replace(" ", "")
    meta = paket.meta
    missing = []
    if _norm_text(meta["nomor"]).replace(" ", "") not in squeezed:
        missing.append(_("number"))
    if _norm_text(meta["hal"]).replace(" ", "") not in squeezed:
        missing.append(_("subject"))
    tanggal = dt.date.fromisoformat(meta["tanggal"])
    # The long Indonesian date (as Naskah writes it) or a numeric one (other systems).
    written = [
        tanggal_panjang(tanggal),
        tanggal.strftime("%d-%m-%Y"),
        tanggal.strftime("%d/%m/%Y"),
        tanggal.isoformat(),
    ]
    if not any(_norm_text(w).replace(" ", "") in squeezed for w in written):
        missing.append(_("date"))
    if missing:
        raise ApplicationError(
            _("The metadata does not match the PDF: its %(fields)s is not in the letter.")
            % {"fields": ", ".join(missing)},
            code="metadata_mismatch",
        )


def _check_signature(paket: Paket, roots: list) -> None:
    from signing.validation import pdf_validate

    if not roots:
        raise ApplicationError(
            _("No trust anchor is configured for this sender."), code="no_trust_anchor"
        )
    report = pdf_validate(paket.pdf, roots=roots)
    signatures = [s for s in report.signatures if s.kind == "signature"]
    if not signatures or not report.ok:
        problems = sorted({p for s in report.signatures for p in s.problems})
        raise ApplicationError(
            _(
                "The letter's electronic signature is not valid, or its signer's certificate "
                "does not chain to a trust anchor of this sender."
            )
            + (" " + "; ".join(str(p) for p in problems[:5]) if problems else ""),
            code="signature_invalid",
        )


def _kode(meta: dict) -> KodeKlasifikasi:
    """The sender's classification code here, or its nearest parent."""
    kode = meta["kode_klasifikasi"]["kode"].strip()
    while kode:
        found = (
            KodeKlasifikasi.objects.select_related("skema")
            .filter(kode=kode, aktif=True, skema__aktif=True)
            .first()
        )
        if found is not None:
            return found
        kode = kode.rpartition(".")[0]
    raise ApplicationError(
        _("The classification code %(kode)s is not known here.")
        % {"kode": meta["kode_klasifikasi"]["kode"]},
        code="unknown_classification",
    )


def _addressed(unit: UnitKerja):
    from core.selectors.organisasi import unit_head

    head = unit_head(unit)
    if head is None or not head.aktif:
        raise ApplicationError(
            _("The unit %(unit)s has no head position to address.") % {"unit": unit.nama},
            code="no_addressee",
        )
    return head


def _existing(kode: str, paket: Paket) -> PenerimaanMitra | None:
    found = (
        PenerimaanMitra.objects.select_related("surat_masuk")
        .filter(pengirim_kode=kode, nomor_surat=paket.meta["nomor"].strip())
        .first()
    )
    if found is not None and found.sha256 != paket.sha256:
        raise ConflictError(
            _(
                "A different letter with this number from this sender was already received "
                "(agenda %(agenda)s)."
            )
            % {"agenda": found.surat_masuk.nomor_agenda},
            code="already_received",
        )
    return found


def pertukaran_terima(
    *,
    actor: Pegawai,
    unit: UnitKerja,
    data: bytes,
    mitra: InstansiMitra | None,
    receipt_key: bytes,
    roots: list | None = None,
    cara: str = PenerimaanMitra.Cara.API,
) -> Diterima:
    """Receive a package into `unit`'s incoming register (module docstring). `mitra` is the
    calling peer (API) or the peer the package says it comes from (import); `roots` (import
    of a package from a sender that is not a peer) are this instance's trust anchors."""
    from naskah.masuk.permissions import can_register

    if not can_register(actor, unit):
        raise PermissionDeniedError(
            _("You do not keep the incoming register of %(unit)s.") % {"unit": unit.nama}
        )
    paket = paket_read(data)
    meta = paket.meta
    kode = meta["pengirim"]["kode_instansi"]
    if mitra is not None:
        if not mitra.aktif:
            raise PermissionDeniedError(_("This peer is not active."), code="unknown_peer")
        if kode != mitra.kode:
            raise PermissionDeniedError(
                _("The package's sender (%(kode)s) is not the calling peer (%(mitra)s).")
                % {"kode": kode, "mitra": mitra.kode},
                code="sender_mismatch",
            )
        roots = _roots_from_pem(mitra.jangkar_kepercayaan)
    existing = _existing(kode, paket)
    if existing is not None:
        return Diterima(existing, False)
    _check_signature(paket, roots or [])
    _check_text(paket)
    kode_klasifikasi = _kode(meta)
    jabatan = _addressed(unit)
    sumber_id = hashlib.sha256(f"{kode}|{meta['nomor'].strip()}".encode()).hexdigest()[:64]
    try:
        return _register(
            actor=actor,
            unit=unit,
            paket=paket,
            mitra=mitra,
            kode_klasifikasi=kode_klasifikasi,
            jabatan=jabatan,
            sumber_id=sumber_id,
            receipt_key=receipt_key,
            cara=cara,
        )
    except IntegrityError:
        # The same letter was received concurrently and committed first.
        existing = _existing(kode, paket)
        if existing is None:
            raise
        return Diterima(existing, False)


def _register(
    *, actor, unit, paket, mitra, kode_klasifikasi, jabatan, sumber_id, receipt_key, cara
) -> Diterima:
    from naskah.masuk.models import SuratMasuk
    from naskah.masuk.services import suratmasuk_register_internal

    meta = paket.meta
    kode = meta["pengirim"]["kode_instansi"]
    pengirim = meta["pengirim"]
    with transaction.atomic():
        surat = suratmasuk_register_internal(
            unit=unit,
            jabatan_tujuan=jabatan,
            pengirim=f"{pengirim['unit']}, {pengirim['instansi']}"[:255],
            nomor_surat=meta["nomor"],
            tanggal_surat=dt.date.fromisoformat(meta["tanggal"]),
            hal=meta["hal"],
            urgensi=meta.get("urgensi", "biasa"),
            klasifikasi_keamanan=meta["klasifikasi_keamanan"],
            kode_klasifikasi=kode_klasifikasi,
            pdf=paket.pdf,
            nama_berkas="surat.pdf",
            sumber_type="pertukaran",
            sumber_id=sumber_id,
            jumlah_lampiran=len(paket.lampiran),
            actor=actor,
            asal=SuratMasuk.Asal.EKSTERNAL,
            lampiran=tuple(paket.lampiran),
        )
        now = timezone.now()
        receipt = {
            "id": surat.pk,
            "nomor_agenda": surat.nomor_agenda,
            "diterima_pada": now.isoformat(),
            "uid": meta["uid"],
            "nomor_surat": meta["nomor"],
            "sha256": paket.sha256,
            "penerima": {
                "kode_instansi": settings.NASKAH_INSTANSI_KODE,
                "instansi": settings.NASKAH_NAMA_PEMERINTAH,
                "unit": unit.nama,
            },
        }
        receipt["tanda_tangan"] = receipt_sign(receipt, receipt_key)
        penerimaan = PenerimaanMitra.objects.create(
            mitra=mitra,
            pengirim_kode=kode,
            nomor_surat=meta["nomor"].strip(),
            uid=meta["uid"],
            sha256=paket.sha256,
            cara=cara,
            surat_masuk=surat,
            diterima_pada=now,
            tanda_terima=receipt,
        )
        audit_record(
            actor=actor,
            action=PERTUKARAN_RECEIVED,
            obj=surat,
            details={
                "pengirim": kode,
                "nomor": meta["nomor"],
                "uid": meta["uid"],
                "sha256": paket.sha256,
                "cara": penerimaan.cara,
            },
        )
    return Diterima(penerimaan, True)


def paket_import(*, actor: Pegawai, unit: UnitKerja, data: bytes) -> Diterima:
    """An agendaris imports a package by hand: from a registered peer (its trust anchors)
    or from any sender whose signer chains to this instance's trust anchors."""
    from signing.validation import trust_roots

    kode = paket_read(data).meta["pengirim"]["kode_instansi"]
    mitra = InstansiMitra.objects.filter(kode=kode, aktif=True).first()
    key = hashlib.sha256(b"naskah-pertukaran-import:" + settings.SECRET_KEY.encode()).digest()
    if mitra is not None:
        return pertukaran_terima(
            actor=actor, unit=unit, data=data, mitra=mitra, receipt_key=key, cara="impor"
        )
    return pertukaran_terima(
        actor=actor,
        unit=unit,
        data=data,
        mitra=None,
        receipt_key=key,
        roots=trust_roots(),
        cara="impor",
    )
