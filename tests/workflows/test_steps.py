"""The step kinds' registry (workflows.step_kinds): one description per kind, and the places
that used to compare with a kind's name read it (CONTRIBUTING.md, "Add a workflow step
kind")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from workflows.models import StepKind
from workflows.proposal import ProposedStage, ProposedStep, RouteProposal, route_proposal_errors
from workflows.step_kinds import (
    APPROVE,
    CORRECT,
    PARAF_KINDS,
    REJECT,
    RETURN,
    SIGN,
    SIGNATURE_KINDS,
    STEP_KINDS,
    is_signature,
    step_kind,
    worklist_kinds,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_is_described_once():
    assert set(STEP_KINDS) == set(StepKind.values)
    for kind, spec in STEP_KINDS.items():
        assert spec.kind == kind
        assert set(spec.actions) <= {APPROVE, CORRECT, SIGN, RETURN, REJECT}
        assert spec.worklist in {"sign", "paraf"}
        assert "%(subject)s" in spec.notice


def test_the_signature_kind():
    assert SIGNATURE_KINDS == (StepKind.TANDATANGAN,)
    assert {StepKind.PARAF_HIERARKI, StepKind.PARAF_KOORDINASI} <= set(PARAF_KINDS)
    signature = step_kind(StepKind.TANDATANGAN)
    assert is_signature(StepKind.TANDATANGAN) and not signature.counts_for_quorum
    # Approved by signing only: the approval page offers no paraf for it.
    assert APPROVE not in signature.actions and SIGN in signature.actions
    assert all(step_kind(k).counts_for_quorum for k in PARAF_KINDS)
    assert worklist_kinds("sign") == [StepKind.TANDATANGAN]


@pytest.mark.django_db
def test_route_rules_read_the_registry():
    """The hierarchy rules (one step per stage, may go to a team lead) come from the kind's
    description, not from its name."""
    proposal = RouteProposal(stages=[], signer_jabatan_id=1, drafter_jabatan_id=2)
    two = ProposedStage(
        kind=StepKind.PARAF_HIERARKI,
        steps=[
            ProposedStep(kind=StepKind.PARAF_HIERARKI, jabatan_id=3, label="a"),
            ProposedStep(kind=StepKind.PARAF_HIERARKI, jabatan_id=4, label="b"),
        ],
    )
    team = ProposedStage(
        kind=StepKind.PARAF_KOORDINASI,
        steps=[ProposedStep(kind=StepKind.PARAF_KOORDINASI, tim_kerja_id=5, label="c")],
    )
    sign = ProposedStage(
        kind=StepKind.TANDATANGAN,
        steps=[ProposedStep(kind=StepKind.TANDATANGAN, jabatan_id=1, label="s")],
    )
    with translation.override("en"):
        errors = route_proposal_errors(proposal=proposal, stages=[two, team, sign])
    assert any("one step at a time" in e for e in errors)
    assert any("team lead" in e for e in errors)


def test_templates_ask_the_registry():
    rendered = Template(
        "{% load step_kinds %}{% with k=kind|step_kind %}{{ k.stage_label }}|"
        '{% if k.optional %}opt{% endif %}|{% if "sign" in k.actions %}sign{% endif %}'
        "{% endwith %}"
    )
    with translation.override("en"):
        assert rendered.render(Context({"kind": "paraf_koordinasi"})) == (
            "Initial (coordination, in parallel)|opt|"
        )
        assert rendered.render(Context({"kind": "tandatangan"})) == "Signature||sign"


def test_no_template_compares_with_a_kind_name():
    names = "|".join(StepKind.values)
    pattern = re.compile(rf"kind\s*(==|!=)\s*[\"'](?:{names})[\"']")
    found = [
        str(path.relative_to(ROOT))
        for app in ("naskah", "workflows", "templates")
        for path in (ROOT / app).rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_letter_side_refuses_what_a_kind_does_not_offer(monkeypatch):
    """naskah_paraf / naskah_correct refuse an action the kind does not list: the signature
    with its own message, any other kind with a general one."""
    from dataclasses import replace

    from core.errors import ApplicationError
    from naskah.services.approval import _refuse_action
    from workflows.models import StepState

    with pytest.raises(ApplicationError) as signature:
        _refuse_action(StepState(kind=StepKind.TANDATANGAN))
    assert signature.value.code == "sign_required"
    _refuse_action(StepState(kind=StepKind.PARAF_KOORDINASI), CORRECT)  # offered: no error
    spec = STEP_KINDS[StepKind.PARAF_KOORDINASI]
    monkeypatch.setitem(STEP_KINDS, StepKind.PARAF_KOORDINASI, replace(spec, actions=(RETURN,)))
    with pytest.raises(ApplicationError) as other:
        _refuse_action(StepState(kind=StepKind.PARAF_KOORDINASI), CORRECT)
    assert other.value.code == "action_not_offered"
