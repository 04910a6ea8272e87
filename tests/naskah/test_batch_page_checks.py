"""The batch page checks every letter it offers with the signing service's own check,
read for the page in a number of statements that does not grow with the letters."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from naskah.models import Naskah
from naskah.selectors.signing import naskah_sign_check, naskah_sign_check_many
from tests.naskah.tte_helpers import enroll, ready_letter


def _page_statements(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/naskah/tte/batch/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_batch_page_statements_do_not_grow_with_letters(demo, client):
    enroll(demo["kadiskominfo"])
    client.force_login(demo["kadiskominfo"])
    first = [ready_letter(demo, hal=f"Surat Uji Kelompok {i}") for i in range(2)]
    few, _html = _page_statements(client)
    more = [ready_letter(demo, hal=f"Surat Uji Kelompok {i}") for i in range(2, 7)]
    many, html = _page_statements(client)
    assert many <= few, (few, many)
    for naskah in first + more:
        assert naskah.hal in html


def test_many_answers_what_one_by_one_answers(demo):
    signer = demo["kadiskominfo"]
    enroll(signer)
    letters = [ready_letter(demo, hal=f"Surat Uji Banding {i}") for i in range(3)]
    # One without a classification code: refused by the content check.
    Naskah.objects.filter(pk=letters[1].pk).update(kode_klasifikasi=None)
    fresh = list(
        Naskah.objects.filter(pk__in=[n.pk for n in letters])
        .select_related("jenis", "unit", "penandatangan__unit", "tte")
        .prefetch_related("jenis__kewenangan")
        .order_by("pk")
    )
    answers = {}
    for user in (signer, demo["prakommuda"]):  # the signer, and the drafter who may not sign
        many = {
            n.pk: (plan is not None, reason)
            for n, plan, reason in naskah_sign_check_many(letters=fresh, signer=user)
        }
        for naskah in fresh:
            try:
                naskah_sign_check(naskah=Naskah.objects.get(pk=naskah.pk), signer=user)
            except ApplicationError as error:
                one = (False, error.message)
            else:
                one = (True, "")
            assert many[naskah.pk] == one, (user, naskah.hal)
        answers[user.username] = {n.hal for n in fresh if many[n.pk][0]}
    assert answers["kadiskominfo"] == {"Surat Uji Banding 0", "Surat Uji Banding 2"}
    assert answers["prakommuda"] == set()
