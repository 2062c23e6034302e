"""The report's next-trial design table: Simon minimax and optimal designs proposed from the study's ORR (reads
:class:`oncocohort.design.next_trial.NextTrialProposal` only)."""

from __future__ import annotations

from ..design.next_trial import NextTrialProposal
from .formatting import general, number, percent_text
from .journal_style import DEFAULT_STYLE, Style
from .table import Column, Row, Table


def next_trial_table(proposal: NextTrialProposal | None, style: Style = DEFAULT_STYLE) -> Table | None:
    """Minimax and optimal Simon designs; None when no design is proposed (the narrative says why)."""
    if proposal is None or proposal.designs is None:
        return None
    rows = []
    for design in (proposal.designs.minimax, proposal.designs.optimal):
        rows.append(Row((design.kind.capitalize(), f"{design.r1}/{design.n1}", f"{design.r}/{design.n}",
                         number(design.expected_size_p0, 1, style=style),
                         number(design.early_termination_p0, 2, style=style),
                         number(design.alpha, 3, style=style), number(design.power, 3, style=style))))
    notes = (
        f"H0: ORR ≤ p0 = {percent_text(proposal.p0, 0, style)} (historical rate, study.toml [analysis] "
        f"historical_rates); target p1 = {percent_text(proposal.p1, 0, style)}: the lower limit of this study's "
        f"ORR exact {proposal.conf_level:.0%} CI ({proposal.responders}/{proposal.n}, Clopper–Pearson "
        f"{percent_text(proposal.lower, 1, style)}–{percent_text(proposal.upper, 1, style)}), rounded down to a "
        "whole percent.",
        f"Stage 1: stop when at most r1 of n1 patients respond; otherwise treat n in all and call the treatment "
        f"promising with more than r responses. One-sided α < {general(proposal.alpha, style)}, power > "
        f"{general(proposal.power, style)} (study.toml [design]); α and power shown are the exact attained values.",
        "Simon (1989) two-stage designs, exact binomial: minimax = smallest maximum size, optimal = smallest "
        "expected size under p0 (search as R clinfun::ph2simon).",
    )
    return Table("Table. Proposed next-trial design (Simon two-stage)",
                 (Column("Design"), Column("Stage 1, r1/n1", align="right"), Column("Total, r/n", align="right"),
                  Column("EN(p0), patients", align="right"), Column("PET(p0)", align="right"),
                  Column("α", align="right"), Column("Power", align="right")),
                 tuple(rows), notes,
                 ("EN(p0), expected number of patients if the true ORR is p0",
                  "PET(p0), probability of stopping after stage 1 if the true ORR is p0",
                  "ORR, objective response rate"))
