"""Letters between instances and letter packages (issue 17 items 5 and 6).

`POST /pertukaran/surat`: a peer instance delivers a signed letter package; the calling
client must be bound to a registered peer (pertukaran.InstansiMitra.client). `POST
/pertukaran/impor`: any caller with incoming:write imports a package into a unit it
serves. `GET /letters/{id}/package`: the package of a signed letter the caller may read.
The checks, the registration and the receipt are in pertukaran.services."""

# No `from __future__ import annotations`: the idempotent decorator wraps these views,
# and django-ninja reads their (real) parameter types through the wrapper.
import hashlib

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from api.auth import require_actor, require_scope
from api.errors import ApiProblem
from api.idempotency import idempotent
from api.models import Scope
from api.permissions import naskah_get, unit_served
from api.render import json_response
from api.schemas import DB_INT_MAX, ERRORS
from core.errors import ApplicationError
from core.models import UnitKerja
from pertukaran.models import InstansiMitra
from pertukaran.paket import paket_build
from pertukaran.services import paket_import, pertukaran_terima, receipt_key_for_token

router = Router()


class PenerimaOut(Schema):
    kode_instansi: str
    instansi: str
    unit: str


class TandaTerimaOut(Schema):
    """The receipt: the registration in the receiving register, signed."""

    id: int
    nomor_agenda: str
    diterima_pada: str = Field(description="ISO 8601 time of registration (as signed)")
    uid: str
    nomor_surat: str
    sha256: str
    penerima: PenerimaOut
    tanda_tangan: str


RESPONSES = {201: TandaTerimaOut, 200: TandaTerimaOut, **ERRORS, 409: ERRORS[422]}


def _receive(request, fn):
    try:
        return fn()
    except ApplicationError as exc:
        if exc.code == "invalid_package":
            raise ApiProblem(
                422, exc.message, code=exc.code, errors=exc.extra.get("errors")
            ) from exc
        raise


def _unit(caller, actor, unit_id):
    from naskah.masuk.permissions import register_units

    units = [u for u in register_units(actor) if unit_served(caller, u)]
    if unit_id is not None:
        units = [u for u in units if u.pk == unit_id]
        if not units and not UnitKerja.objects.filter(pk=unit_id).exists():
            raise Http404("unit")
    if not units:
        raise ApiProblem(
            403,
            _("This client keeps no incoming register of the units it serves."),
            code="no_register",
        )
    return sorted(units, key=lambda u: u.path)[0]


def _bearer(request) -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


@router.post(
    "/pertukaran/surat",
    response=RESPONSES,
    summary="Receive a signed letter from a peer instance (201 receipt; 200 if already received)",
)
@idempotent
def exchange_receive(
    request, paket: File[UploadedFile], unit_id: int | None = Form(None, ge=1, le=DB_INT_MAX)
):
    caller, actor = require_actor(request, Scope.INCOMING_WRITE)
    mitra = (
        InstansiMitra.objects.filter(client=caller.client).first()
        if caller.client is not None and not caller.personal
        else None
    )
    if mitra is None:
        raise ApiProblem(
            403,
            _("The calling client is not registered as a peer instance."),
            code="unknown_peer",
        )
    unit = _unit(caller, actor, unit_id)
    data = paket.read()
    result = _receive(
        request,
        lambda: pertukaran_terima(
            actor=actor,
            unit=unit,
            data=data,
            mitra=mitra,
            receipt_key=receipt_key_for_token(_bearer(request)),
        ),
    )
    status = 201 if result.created else 200
    return json_response(request, status, TandaTerimaOut, result.penerimaan.tanda_terima)


@router.post(
    "/pertukaran/impor",
    response=RESPONSES,
    summary="Import a letter package into an incoming register (200 if already received)",
)
@idempotent
def package_import(
    request, paket: File[UploadedFile], unit_id: int | None = Form(None, ge=1, le=DB_INT_MAX)
):
    caller, actor = require_actor(request, Scope.INCOMING_WRITE)
    unit = _unit(caller, actor, unit_id)
    data = paket.read()
    result = _receive(request, lambda: paket_import(actor=actor, unit=unit, data=data))
    status = 201 if result.created else 200
    return json_response(request, status, TandaTerimaOut, result.penerimaan.tanda_terima)


@router.get(
    "/letters/{naskah_id}/package",
    response={200: None, **ERRORS},
    summary="The letter package (zip: surat.json, surat.pdf, lampiran/)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The package; surat.json follows docs/api/paket-surat.schema.json",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def letter_package(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    naskah = naskah_get(caller, naskah_id)
    data = paket_build(naskah)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="paket-naskah-{naskah.pk}.zip"'
    response["Digest"] = "sha-256=" + hashlib.sha256(data).hexdigest()
    response["Cache-Control"] = "private, no-store"
    return response
