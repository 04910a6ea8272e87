"""The step kinds of the approval engine, in one place (issue 12 item 5).

A route is a list of stages; every stage and every step has a kind (`StepKind`). What a
kind means to the rest of the code is described here once, and every place that treats a
kind differently reads it from here instead of comparing with a constant: the route
proposal's rules (`workflows.proposal`), activation and the signature hand-over
(`workflows.services.route`), the quorum rule (`workflows.selectors.route_approvals_many`),
the home page's worklists (`workflows.home`), the letter side (`naskah.services.approval`,
`naskah.selectors.signing`'s paraf page) and the templates (``{% load step_kinds %}``,
the ``step_kind`` filter). Adding a kind is the checklist "Add a workflow step kind" in
CONTRIBUTING.md: a `StepKind` choice, its `StepKindSpec` below, a migration and tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from workflows.models import StepKind

# What the person acting on a waiting step may do; the letter's approval page shows a
# button for each (naskah/templates/naskah/alur/detail.html).
APPROVE = "approve"  # paraf: the step's approval, on the current revision
CORRECT = "correct"  # approve with a correction (a new revision by the reviewer)
SIGN = "sign"  # the signature, on the signing page (it approves the step)
RETURN = "return"  # back to the drafter or an earlier step
REJECT = "reject"  # the route ends, rejected


@dataclass(frozen=True)
class StepKindSpec:
    """What one step kind means. `signature`: the step that signs; it stands alone in the
    last stage, completes the route when approved, never counts toward a quorum, and
    while it waits the letter is ready to sign. `optional`: the drafter chooses steps of
    this kind (the pages mark those not `required` "chosen by the drafter").
    `single_step_stage`: a stage of this kind holds exactly one step (sequential).
    `team_allowed`: a step of this kind may go to a work team's lead. `up_the_line`: its
    steps go up the line between drafter and signer, in order, at most `max_paraf` of them
    (`workflows.proposal`). `worklist`: the home
    page section its waiting steps are listed in. `notice`: the activation notice
    (gettext_noop, rendered in the reader's language). `paraf_label`: its column on the
    paraf page of the signed file copy, Indonesian whatever the UI language (the page is
    part of the official document), empty for kinds not printed there."""

    kind: str
    stage_label: Promise
    actions: tuple[str, ...]
    worklist: str
    notice: str
    paraf_label: str = ""
    signature: bool = False
    optional: bool = False
    single_step_stage: bool = False
    team_allowed: bool = False
    up_the_line: bool = False

    @property
    def counts_for_quorum(self) -> bool:
        """Approvals of this kind count toward their stage's quorum (the signature's does
        not: it is the route's end, checked by the signing flow)."""
        return not self.signature


STEP_KINDS: dict[str, StepKindSpec] = {
    StepKind.PARAF_HIERARKI: StepKindSpec(
        kind=StepKind.PARAF_HIERARKI,
        stage_label=_("Initial (hierarchy)"),
        actions=(APPROVE, CORRECT, RETURN, REJECT),
        worklist="paraf",
        notice=gettext_noop("Needs your initial: %(subject)s"),
        paraf_label="Hierarki",
        single_step_stage=True,
        team_allowed=True,
        up_the_line=True,
    ),
    StepKind.PARAF_KOORDINASI: StepKindSpec(
        kind=StepKind.PARAF_KOORDINASI,
        stage_label=_("Initial (coordination, in parallel)"),
        actions=(APPROVE, CORRECT, RETURN, REJECT),
        worklist="paraf",
        notice=gettext_noop("Needs your initial: %(subject)s"),
        paraf_label="Koordinasi",
        optional=True,
    ),
    StepKind.TANDATANGAN: StepKindSpec(
        kind=StepKind.TANDATANGAN,
        stage_label=_("Signature"),
        actions=(SIGN, RETURN, REJECT),
        worklist="sign",
        notice=gettext_noop("Ready for your signature: %(subject)s"),
        signature=True,
    ),
}

# The kinds that sign (one today), and those that do not: for queryset filters.
SIGNATURE_KINDS: tuple[str, ...] = tuple(k for k, s in STEP_KINDS.items() if s.signature)
PARAF_KINDS: tuple[str, ...] = tuple(k for k, s in STEP_KINDS.items() if not s.signature)


def step_kind(kind: str) -> StepKindSpec:
    """The description of a kind (KeyError for a kind that has none: add it above)."""
    return STEP_KINDS[kind]


def is_signature(kind: str) -> bool:
    return STEP_KINDS[kind].signature


def worklist_kinds(worklist: str) -> list[str]:
    """The kinds whose waiting steps a home page section lists."""
    return [k for k, s in STEP_KINDS.items() if s.worklist == worklist]
