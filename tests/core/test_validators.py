import pytest
from django.core.exceptions import ValidationError

from core.models import Pegawai
from core.validators import validate_nip


@pytest.mark.parametrize(
    "nip",
    ["196805121993031005", "199404182020122005", "200002292024011001"],
)
def test_valid_nip(nip):
    validate_nip(nip)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19680512199303100", "nip_length"),  # 17 digits
        ("1968051219930310055", "nip_length"),  # 19 digits
        ("19680512199303100A", "nip_length"),
        ("196813121993031005", "nip_birth"),  # month 13
        ("199902291993031005", "nip_birth"),  # 29 Feb in a non-leap year
        ("196805121993131005", "nip_tmt"),  # appointment month 13
        ("196805121970031005", "nip_tmt"),  # appointed at two years old
        ("196805121993033005", "nip_sex"),
    ],
)
def test_invalid_nip(nip, code):
    with pytest.raises(ValidationError) as exc:
        validate_nip(nip)
    assert exc.value.code == code


@pytest.mark.django_db
def test_nip_unique_when_present_and_optional():
    # The demo organisation is in the test database: a NIP none of its people has, and the
    # count of people without a NIP taken relative to it.
    nip = "199901012020121001"
    assert not Pegawai.objects.filter(nip=nip).exists()
    without = Pegawai.objects.filter(nip__isnull=True).count()
    Pegawai.objects.create(username="uji-a", nama="A", nip=nip)
    Pegawai.objects.create(username="uji-b", nama="B", nip="")
    Pegawai.objects.create(username="uji-c", nama="C", nip=None)
    dup = Pegawai(username="uji-d", nama="D", nip=nip)
    with pytest.raises(ValidationError) as exc:
        dup.full_clean(exclude=["password"])
    assert "nip" in exc.value.message_dict
    assert Pegawai.objects.filter(nip__isnull=True).count() == without + 2


@pytest.mark.django_db
def test_full_name_with_titles():
    p = Pegawai(nama="Budi Hartono", gelar_depan="Dr. Ir.", gelar_belakang="M.Si.")
    assert p.nama_lengkap == "Dr. Ir. Budi Hartono, M.Si."
    assert Pegawai(nama="Agus Salim").nama_lengkap == "Agus Salim"
