"""Static files in production: WhiteNoise's compressed storage with hashed names
(`NASKAH_STATIC_MANIFEST`; docs/deployment.md, "Production stack")."""

from __future__ import annotations

from django.contrib.staticfiles.finders import FileSystemFinder
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for extension, rules in patterns:
        rules = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
        )
        kept.append((extension, rules))
    return tuple(kept)


class NaskahStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The vendored libraries (static/vendor) keep their `sourceMappingURL` comments but we
    do not ship the maps: those references are left as they are instead of failing
    `collectstatic`. Every other reference (CSS url(), @import, JS imports) is hashed."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)


# Vendored only for the tests (tests/a11y.py injects it into the page): never served.
TEST_ONLY_PREFIXES = ("vendor/axe-core-",)


def _test_only(path: str) -> bool:
    return path.replace("\\", "/").lstrip("/").startswith(TEST_ONLY_PREFIXES)


class NaskahFileSystemFinder(FileSystemFinder):
    """STATICFILES_DIRS without the test-only files (axe-core): neither `collectstatic` nor
    the development server nor WhiteNoise finds them."""

    def find(self, path, find_all=False, **kwargs):
        if _test_only(path):
            return [] if (find_all or kwargs.get("all")) else None
        return super().find(path, find_all=find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if not _test_only(path):
                yield path, storage
