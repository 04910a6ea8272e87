"""Route proposals: the paraf chain derived from the organisation, and the rules an edited
proposal must keep.

Rules (domain.md 5.2, documented in docs/workflows.md):

- paraf hierarki runs from the drafter's superior up the chain to just below the signer,
  sequentially; at most `max_paraf` (default ``NASKAH_MAX_PARAF`` = 3) initials, keeping
  the ones NEAREST TO THE SIGNER: those officials answer to the signer for the substance,
  and a long chain from a junior drafter would otherwise stop far below the signer;
- a drafter who is a member of a work team (Pergub 22/2023) routes ketua tim → the team's
  jabatan pembina → up to the signer, when the signer is the pembina or above it;
- paraf koordinasi: one parallel stage with the head of each other unit concerned; the
  caller marks some units required (e.g. Biro Hukum for produk hukum);
- the signature step ("tandatangan") is last;
- a draft by the signer (same position, or the person acting for it) needs no paraf
  hierarki; required coordination still applies;
- every step's position must have someone acting for it today (holder, Plh, Plt, Pj),
  otherwise the proposal reports the vacant position by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError
from core.models import AnggotaTimKerja, Jabatan, Pegawai, TimKerja, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, jabatan_superior_chain, unit_head
from workflows.models import StepKind
from workflows.step_kinds import is_signature, step_kind

# ("tim", team id) or ("jabatan", position id): who a step is for (the id is typed
# optional as ProposedStep's ids are).
StepKey = tuple[str, int | None]


@dataclass
class ProposedStep:
    kind: str
    jabatan_id: int | None = None
    tim_kerja_id: int | None = None
    required: bool = True
    label: str = ""
    holder_label: str = ""

    @property
    def key(self) -> StepKey:
        return ("tim", self.tim_kerja_id) if self.tim_kerja_id else ("jabatan", self.jabatan_id)


@dataclass
class ProposedStage:
    kind: str
    steps: list[ProposedStep]
    quorum: int | None = None


@dataclass
class RouteProposal:
    """A plain proposal the caller may show, edit within the rules, and pass to route_start."""

    stages: list[ProposedStage]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The rules this proposal was derived under (used to validate an edited copy).
    signer_jabatan_id: int | None = None
    drafter_jabatan_id: int | None = None
    hierarki_allowed: list[StepKey] = field(default_factory=list)
    required_keys: list[tuple[str, StepKey]] = field(default_factory=list)
    max_paraf: int = 3

    @property
    def ok(self) -> bool:
        return not self.errors


def default_max_paraf() -> int:
    return int(settings.NASKAH_MAX_PARAF)


def _active_team(drafter: Pegawai, tanggal: dt.date) -> list[TimKerja]:
    rows = AnggotaTimKerja.objects.filter(
        pegawai=drafter, tim__aktif=True, tim__mulai__lte=tanggal
    ).select_related("tim", "tim__ketua", "tim__jabatan_pembina", "tim__unit")
    return [r.tim for r in rows if r.tim.selesai is None or r.tim.selesai >= tanggal]


def _team_chain(team: TimKerja, signer: Jabatan) -> list[Jabatan] | None:
    """[pembina, its superiors ...] below the signer, or None if the signer is not on it."""
    if team.jabatan_pembina is None:
        return None
    line = [team.jabatan_pembina, *jabatan_superior_chain(team.jabatan_pembina)]
    ids = [j.pk for j in line]
    if signer.pk not in ids:
        return None
    return line[: ids.index(signer.pk)]


def _holder_label(jabatan: Jabatan, tanggal: dt.date) -> tuple[str, str | None]:
    holder = jabatan_holder_on(jabatan, tanggal)
    if holder is None:
        return "", _("The position “%(jabatan)s” is vacant: nobody holds it or acts for it.") % {
            "jabatan": jabatan.nama
        }
    return f"{holder.prefix}{holder.pegawai.nama_lengkap}", None


def route_propose(  # noqa: C901 - derives the route in the regulation's order
    *,
    drafter: Pegawai,
    drafter_jabatan: Jabatan,
    signer_jabatan: Jabatan,
    koordinasi_units: list[UnitKerja] | tuple = (),
    required_koordinasi_units: list[UnitKerja] | tuple = (),
    max_paraf: int | None = None,
    tim_kerja: TimKerja | None = None,
    tanggal: dt.date | None = None,
) -> RouteProposal:
    """Propose stages from the organisation. Errors (vacancies, a signer outside the
    drafter's line) are reported on the proposal, not raised."""
    tanggal = tanggal or office_today()
    max_paraf = default_max_paraf() if max_paraf is None else max_paraf
    proposal = RouteProposal(
        stages=[],
        signer_jabatan_id=signer_jabatan.pk,
        drafter_jabatan_id=drafter_jabatan.pk,
        max_paraf=max_paraf,
    )
    signer_holder = jabatan_holder_on(signer_jabatan, tanggal)
    self_signed = drafter_jabatan.pk == signer_jabatan.pk or (
        signer_holder is not None and signer_holder.pegawai.pk == drafter.pk
    )

    hierarki: list[ProposedStep] = []
    allowed: list[StepKey] = []
    if not self_signed:
        if tim_kerja is not None:
            teams = [tim_kerja]
        else:
            # Only teams of the drafter's own unit (or a unit above it) route automatically:
            # a team may have members from other units who draft for their own unit.
            own_path = drafter_jabatan.unit.path
            teams = [t for t in _active_team(drafter, tanggal) if own_path.startswith(t.unit.path)]
        team_line = None
        team = None
        for candidate in teams:
            team_line = _team_chain(candidate, signer_jabatan)
            if team_line is not None:
                team = candidate
                break
        if team is not None and team_line is not None:
            if team.ketua_id != drafter.pk:
                hierarki.append(
                    ProposedStep(
                        kind=StepKind.PARAF_HIERARKI,
                        tim_kerja_id=team.pk,
                        label=_("Team lead, %(team)s") % {"team": team.nama},
                        holder_label=team.ketua.nama_lengkap,
                    )
                )
            chain = team_line
        else:
            if tim_kerja is not None:
                proposal.errors.append(
                    _("The signer “%(signer)s” is not above the team's supervising position.")
                    % {"signer": signer_jabatan.nama}
                )
            line = jabatan_superior_chain(drafter_jabatan)
            ids = [j.pk for j in line]
            if signer_jabatan.pk in ids:
                chain = line[: ids.index(signer_jabatan.pk)]
            else:
                chain = []
                proposal.warnings.append(
                    _(
                        "The signer “%(signer)s” is not in the drafter's line of superiors; "
                        "no paraf hierarki was proposed. Add the initials needed by hand."
                    )
                    % {"signer": signer_jabatan.nama}
                )
        for jabatan in chain:
            hierarki.append(
                ProposedStep(
                    kind=StepKind.PARAF_HIERARKI, jabatan_id=jabatan.pk, label=jabatan.nama
                )
            )
        allowed = [s.key for s in hierarki]
        # Keep the initials nearest to the signer (module docstring).
        hierarki = hierarki[max(0, len(hierarki) - max_paraf) :]
        positions = {j.pk: j for j in chain}
        for step in hierarki:
            if step.jabatan_id:
                step.holder_label, error = _holder_label(positions[step.jabatan_id], tanggal)
                if error:
                    proposal.errors.append(error)
    proposal.hierarki_allowed = allowed
    for step in hierarki:
        proposal.stages.append(ProposedStage(kind=StepKind.PARAF_HIERARKI, steps=[step]))
        proposal.required_keys.append((StepKind.PARAF_HIERARKI, step.key))

    taken = {s.key for s in hierarki} | {
        ("jabatan", signer_jabatan.pk),
        ("jabatan", drafter_jabatan.pk),
    }
    required_ids = {u.pk for u in required_koordinasi_units}
    koordinasi: list[ProposedStep] = []
    units = list(required_koordinasi_units) + [
        u for u in koordinasi_units if u.pk not in required_ids
    ]
    for unit in units:
        head = unit_head(unit)
        if head is None:
            proposal.errors.append(
                _("The unit “%(unit)s” has no head position to initial for it.")
                % {"unit": unit.nama}
            )
            continue
        if ("jabatan", head.pk) in taken:
            continue
        taken.add(("jabatan", head.pk))
        label, error = _holder_label(head, tanggal)
        if error:
            proposal.errors.append(error)
        step = ProposedStep(
            kind=StepKind.PARAF_KOORDINASI,
            jabatan_id=head.pk,
            required=unit.pk in required_ids,
            label=head.nama,
            holder_label=label,
        )
        koordinasi.append(step)
        if step.required:
            proposal.required_keys.append((StepKind.PARAF_KOORDINASI, step.key))
    if koordinasi:
        proposal.stages.append(ProposedStage(kind=StepKind.PARAF_KOORDINASI, steps=koordinasi))

    label, error = _holder_label(signer_jabatan, tanggal)
    if error:
        proposal.errors.append(error)
    proposal.stages.append(
        ProposedStage(
            kind=StepKind.TANDATANGAN,
            steps=[
                ProposedStep(
                    kind=StepKind.TANDATANGAN,
                    jabatan_id=signer_jabatan.pk,
                    label=signer_jabatan.nama,
                    holder_label=label,
                )
            ],
        )
    )
    proposal.required_keys.append((StepKind.TANDATANGAN, ("jabatan", signer_jabatan.pk)))
    return proposal


def route_proposal_errors(
    *, proposal: RouteProposal, stages: list[ProposedStage], tanggal: dt.date | None = None
) -> list[str]:
    """Check an edited list of stages against the rules the proposal was derived under."""
    tanggal = tanggal or office_today()
    errors: list[str] = []
    if not stages:
        return [_("A route needs at least the signature step.")]
    last = stages[-1]
    if (
        not is_signature(last.kind)
        or len(last.steps) != 1
        or last.steps[0].jabatan_id != proposal.signer_jabatan_id
    ):
        errors.append(_("The last stage must be the signature by the chosen signer."))
    for stage in stages[:-1]:
        if is_signature(stage.kind):
            errors.append(_("Only the last stage may be a signature."))
    hierarki_keys, jabatan_ids = _stages_errors(proposal, stages, errors)
    present = {(s.kind, s.key) for stage in stages for s in stage.steps}
    jabatan = Jabatan.objects.in_bulk(
        jabatan_ids | {k[1][1] for k in proposal.required_keys if k[1][0] == "jabatan"}
    )
    teams = TimKerja.objects.in_bulk(
        {k[1] for k in hierarki_keys if k[0] == "tim"}
        | {k[1][1] for k in proposal.required_keys if k[1][0] == "tim"}
    )

    def name(key: StepKey) -> str:
        if key[0] == "tim":
            return teams[key[1]].nama if key[1] in teams else str(key[1])
        return jabatan[key[1]].nama if key[1] in jabatan else str(key[1])

    for kind, key in proposal.required_keys:
        if (kind, key) not in present:
            errors.append(
                _("The required step “%(name)s” cannot be removed.") % {"name": name(key)}
            )
    errors.extend(_hierarchy_errors(proposal, hierarki_keys, name))
    for pk in jabatan_ids:
        position = jabatan.get(pk)
        if position is None or not position.aktif:
            errors.append(_("A step's position does not exist or is inactive."))
            continue
        if jabatan_holder_on(position, tanggal) is None:
            errors.append(
                _("The position “%(jabatan)s” is vacant: nobody holds it or acts for it.")
                % {"jabatan": position.nama}
            )
    for key in hierarki_keys:
        if key[0] == "tim" and (key[1] not in teams or not teams[key[1]].aktif):
            errors.append(_("A step's work team does not exist or is inactive."))
    return list(dict.fromkeys(errors))


def _hierarchy_errors(
    proposal: RouteProposal, hierarki_keys: list[StepKey], name: Callable[[StepKey], str]
) -> list[str]:
    """The hierarchy initials: how many, each on the line between drafter and signer, and
    going up it in order."""
    errors = []
    if len(hierarki_keys) > proposal.max_paraf:
        errors.append(
            _("At most %(max)d hierarchy initials are allowed (%(count)d given).")
            % {"max": proposal.max_paraf, "count": len(hierarki_keys)}
        )
    order = proposal.hierarki_allowed
    for key in hierarki_keys:
        if key not in order:
            errors.append(
                _("“%(name)s” is not between the drafter and the signer in the hierarchy.")
                % {"name": name(key)}
            )
    ranks = [order.index(k) for k in hierarki_keys if k in order]
    if ranks != sorted(ranks):
        errors.append(_("Hierarchy initials must go up the line in order."))
    return errors


def _stages_errors(
    proposal: RouteProposal, stages: list[ProposedStage], errors: list[str]
) -> tuple[list[StepKey], set[int]]:
    """Append what is wrong with each stage and step to `errors`; return the hierarchy
    initials' keys in order and the positions named."""
    seen: set[StepKey] = set()
    hierarki_keys: list[StepKey] = []
    jabatan_ids: set[int] = set()
    for number, stage in enumerate(stages, start=1):
        if not stage.steps:
            errors.append(_("Stage %(n)d has no step.") % {"n": number})
            continue
        if step_kind(stage.kind).single_step_stage and len(stage.steps) != 1:
            errors.append(_("Stage %(n)d: paraf hierarki is one step at a time.") % {"n": number})
        if stage.quorum is not None and not 1 <= stage.quorum <= len(stage.steps):
            errors.append(
                _("Stage %(n)d: the quorum must be between 1 and %(count)d.")
                % {"n": number, "count": len(stage.steps)}
            )
        for step in stage.steps:
            if step.kind != stage.kind:
                errors.append(_("Stage %(n)d mixes kinds of steps.") % {"n": number})
            if bool(step.jabatan_id) == bool(step.tim_kerja_id):
                errors.append(
                    _("Stage %(n)d: a step goes to one position or one team.") % {"n": number}
                )
                continue
            errors.extend(_step_errors(proposal, step, seen))
            seen.add(step.key)
            if step.jabatan_id:
                jabatan_ids.add(step.jabatan_id)
            if step_kind(step.kind).up_the_line:
                hierarki_keys.append(step.key)
    return hierarki_keys, jabatan_ids


def _step_errors(proposal: RouteProposal, step: ProposedStep, seen: set[StepKey]) -> list[str]:
    """What is wrong with one step that names one position or one team; `seen`: the keys
    of the steps before it."""
    errors = []
    if step.tim_kerja_id and not step_kind(step.kind).team_allowed:
        errors.append(_("Only a hierarchy initial may go to a team lead."))
    if step.key in seen:
        errors.append(_("The same position appears twice in the route."))
    signs = is_signature(step.kind)
    if not signs and step.key == ("jabatan", proposal.signer_jabatan_id):
        errors.append(_("The signer does not initial their own letter."))
    if not signs and step.key == ("jabatan", proposal.drafter_jabatan_id):
        errors.append(_("The drafter's own position cannot be a step."))
    return errors


def route_proposal_check(
    *, proposal: RouteProposal, stages: list[ProposedStage] | None = None
) -> list[ProposedStage]:
    """Raise ApplicationError listing every broken rule; return the stages to use."""
    chosen = proposal.stages if stages is None else stages
    errors = list(proposal.errors) if stages is None else []
    errors += route_proposal_errors(proposal=proposal, stages=chosen)
    errors = list(dict.fromkeys(errors))
    if errors:
        raise ApplicationError(" ".join(errors), code="invalid_route", extra={"errors": errors})
    return chosen
