"""A local S3-compatible server on loopback (moto's server mode), for tests and the chaos run.

Nothing leaves the machine: the server listens on 127.0.0.1 only, keeps its objects in
memory and accepts any access key. It needs the dev dependency ``moto[server]``.

From Python (tests, scripts/stack.py, a chaos driver)::

    from scripts.s3_local import LocalS3

    with LocalS3(bucket="naskah") as s3:       # starts the server, creates the bucket
        env = s3.env()                          # NASKAH_STORAGE=s3, NASKAH_S3_* for it
        ...                                     # run processes with {**os.environ, **env}

From a shell (runs until Ctrl-C or SIGTERM, printing the environment to use)::

    python scripts/s3_local.py --bucket naskah [--port 9000] [--object-lock-days 1]
    # prints NASKAH_STORAGE=s3 NASKAH_S3_ENDPOINT_URL=http://127.0.0.1:PORT ...

    # in the background, then run the stack against it:
    python scripts/s3_local.py --env-file /tmp/naskah-s3.env & S3_PID=$!
    while [ ! -s /tmp/naskah-s3.env ]; do sleep 0.2; done
    set -a; . /tmp/naskah-s3.env; set +a
    python scripts/stack.py --web 2 --workers 2 ...; kill $S3_PID

``--object-lock-days N`` creates the bucket with Object Lock (versioning on) and a default
retention of N days in GOVERNANCE mode, the shape docs/deployment.md recommends (moto
accepts the settings; it is not a test of a real store's enforcement).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading

ACCESS_KEY = "naskah-local"
SECRET_KEY = "naskah-local-secret"  # noqa: S105 - a local fake server accepts any key
REGION = "us-east-1"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LocalS3:
    """moto's ThreadedMotoServer on 127.0.0.1 with one bucket (see module docstring)."""

    def __init__(
        self,
        bucket: str = "naskah",
        *,
        port: int = 0,
        object_lock_days: int = 0,
        object_lock_mode: str = "GOVERNANCE",
    ):
        self.host = "127.0.0.1"
        self.port = port or free_port(self.host)
        self.bucket = bucket
        self.object_lock_days = object_lock_days
        self.object_lock_mode = object_lock_mode
        self._server = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def start(self) -> LocalS3:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.create_bucket(self.bucket)
        return self

    def create_bucket(self, name: str) -> None:
        client = self.client()
        if self.object_lock_days:
            client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
            client.put_object_lock_configuration(
                Bucket=name,
                ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {
                        "DefaultRetention": {
                            "Mode": self.object_lock_mode,
                            "Days": self.object_lock_days,
                        }
                    },
                },
            )
        else:
            client.create_bucket(Bucket=name)

    def reset(self) -> None:
        """Forget every bucket and object (moto's reset endpoint), then recreate the bucket."""
        import urllib.request

        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            f"{self.endpoint_url}/moto-api/reset", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass
        self.create_bucket(self.bucket)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def env(self) -> dict[str, str]:
        """Environment for a Naskah process that stores its files in this bucket."""
        return {
            "NASKAH_STORAGE": "s3",
            "NASKAH_S3_BUCKET": self.bucket,
            "NASKAH_S3_ENDPOINT_URL": self.endpoint_url,
            "NASKAH_S3_REGION": REGION,
            "NASKAH_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "NASKAH_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "NASKAH_S3_ADDRESSING_STYLE": "path",
        }

    def storage_options(self) -> dict:
        """OPTIONS for core.storage_s3.NaskahS3Storage pointing at this bucket."""
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint_url,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
            "default_acl": None,
            "file_overwrite": False,
        }

    def __enter__(self) -> LocalS3:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", default="naskah")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--object-lock-days", type=int, default=0)
    parser.add_argument("--object-lock-mode", default="GOVERNANCE")
    parser.add_argument(
        "--env-file", help="also write the variables there, one KEY=VALUE a line (for `. FILE`)"
    )
    args = parser.parse_args(argv)
    server = LocalS3(
        args.bucket,
        port=args.port,
        object_lock_days=args.object_lock_days,
        object_lock_mode=args.object_lock_mode,
    ).start()
    if args.env_file:
        partial = f"{args.env_file}.partial"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in server.env().items())
        os.replace(partial, args.env_file)  # whole or absent for a reader waiting on it
    print(" ".join(f"{key}={value}" for key, value in server.env().items()), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
