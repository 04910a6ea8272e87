import pytest

from api.services.clients import apiclient_create, token_personal_create
from core.models import UnitKerja


@pytest.fixture
def make_client(db):
    """Register a client (by an administrator) and get a client-credentials token."""

    def make(*, scopes=("letters:read",), units=(), akun=None, actor=None, limit=120, nama="App"):
        from core.models import Pegawai

        admin = actor or Pegawai.objects.filter(is_superuser=True).first()
        if admin is None:
            admin = Pegawai.objects.create_superuser(
                username="api-admin", password="x-pass-123", nama="Admin API"
            )
        reg = apiclient_create(
            actor=admin,
            nama=nama,
            scopes=list(scopes),
            units=list(units),
            akun=akun,
            batas_per_menit=limit,
        )
        return reg

    return make


@pytest.fixture
def token_for(client):
    def issue(reg, scope: str = "") -> str:
        data = {
            "grant_type": "client_credentials",
            "client_id": reg.client.client_id,
            "client_secret": reg.secret,
        }
        if scope:
            data["scope"] = scope
        response = client.post("/api/v1/oauth/token", data)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return issue


@pytest.fixture
def pat_for(db):
    def issue(pegawai, scopes=("letters:read",)) -> str:
        return token_personal_create(actor=pegawai, nama="test", scopes=list(scopes)).value

    return issue


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def unit_root(db):
    return UnitKerja.objects.order_by("path").first()


def unrelated_unit(unit: UnitKerja) -> UnitKerja:
    """A unit neither above nor below `unit` (another agency)."""
    for other in UnitKerja.objects.order_by("-path"):
        if not other.path.startswith(unit.path) and not unit.path.startswith(other.path):
            return other
    raise AssertionError("the demo has no unrelated unit")
