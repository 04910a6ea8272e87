"""The browser tests' one way in: the sign-in form, then the second factor if the page asks
for it (demo accounts that must have one carry the demo TOTP device, core/demo/second_factor.py)."""

from __future__ import annotations

import time

DEMO_PASSWORD = "demo-pass-123"
VERIFY_PATH = "/masuk/faktor-kedua/"


def demo_totp_code(at: float | None = None) -> str:
    from django_otp.oath import TOTP

    from core.demo import demo_totp_key_hex

    totp = TOTP(bytes.fromhex(demo_totp_key_hex()))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def sign_in(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/masuk/'] button[type=submit]")
    page.wait_for_load_state()
    pass_second_factor(page)


def pass_second_factor(page) -> None:
    """Enter the demo TOTP code on the second-factor step. A code is accepted once (replay
    protection): a second sign-in of the same person within the same 30 s uses the next
    step's code, which the server's one-step tolerance accepts; after that, the demo
    recovery codes (each once). A refused code is throttled (django-otp doubles the wait
    after each failure), so each further try waits it out."""
    if VERIFY_PATH not in page.url:
        return
    from core.demo import DEMO_RECOVERY_CODES

    now = time.time()
    codes = [demo_totp_code(now), demo_totp_code(now + 30), *DEMO_RECOVERY_CODES]
    totp_failures = 0
    for code in codes:
        page.fill("#id_token", code)
        page.click(f"form[action='{VERIFY_PATH}'] button[type=submit]")
        page.wait_for_load_state()
        if VERIFY_PATH not in page.url:
            return
        if code.isdigit():
            totp_failures += 1
            time.sleep(1.1 * 2 ** (totp_failures - 1))  # the TOTP device's throttle
        else:
            time.sleep(1.1)
    raise AssertionError(f"the demo second factor was refused at {page.url}")
