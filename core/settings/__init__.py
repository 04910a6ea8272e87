"""Django settings for Naskah (DJANGO_SETTINGS_MODULE=core.settings), one module per area.

Every setting the code reads is declared in this package, from an environment variable with
a safe default (docs/deployment.md lists them all; tests/core/test_settings_documented.py
keeps that list whole; .env.example is a template). Structured values are JSON. Every secret
also reads from a file: NAME_FILE=/run/secrets/name (a container or systemd credential).

The areas are read in this order; a later one may use an earlier one's names:

- env: the environment readers (env_bool, env_json, env_secret, ...) and DATA_DIR
- base: Django itself, the database, authentication, languages
- files: static and stored files, uploads
- queues: the cache, the background queues, e-mail
- office: the region, the office calendar and deadlines, letters between instances, fonts
- security: keys, HTTP security, sign-in, PDF active content, request sizes
- operations: logs, /metrics and /readyz
- signing: signing backends, the local CA, timestamps, BSrE
- letters: drafting, the signing flow, numbering, the incoming register
- archive: the archive's search
- api: the integration API and webhooks
"""

from core.settings.api import *  # noqa: F403
from core.settings.archive import *  # noqa: F403
from core.settings.base import *  # noqa: F403
from core.settings.env import *  # noqa: F403
from core.settings.files import *  # noqa: F403
from core.settings.letters import *  # noqa: F403
from core.settings.office import *  # noqa: F403
from core.settings.operations import *  # noqa: F403
from core.settings.queues import *  # noqa: F403
from core.settings.security import *  # noqa: F403
from core.settings.signing import *  # noqa: F403
