"""``{% load step_kinds %}``: the step kinds' registry (workflows.step_kinds) in templates.

``{% with k=stage.kind|step_kind %}{{ k.stage_label }}{% if k.optional %}…{% endif %}
{% if "sign" in k.actions %}…{% endif %}{% endwith %}``: pages ask what a kind means
instead of comparing it with a kind's name.
"""

from __future__ import annotations

from django import template

from workflows.step_kinds import StepKindSpec
from workflows.step_kinds import step_kind as _step_kind

register = template.Library()


@register.filter
def step_kind(kind: str) -> StepKindSpec:
    return _step_kind(kind)
