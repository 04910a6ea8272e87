"""Stored files on an S3-compatible object store (docs/deployment.md, "Object storage").

`NaskahS3Storage` is django-storages' `S3Storage` with the one rule Naskah's files need:
a name is written once. Nothing is ever saved over an existing object:

- `get_available_name` refuses a name that exists (`FileExistsError`) instead of inventing
  another one: every name Naskah writes carries a random token (core.services.storage), so
  an existing name is a bug or an attack, never a collision to work around;
- the upload itself is a conditional write (``PutObject`` with ``If-None-Match: *``): when
  another writer created the name between the check and the upload, the store refuses it
  (412) and so do we. Stores without conditional writes ignore the header; the check
  still holds.

`move` is the pending area's publication on S3: a server-side copy to the final name
(conditional as well), then the pending object's deletion. With a versioned bucket under
Object Lock that deletion only adds a delete marker; the locked version stays until its
retention ends (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, is_seekable

# Names that are not kept: the pending area (copied to the final name on commit, then
# deleted) and the /readyz probe of local storage.
UNLOCKED_PREFIXES = ("pending/", "readyz/")


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _refused_as_existing(error: ClientError) -> bool:
    return _status(error) == 412 or _code(error) in {"PreconditionFailed", "412"}


class StorageUnavailable(OSError):  # noqa: N818 - an OSError like the local file system's
    """The object store refused or did not answer. An OSError, as a failing disk would
    raise, so callers handle both alike (e.g. signing: "the sealed file could not be
    stored", the transaction rolls back)."""


@contextlib.contextmanager
def _store_errors(action: str, name: str):
    try:
        yield
    except ClientError as exc:
        raise StorageUnavailable(f"object store refused to {action} {name}: {_code(exc)}") from exc
    except BotoCoreError as exc:
        raise StorageUnavailable(f"object store unreachable to {action} {name}: {exc}") from exc


def _needs_checksum(error: ClientError) -> bool:
    code = _code(error)
    return code == "MissingUploadObjectWithObjectLockHeaders" or (
        code == "InvalidRequest" and "Content-MD5" in str(error)
    )


class NaskahS3Storage(S3Storage):
    """S3 storage that never overwrites an object (module docstring)."""

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults["file_overwrite"] = False
        defaults["gzip"] = False  # the stored bytes are the bytes we hash
        # Object Lock retention set by Naskah on each stored file (not on pending copies
        # nor /readyz probes): "GOVERNANCE" or "COMPLIANCE" and a number of days. Empty:
        # the bucket's default retention, if any, applies (docs/deployment.md).
        defaults["object_lock_mode"] = ""
        defaults["object_lock_days"] = 0
        return defaults

    def _relative(self, key: str) -> str:
        location = (self.location or "").strip("/")
        return key[len(location) + 1 :] if location and key.startswith(location + "/") else key

    def _get_write_parameters(self, name, content=None):
        params = super()._get_write_parameters(name, content)
        relative = self._relative(name)
        if (
            self.object_lock_mode
            and int(self.object_lock_days or 0) > 0
            and not relative.startswith(UNLOCKED_PREFIXES)
        ):
            params["ObjectLockMode"] = str(self.object_lock_mode).upper()
            params["ObjectLockRetainUntilDate"] = dt.datetime.now(dt.UTC) + dt.timedelta(
                days=int(self.object_lock_days)
            )
        return params

    def __init__(self, **settings):
        super().__init__(**settings)
        # Whatever the configuration says: a stored file is never replaced.
        self.file_overwrite = False

    def get_available_name(self, name, max_length=None):
        name = clean_name(name)
        if max_length is not None and len(name) > max_length:
            raise OSError(f"storage name {name!r} is longer than {max_length} characters")
        if self.exists(name):
            raise FileExistsError(f"{name} already exists; stored files are never overwritten")
        return name

    def _save(self, name, content):
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0, os.SEEK_SET)
        body = content.read()
        if isinstance(body, str):
            body = body.encode()
        try:
            with _store_errors("write", cleaned):
                self.connection.meta.client.put_object(
                    Bucket=self.bucket_name,
                    Key=key,
                    Body=body,
                    IfNoneMatch="*",
                    # The store checks the bytes it received against their SHA-256 and
                    # keeps it (Object Lock buckets also require a checksum on every write).
                    ChecksumAlgorithm="SHA256",
                    **params,
                )
        except StorageUnavailable as exc:
            if isinstance(exc.__cause__, ClientError) and _refused_as_existing(exc.__cause__):
                raise FileExistsError(
                    f"{cleaned} already exists; stored files are never overwritten"
                ) from exc.__cause__
            raise
        return cleaned

    def _open(self, name, mode="rb"):
        with _store_errors("read", name):
            return super()._open(name, mode)

    def exists(self, name):
        with _store_errors("look up", name):
            return super().exists(name)

    def delete(self, name):
        with _store_errors("delete", name):
            super().delete(name)

    def get_modified_time(self, name):
        try:
            return super().get_modified_time(name)
        except ClientError as exc:
            if _status(exc) == 404 or _code(exc) in {"NoSuchKey", "404"}:
                # Gone meanwhile (published or swept by another process), as on a disk.
                raise FileNotFoundError(f"{name} does not exist") from exc
            with _store_errors("look up", name):
                raise

    def listdir(self, name):
        with _store_errors("list", name):
            return super().listdir(name)

    def move(self, source: str, target: str) -> None:
        """Publish `source` under `target`: server-side copy, then delete `source`.
        FileNotFoundError when `source` is gone (someone else moved it), FileExistsError
        when `target` exists already."""
        src_key = self._normalize_name(clean_name(source))
        dst_key = self._normalize_name(clean_name(target))
        if self.exists(target):
            raise FileExistsError(f"{target} already exists; stored files are never overwritten")
        params = self._get_write_parameters(dst_key)
        try:
            self.connection.meta.client.copy_object(
                Bucket=self.bucket_name,
                Key=dst_key,
                CopySource={"Bucket": self.bucket_name, "Key": src_key},
                MetadataDirective="REPLACE",
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
                **params,
            )
        except ClientError as exc:
            if _status(exc) == 404 or _code(exc) in {"NoSuchKey", "404"}:
                raise FileNotFoundError(f"{source} does not exist") from exc
            if _refused_as_existing(exc):
                raise FileExistsError(f"{target} already exists") from exc
            if not _needs_checksum(exc):
                with _store_errors("copy to", target):
                    raise
            # Some stores (moto among them) want a checksum header on every write into a
            # bucket with default Object Lock retention, which a server-side copy cannot
            # carry: copy through this process instead (a conditional, checksummed put).
            with self.open(source, "rb") as handle:
                self._save(target, handle)
        except BotoCoreError:
            with _store_errors("copy to", target):
                raise
        self.delete(source)

    def check_reachable(self) -> None:
        """Raise unless the bucket answers (HeadBucket): the /readyz storage probe."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)


__all__ = ["NaskahS3Storage"]
