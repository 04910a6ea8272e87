"""HTTP as the demo people: sign-in with the second factor, sessions, forms."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from chaosrun.config import PASSWORD

# --- HTTP as the demo people -------------------------------------------------------------------


class Person:
    """One signed-in session of a demo person, on whichever web process answers."""

    def __init__(self, username: str, ports: list[int], stats: Counter):
        import requests

        self.username, self.ports, self.stats = username, ports, stats
        self.http = requests.Session()
        self.lock = threading.Lock()
        self.signed_in = False

    def _csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def request(self, method: str, path: str, **kwargs):
        """One request, tried on each web process in turn while they are being killed."""
        import requests

        ports = random.sample(self.ports, len(self.ports))
        last = None
        for attempt in range(6):
            base = f"http://127.0.0.1:{ports[attempt % len(ports)]}"
            headers = kwargs.pop("headers", {}) or {}
            if method == "POST":
                headers.update({"X-CSRFToken": self._csrf(), "Referer": base + path})
                kwargs.setdefault("data", {})
                if isinstance(kwargs["data"], dict):
                    kwargs["data"] = {**kwargs["data"], "csrfmiddlewaretoken": self._csrf()}
            try:
                response = self.http.request(
                    method,
                    base + path,
                    headers=headers,
                    timeout=60,
                    allow_redirects=False,
                    **kwargs,
                )
            except requests.RequestException as error:  # the process was killed under us
                self.stats["http_connection_errors"] += 1
                last = error
                time.sleep(0.3 * (attempt + 1))
                continue
            if response.status_code in (502, 503):
                self.stats["http_5xx"] += 1
                time.sleep(0.3 * (attempt + 1))
                continue
            if response.status_code >= 500:
                self.stats["http_500"] += 1
            return response
        raise RuntimeError(f"{method} {path}: no web process answered ({last})")

    def ensure(self) -> None:
        with self.lock:
            if self.signed_in:
                return
            self.request("GET", "/masuk/")
            response = self.request(
                "POST", "/masuk/", data={"username": self.username, "password": PASSWORD}
            )
            if response.status_code != 302:
                raise RuntimeError(f"sign-in of {self.username} refused ({response.status_code})")
            # The second factor is asked on the next page (SecondFactorMiddleware).
            probe = self.request("GET", "/naskah/")
            if "/masuk/faktor-kedua/" in probe.headers.get("Location", ""):
                self._second_factor()
            self.signed_in = True
            self.stats["signed_in"] += 1

    def _second_factor(self) -> None:
        now = time.time()
        from core.demo import DEMO_RECOVERY_CODES

        for code in [_totp(now), _totp(now + 30), *DEMO_RECOVERY_CODES]:
            response = self.request("POST", "/masuk/faktor-kedua/", data={"token": code})
            if response.status_code == 302 and "faktor-kedua" not in response.headers.get(
                "Location", ""
            ):
                return
            time.sleep(1.2)
        raise RuntimeError(f"second factor of {self.username} refused")

    def _signed_out(self, response) -> bool:
        """Sent to the sign-in or second-factor page: the session is gone (or half-done
        after a fault); sign in again."""
        if response.status_code == 302 and "/masuk/" in response.headers.get("Location", ""):
            with self.lock:
                self.signed_in = False
            self.stats["sessions_renewed"] += 1
            return True
        return False

    def get(self, path: str, **kwargs):
        self.ensure()
        response = self.request("GET", path, **kwargs)
        if self._signed_out(response):
            self.ensure()
            response = self.request("GET", path, **kwargs)
        return response

    def post(self, path: str, data=None, **kwargs):
        self.ensure()
        response = self.request("POST", path, data=dict(data or {}), **kwargs)
        if self._signed_out(response):
            self.ensure()
            response = self.request("POST", path, data=dict(data or {}), **kwargs)
        return response


def _totp(at: float) -> str:
    from django_otp.oath import TOTP

    from core.demo import demo_totp_key_hex

    totp = TOTP(bytes.fromhex(demo_totp_key_hex()))
    totp.time = at
    return f"{totp.token():06d}"
