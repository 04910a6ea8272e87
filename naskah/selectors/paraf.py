"""Reads of signed paraf statements (docs/paraf.md) for the letter's pages."""

from __future__ import annotations

from naskah.models import Naskah
from naskah.models.paraf import ParafStatement
from naskah.services.paraf_statement import StatementState, paraf_statement_verify


def naskah_paraf_statements(naskah: Naskah) -> list[StatementState]:
    """Every statement of the letter, oldest first, with its verification state."""
    rows = (
        ParafStatement.objects.filter(naskah=naskah)
        .select_related("step_state", "route_event", "audit_event", "pegawai")
        .order_by("created_at", "pk")
    )
    return [StatementState(row, paraf_statement_verify(row)) for row in rows]
