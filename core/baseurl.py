"""The public base URL: what the QR code on a signed letter and the links in e-mails point
to. Plain Python (no Django): read by core/settings/office.py, scripts/run_dev.py and the deploy
check in core/checks.py.

In production ``NASKAH_PUBLIC_BASE_URL`` is set to the site's public https address (the
deploy check refuses it unset, loopback, private or link-local). In development, unset, it
follows the address the development server actually serves: ``HOST`` and ``PORT`` (as
`make run` passes them), with the machine's LAN address when the server binds every
interface (``HOST=0.0.0.0``), so a phone on the same network can open the QR code.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]", ""}  # noqa: S104 - names, not a bind
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def lan_address() -> str | None:
    """The address this machine uses to reach other hosts (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address  # noqa: S104


def dev_base_url(host: str | None = None, port: str | int | None = None) -> str:
    """``http://<served host>:<port>`` for the development server."""
    host = (host or "127.0.0.1").strip()
    port = str(port or "8000").strip()
    if host in WILDCARD_HOSTS:
        host = lan_address() or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the public base URL (a phone outside this machine's network must
    reach it), or None when it can."""
    if not url:
        return "it is not set"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it is not an http(s) URL with a host name"
    host = parts.hostname.lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} is this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a DNS name: resolved by the client, not judged here
    if address.is_loopback or address.is_unspecified:
        return f"{host} is this machine"
    if address.is_link_local:
        return f"{host} is a link-local address"
    if address.is_private or address.is_reserved or address.is_multicast:
        return f"{host} is a private or reserved address"
    return None
