"""core.hooks: plain in-process hooks between apps that must not import each other."""

from __future__ import annotations

from core import hooks
from core.models import UnitKerja


def test_notify_calls_registered_handlers_with_label_and_pk():
    calls = []

    def handler(label, pk):
        calls.append((label, pk))

    hooks.register(hooks.READERS_CHANGED, handler)
    hooks.register(hooks.READERS_CHANGED, handler)  # registering twice calls it once
    try:
        hooks.notify(hooks.READERS_CHANGED, UnitKerja(pk=7))
        hooks.notify("another_event", UnitKerja(pk=8))
    finally:
        hooks.unregister(hooks.READERS_CHANGED, handler)
    hooks.notify(hooks.READERS_CHANGED, UnitKerja(pk=9))
    assert calls == [("core.unitkerja", "7")]


def test_the_archive_listens_for_changed_readers():
    from arsip.services.intake import arsip_readers_changed

    assert arsip_readers_changed in hooks._registry[hooks.READERS_CHANGED]
