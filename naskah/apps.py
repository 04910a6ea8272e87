from django.apps import AppConfig


class NaskahConfig(AppConfig):
    name = "naskah"

    def ready(self):
        from django.urls import reverse

        from naskah import checks
        from naskah.services.approval import naskah_route_outcome
        from workflows import hooks

        # Administrator-installed fonts (NASKAH_FONT_*); a bad path is a system-check error.
        checks.configure_from_settings()

        from core import hooks as core_hooks
        from naskah.home import home_sections

        # The home page's returned letters, drafts and letters received (core.worklist).
        core_hooks.register(core_hooks.HOME_SECTIONS, home_sections)
        # The numbering register links each number to its letter (penomoran.owners).
        from naskah.nomor_owners import register_nomor_owners

        register_nomor_owners()

        # The letter's status follows its approval route, whoever moves it.
        hooks.register("naskah.naskah", naskah_route_outcome)
        # Letters are acted on through naskah's pages (revision checks, lock order, audit).
        hooks.register_owner(
            "naskah.naskah",
            lambda route: reverse("naskah:alur_detail", args=[route.object_id]),
        )
        # verify_audit also checks every signed paraf statement (issue 18 item 4).
        from core import hooks as core_hooks
        from naskah.selectors.paraf import paraf_statements_audit

        core_hooks.register(core_hooks.AUDIT_VERIFY, paraf_statements_audit)

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo`: demo letters taken through the real flow."""
        import io

        from naskah.demo import demo_seed_letters, demo_seed_pelimpahan

        demo_seed_pelimpahan()
        out = io.StringIO()
        letters = demo_seed_letters(stdout=out)
        return out.getvalue().strip() or f"{len(letters)} demo letters"

    def demo_welcome(self) -> list[str]:
        """Lines for `manage.py demo_welcome`: who can sign, and with which passphrase."""
        from naskah.demo import demo_passphrase
        from signing.demo import demo_certificate_holders

        holders = demo_certificate_holders()
        return [
            "Signing certificates held by: " + (", ".join(holders) if holders else "nobody yet"),
            f"Demo signing passphrase: {demo_passphrase()}",
        ]
