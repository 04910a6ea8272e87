import pytest
from django.urls import reverse

from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_home_shows_sign_in_to_anonymous_users(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert client.get(reverse("organisasi")).status_code == 302


def test_sign_in_shows_positions_and_sign_out(client, demo):
    response = client.post(
        reverse("login"), {"username": "kabidaptika", "password": "demo-pass-123"}
    )
    assert response.status_code == 302
    page = client.get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kepala Bidang Aplikasi Informatika" in text
    # the Plh assignment is shown as acting
    assert "Kepala Bidang Persandian dan Statistik" in text and "Plh" in text
    assert AuditEvent.objects.filter(action="auth.login", actor=demo["kabidaptika"]).exists()
    client.post(reverse("logout"))
    assert client.get(reverse("organisasi")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()


def test_wrong_password_is_refused_and_audited_without_the_password(client, demo):
    # pages are in English in tests (conftest); Indonesian is checked separately
    response = client.post(reverse("login"), {"username": "sekda", "password": "salah-sekali"})
    assert response.status_code == 200
    assert "didn" in response.content.decode() or "tidak cocok" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.details == {"username": "sekda"}
    assert "salah-sekali" not in str(event.details)


def test_password_change(client, demo):
    client.force_login(demo["agendaris"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "demo-pass-123",
            "new_password1": "Kopi-Hitam-Pagi-27!",
            "new_password2": "Kopi-Hitam-Pagi-27!",
        },
    )
    assert response.status_code == 302
    demo["agendaris"].refresh_from_db()
    assert demo["agendaris"].check_password("Kopi-Hitam-Pagi-27!")


def test_password_change_with_wrong_old_password_changes_nothing(client, demo):
    client.force_login(demo["agendaris"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "keliru",
            "new_password1": "Lampung-Baru-2026!",
            "new_password2": "Lampung-Baru-2026!",
        },
    )
    assert response.status_code == 200
    demo["agendaris"].refresh_from_db()
    assert demo["agendaris"].check_password("demo-pass-123")


def test_indonesian_by_default_and_english_on_request(client, demo, settings):
    settings.LANGUAGE_CODE = "id"  # the product default (tests run in English)
    client.force_login(demo["sekda"])
    page = client.get("/").content.decode()
    assert 'lang="id"' in page and "Beranda" in page and "Keluar" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Home" in page and "Sign out" in page
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Beranda" in client.get("/").content.decode()


def test_organisation_page(client, demo):
    client.force_login(demo["stafaptika"])
    page = client.get(reverse("organisasi")).content.decode()
    assert "Dinas Komunikasi, Informatika dan Statistik" in page
    assert "Irwan Saputra" in page  # Plt Kepala Dinas Pendidikan


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "model",
    [
        "pegawai",
        "unitkerja",
        "jabatan",
        "penugasan",
        "timkerja",
        "kodeklasifikasi",
        "auditevent",
        "skemaklasifikasi",
    ],
)
def test_admin_pages_with_search_and_filters(admin_client, demo, model):
    url = reverse(f"admin:core_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "Lampung"}).status_code == 200


def test_audit_events_cannot_be_changed_in_admin(admin_client, demo):
    event = AuditEvent.objects.first()
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_browser_language_does_not_override_the_office_language(client, demo, settings):
    settings.LANGUAGE_CODE = "id"
    client.force_login(demo["sekda"])
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="id"' in page and "Beranda" in page
