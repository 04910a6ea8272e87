"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint is a small JSON file naming the head's sequence number and hash at a moment,
signed with an Ed25519 key (`NASKAH_AUDIT_CHECKPOINT_KEY_FILE`, never in the database) and,
when `NASKAH_TSA_URL` is set, timestamped by that RFC 3161 authority. Files are written
once (exclusive create, fsync) into `NASKAH_AUDIT_CHECKPOINT_DIR`; copy them elsewhere with
`manage.py audit_checkpoint --export DIR`. `verify_audit` compares the chain with every
checkpoint: a tail removed after a checkpoint, or a chain recomputed by someone holding the
audit key but not this signing key, no longer matches.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

DOMAIN = b"naskah-audit-checkpoint-v1\n"
PUBLIC_KEY_NAME = "checkpoint-key.pub.pem"


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    seq: int
    hash: str
    created_at: str
    problem: str = ""  # why the file does not verify; empty when it does
    timestamped: bool = False


def _directory(directory=None) -> Path:
    return Path(directory or settings.NASKAH_AUDIT_CHECKPOINT_DIR)


def checkpoint_signing_key(*, create: bool = False) -> Ed25519PrivateKey | None:
    """The instance's checkpoint key; made once (mode 0600) when `create` and absent."""
    path = Path(settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE)
    if not path.is_file():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return checkpoint_signing_key()
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return loaded


def _public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _message(body: dict) -> bytes:
    fields = {k: body[k] for k in ("seq", "hash", "created_at", "instance", "key_id")}
    return DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _timestamp(message: bytes) -> str | None:
    url = settings.NASKAH_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    token = asyncio.run(
        HTTPTimeStamper(url, timeout=10).async_timestamp(hashlib.sha256(message).digest(), "sha256")
    )
    return base64.b64encode(token.dump()).decode()


def _timestamp_problem(token_b64: str, message: bytes) -> str:
    """The token must be a timestamp of this checkpoint's message. (Its signature chain is
    the TSA's to validate, e.g. with `openssl ts -verify`.)"""
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(base64.b64decode(token_b64))
        tst = info["content"]["encap_content_info"]["content"].parsed
        imprint = tst["message_imprint"]["hashed_message"].native
    except Exception:  # noqa: BLE001 - any malformed token is reported as such
        return "its timestamp token cannot be read"
    if imprint != hashlib.sha256(message).digest():
        return "its timestamp token is for other content"
    return ""


def checkpoint_write(*, seq: int, hash: str, directory=None) -> Checkpoint:
    """Sign (seq, hash) now and write it as a new file that is never overwritten."""
    key = checkpoint_signing_key(create=True)
    assert key is not None  # create=True makes it or raises
    now = timezone.now()
    body: dict[str, Any] = {
        "version": 1,
        "seq": seq,
        "hash": hash,
        "created_at": now.isoformat(timespec="microseconds"),
        "instance": settings.NASKAH_PUBLIC_BASE_URL,
        "key_id": hashlib.sha256(_public_bytes(key)).hexdigest()[:16],
    }
    message = _message(body)
    body["signature"] = base64.b64encode(key.sign(message)).decode()
    try:
        token = _timestamp(message)
    except Exception:  # a TSA outage must not stop anchoring; the file says it has none
        logger.exception("Audit checkpoint #%s: the timestamp authority did not answer", seq)
        token = None
    if token:
        body["timestamp_token"] = token
    folder = _directory(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{seq:012d}-{now:%Y%m%dT%H%M%S%fZ}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w") as handle:
        json.dump(body, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return Checkpoint(path, seq, hash, body["created_at"], timestamped=bool(token))


def checkpoint_load_all(directory=None) -> list[Checkpoint]:
    """Every checkpoint file in the directory, oldest first, each checked against the
    signing key (a file that does not verify carries its `problem`)."""
    folder = _directory(directory)
    if not folder.is_dir():
        return []
    key = checkpoint_signing_key()
    public = key.public_key() if key is not None else None
    out = []
    for path in sorted(folder.glob("checkpoint-*.json")):
        try:
            body = json.loads(path.read_text())
            seq, digest = int(body["seq"]), str(body["hash"])
            message = _message(body)
            signature = base64.b64decode(body["signature"])
        except (ValueError, KeyError, TypeError):
            out.append(Checkpoint(path, 0, "", "", problem="the file cannot be read"))
            continue
        problem = ""
        if public is None:
            problem = "no checkpoint key to verify it with (NASKAH_AUDIT_CHECKPOINT_KEY_FILE)"
        else:
            try:
                public.verify(signature, message)
            except InvalidSignature:
                problem = "its signature does not verify (forged or altered)"
        if not problem and body.get("timestamp_token"):
            problem = _timestamp_problem(body["timestamp_token"], message)
        out.append(
            Checkpoint(
                path,
                seq,
                digest,
                str(body.get("created_at", "")),
                problem=problem,
                timestamped=bool(body.get("timestamp_token")),
            )
        )
    return out


def checkpoint_latest(directory=None) -> Checkpoint | None:
    valid = [c for c in checkpoint_load_all(directory) if not c.problem]
    return max(valid, key=lambda c: (c.seq, c.created_at)) if valid else None


def checkpoint_supersede(directory=None) -> str:
    """Move the current checkpoints into a `superseded-<time>` subfolder (after a re-key:
    they anchor the old hashes). Returns the subfolder's name, or "" when there were none."""
    folder = _directory(directory)
    files = sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []
    if not files:
        return ""
    target = folder / f"superseded-{timezone.now():%Y%m%dT%H%M%S%fZ}"
    target.mkdir()
    for path in files:
        path.rename(target / path.name)
    return target.name


def checkpoint_export(target, directory=None) -> int:
    """Copy every checkpoint file, and the public key that verifies them, to `target`.
    Returns the number of files copied (files already there are left as they are)."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for checkpoint in checkpoint_load_all(directory):
        destination = target / checkpoint.path.name
        if not destination.exists():
            shutil.copy2(checkpoint.path, destination)
            copied += 1
    key = checkpoint_signing_key()
    if key is not None:
        (target / PUBLIC_KEY_NAME).write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return copied
