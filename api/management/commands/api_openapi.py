"""Write (or with --check, compare) the committed OpenAPI document docs/api/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def openapi_text() -> str:
    from api.v1 import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class Command(BaseCommand):
    help = "Write docs/api/openapi.json from the API (or --check that it is current)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--output", default=str(DEFAULT_PATH))

    def handle(self, *args, check=False, output=None, **options):
        path = Path(output)
        text = openapi_text()
        if check:
            if not path.exists() or path.read_text() != text:
                raise CommandError(f"{path} is out of date: run `manage.py api_openapi`.")
            self.stdout.write("OpenAPI document is current.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
