"""axe-core in the browser tests: run the vendored axe-core (static/vendor/axe-core-*,
static/vendor/README.md) on a Playwright page and return the serious and critical WCAG 2.x
A/AA violations. The script is evaluated in the page by the test (through the DevTools
protocol, which the page's Content-Security-Policy does not govern, so a journey runs with
the site's real policy), never served to users: the static finder leaves it out
(core.staticfiles.NaskahFileSystemFinder).

`journey_check(page, width)` is what every journey step asks: the page's PDF viewers have
drawn (none failed), no serious or critical violation, and nothing wider than the
viewport."""

from __future__ import annotations

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).resolve().parent.parent / f"static/vendor/axe-core-{AXE_VERSION}/axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (what the issue asks: WCAG 2.2 AA).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                                   (n.failureSummary || '').split('\\n').slice(0, 2).join(' ')),
  }));
}"""


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The axe-core violations of the page as it is now, limited to `impacts`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(_RUN, WCAG_TAGS)
    return [v for v in found if v["impact"] in impacts]


_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _SOURCE:
        # Evaluated as a script (not a function): the UMD wrapper sets window.axe.
        _SOURCE.append(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return _SOURCE[0]


# Every PDF viewer on the page has drawn its first page or given up (static/js/pdf-viewer.mjs).
_VIEWERS_SETTLED = """() => [...document.querySelectorAll('[data-pdf-viewer]')]
  .every(v => v.dataset.pdfState === 'ready' || v.dataset.pdfState === 'error')"""

# The elements wider than the viewport (to say what scrolls sideways).
WIDEST = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .filter(e => !e.closest('.table-responsive, .overflow-auto, pre'))
  .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    ' right=' + Math.round(e.getBoundingClientRect().right))"""


# Visible form controls and labels that cover one another (a filter bar squeezed until its
# fields overlap): pairs of elements, neither inside the other, sharing more than 2×2 px.
OVERLAPS = """() => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.name ? '[name=' + e.name + ']' : '');
  const els = [...document.querySelectorAll(
      'input:not([type=hidden]), select, textarea, button, label')]
    .filter(e => {
      // Inside a closed <details> a control keeps its box but is not rendered.
      if (e.closest('details:not([open])') && !e.closest('summary')) return false;
      if (e.checkVisibility && !e.checkVisibility({visibilityProperty: true})) return false;
      const r = e.getBoundingClientRect();
      return r.width > 2 && r.height > 2;
    });
  const out = [];
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      const a = els[i], b = els[j];
      if (a.contains(b) || b.contains(a)) continue;
      const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
      const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
      if (w > 2 && h > 2) out.push(name(a) + ' / ' + name(b));
    }
  }
  return out.slice(0, 6);
}"""


def language_cookie(context, base: str, language: str) -> None:
    """The interface language as the site's language switch sets it (a cookie; the office
    language does not follow the browser's Accept-Language: core.middleware)."""
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def journey_check(page, width: int, name: str = "", language: str = "") -> None:
    """Assert what every journey step must hold: its PDF viewers drew (none in error), no
    serious or critical axe-core violation, no sideways scroll at `width`, no form controls
    covering one another, and, given the
    page's `language` ("id" or "en"), no common interface word of the other language
    (tests/core/test_language_pages.py)."""
    where = f"{name} ({page.url})" if name else page.url
    if language:
        from tests.core.test_language_pages import (
            ENGLISH_ONLY,
            INDONESIAN_ONLY,
            _found,
            visible_text,
        )

        assert page.evaluate("document.documentElement.lang").startswith(language), where
        other = ENGLISH_ONLY if language == "id" else INDONESIAN_ONLY
        words = _found(visible_text(page.content()), other)
        assert not words, f"{where} in {language!r} shows words of the other language: {words}"
    # A viewer draws its first page when it comes near the viewport: bring each there.
    for viewer in page.locator("[data-pdf-viewer]").all():
        viewer.scroll_into_view_if_needed()
    page.wait_for_function(_VIEWERS_SETTLED, timeout=30000)
    page.evaluate("window.scrollTo(0, 0)")
    failed = page.locator("[data-pdf-viewer][data-pdf-state=error]").count()
    assert not failed, f"{where}: {failed} PDF viewer(s) could not draw the PDF"
    found = axe_violations(page)
    assert not found, f"{where} at {width}px:\n{describe(found)}"
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{where}: {scroll}px wide at {width}px: {page.evaluate(WIDEST, width)}"
    overlaps = page.evaluate(OVERLAPS)
    assert not overlaps, f"{where} at {width}px: controls overlap: {overlaps}"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)
