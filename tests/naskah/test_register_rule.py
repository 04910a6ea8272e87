"""One rule decides which unit keeps the incoming register: the setting that the
agendaris's permissions read is the one delivery of internal letters follows."""

import pytest

from core.models import UnitKerja
from naskah.masuk.permissions import register_unit_of
from naskah.services.distribusi import _register_unit


@pytest.mark.parametrize("kinds", [None, ("pemda",), ("dinas", "biro")])
def test_delivery_and_permissions_agree_on_the_register_unit(demo, settings, kinds):
    if kinds is not None:
        settings.NASKAH_MASUK_REGISTER_UNIT_JENIS = kinds
    units = list(UnitKerja.objects.all())
    assert len(units) > 5
    for unit in units:
        assert _register_unit(unit) == register_unit_of(unit)
    if kinds == ("pemda",):
        # Only the region keeps a register: every unit under it delivers there.
        roots = {register_unit_of(u).pk for u in units if u.induk_id is not None}
        assert roots == {u.pk for u in units if u.jenis == "pemda"}
