"""Render a response through its schema (for views that return an HttpResponse, such as
the idempotent POSTs whose response is stored)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse


def json_response(request, status: int, schema, data) -> HttpResponse:
    body = schema.model_validate(data).model_dump(mode="json")
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
