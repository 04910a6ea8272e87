"""Static files in production: WhiteNoise's compressed storage with hashed names
(`NASKAH_STATIC_MANIFEST`; docs/deployment.md, "Production stack")."""

from __future__ import annotations

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
