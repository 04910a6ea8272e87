"""axe-core in the browser tests: run the vendored axe-core (static/vendor/axe-core-*,
static/vendor/README.md) on a Playwright page and return the serious and critical WCAG 2.x
A/AA violations. The script is injected by the test (`add_script_tag(path=...)`), never
served to users: the static finder leaves it out (core.staticfiles.NaskahFileSystemFinder).
The page's context needs `bypass_csp=True` (the injected script is inline)."""

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
        page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate(_RUN, WCAG_TAGS)
    return [v for v in found if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)
