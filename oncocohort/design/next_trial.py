"""The next trial proposed from a study's own response rate: a Simon two-stage design whose null rate p0 is the
historical ORR in study.toml and whose target p1 comes from the observed ORR's exact CI.

The rule (stated in the report): p1 = the lower limit of the observed ORR's exact (Clopper–Pearson) CI at
``[design] p1_conf_level`` (default 80 %), rounded down to a whole percent — a rate the study's data support;
when that is not above p0 the study does not exclude the historical rate, and no design is proposed. Designs: Simon
optimal and minimax with α and power from study.toml ``[design]`` (defaults 0.05 and 0.8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..stats.proportions import proportion_ci
from .simon import NoDesignFound, SimonDesigns, simon
from .single_stage import single_stage

RULE = ("p1 = the lower limit of the observed ORR's exact (Clopper–Pearson) confidence interval, rounded down to a "
        "whole percent; no design when it is not above the historical rate p0")


@dataclass(frozen=True)
class NextTrialProposal:
    """The proposed design (or why there is none) with the numbers it came from (proportions 0–1)."""

    p0: float
    responders: int
    n: int
    observed: float
    lower: float
    upper: float
    conf_level: float
    p1: float | None
    alpha: float
    power: float
    nmax: int
    designs: SimonDesigns | None
    reason: str | None
    single_stage_n: int | None = None   # when no Simon design fits nmax: the exact single-stage size (A'Hern)
    rule: str = RULE

    def to_dict(self) -> dict:
        return {"p0": self.p0, "observed_orr": {"x": self.responders, "n": self.n, "estimate": self.observed,
                                                "lower": self.lower, "upper": self.upper,
                                                "conf_level": self.conf_level, "method": "Clopper–Pearson exact"},
                "rule": self.rule, "p1": self.p1, "alpha": self.alpha, "power": self.power, "nmax": self.nmax,
                "proposed": self.designs is not None, "reason": self.reason,
                "single_stage_n": self.single_stage_n,
                "method": None if self.designs is None else self.designs.method,
                "designs": [] if self.designs is None else [d.to_dict() for d in (self.designs.minimax,
                                                                                    self.designs.optimal)]}


def propose_next_trial(responders: int, n: int, p0: float, conf_level: float = 0.80, alpha: float = 0.05,
                       power: float = 0.8, nmax: int = 100) -> NextTrialProposal:
    """Simon optimal and minimax designs for the next trial from ``responders`` of ``n`` against historical ``p0``."""
    ci = proportion_ci(responders, n, "clopper-pearson", conf_level)
    p1 = math.floor(round(ci.lower * 100, 9)) / 100
    common = (p0, responders, n, ci.estimate, ci.lower, ci.upper, conf_level)
    if p1 <= p0:
        return NextTrialProposal(*common, None, alpha, power, nmax, None,
                                 f"the lower limit of the ORR's exact {conf_level:.0%} CI ({ci.lower:.1%}) is not "
                                 f"above "
                                 f"the historical rate ({p0:.0%}): the study does not exclude it, so no design is "
                                 "proposed")
    try:
        designs = simon(p0, p1, alpha, power, nmax=nmax)
    except NoDesignFound:
        return NextTrialProposal(*common, p1, alpha, power, nmax, None,
                                 f"no Simon design with at most {nmax} patients separates {p0:.0%} from {p1:.0%} "
                                 f"(raise [design] nmax, at most 200)", single_stage(p0, p1, alpha, power).n)
    return NextTrialProposal(*common, p1, alpha, power, nmax, designs, None)
