import pytest
from django.conf import settings

from api.services.clients import apiclient_create
from core.models import Pegawai
from naskah.services.signing import naskah_sign
from tests.api.conftest import make_client, pat_for, token_for  # noqa: F401
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

PEER_NAME = "Pemerintah Kota Metro"
PEER_EMAIL = "tu@metrokota.go.id"


def ca_pem() -> str:
    from signing.models import CertificateAuthority

    return CertificateAuthority.objects.get(pk=1).certificate_pem


@pytest.fixture
def signed(demo):
    """A letter signed by the head of Diskominfo, addressed to the peer by its e-mail."""
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(
        demo,
        hal="Undangan Rapat Koordinasi Pertukaran Data",
        penerima=[{"jenis": "tujuan", "nama": "Wali Kota Metro", "email": PEER_EMAIL}],
    )
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    return naskah


@pytest.fixture
def admin(demo):
    return Pegawai.objects.get(username="admin")


@pytest.fixture
def receiving(demo, admin):
    """This instance receiving from itself: a client bound to a peer whose agency code is
    ours, serving Diskominfo with its agendaris as service account."""
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.permissions import register_units
    from pertukaran.services import mitra_save

    grant_register_permission()
    agendaris = Pegawai.objects.get(username="agendakominfo")
    unit = register_units(agendaris)[0]
    reg = apiclient_create(
        actor=admin,
        nama="Naskah Kota Metro",
        scopes=["incoming:write"],
        units=[unit],
        akun=agendaris,
    )
    mitra = mitra_save(
        actor=admin,
        nama=PEER_NAME,
        kode=settings.NASKAH_INSTANSI_KODE,
        jangkar_kepercayaan=ca_pem(),
        client=reg.client,
    )
    return {"reg": reg, "mitra": mitra, "unit": unit, "agendaris": agendaris}
