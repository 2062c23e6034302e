"""E-value for a hazard ratio (VanderWeele & Ding 2017, Ann Intern Med 167:268).

The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured confounder would
need with both treatment and outcome to explain away the observed effect: E = RR + sqrt(RR·(RR − 1)) for RR ≥ 1
(for RR < 1, use 1/RR first).

A hazard ratio is first put on the risk-ratio scale:

- rare outcome (cumulative incidence < 15 % at the end of follow-up): RR ≈ HR;
- common outcome: RR ≈ (1 − 0.5^√HR) / (1 − 0.5^√(1/HR)) — VanderWeele's square-root transform (2020, Biometrics
  "Optimal approximate conversions of odds ratios and hazard ratios to risk ratios"), as R ``EValue::evalues.HR``.

The E-value for the CI is that of the limit closer to 1, and 1 when the CI includes 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class EValue:
    """E-values of a hazard ratio and of its CI limit closer to the null."""

    hazard_ratio: float
    lower: float
    upper: float
    rare_outcome: bool
    risk_ratio: float
    e_value: float
    e_value_ci: float

    @property
    def method(self) -> str:
        scale = ("rare outcome: RR ≈ HR" if self.rare_outcome
                 else "common outcome: RR ≈ (1 − 0.5^√HR)/(1 − 0.5^√(1/HR))")
        return f"E-value (VanderWeele & Ding 2017), {scale}"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"estimate": self.hazard_ratio, "conf_low": self.lower, "conf_high": self.upper,
                              "risk_ratio": self.risk_ratio, "e_value": self.e_value,
                              "e_value_ci": self.e_value_ci, "method": self.method}])


def hazard_ratio_to_risk_ratio(hazard_ratio: float, rare_outcome: bool) -> float:
    """The risk ratio a hazard ratio stands for (see the module docstring)."""
    if not hazard_ratio > 0:
        raise ValueError("a hazard ratio must be positive")
    if rare_outcome:
        return float(hazard_ratio)
    return float((1 - 0.5 ** np.sqrt(hazard_ratio)) / (1 - 0.5 ** np.sqrt(1 / hazard_ratio)))


def e_value_of_risk_ratio(risk_ratio: float) -> float:
    """E = RR + sqrt(RR (RR − 1)), with RR < 1 inverted first; 1 for RR = 1."""
    rr = risk_ratio if risk_ratio >= 1 else 1 / risk_ratio
    return float(rr + np.sqrt(rr * (rr - 1)))


def e_value_hazard_ratio(hazard_ratio: float, lower: float, upper: float, rare_outcome: bool) -> EValue:
    """E-values of a hazard ratio and its CI. ``rare_outcome``: True when fewer than 15 % had the outcome."""
    if not 0 < lower <= hazard_ratio <= upper:
        raise ValueError("the CI must satisfy 0 < lower <= hazard ratio <= upper")
    rr = hazard_ratio_to_risk_ratio(hazard_ratio, rare_outcome)
    if lower <= 1 <= upper:
        e_ci = 1.0
    else:
        near = lower if hazard_ratio > 1 else upper
        e_ci = e_value_of_risk_ratio(hazard_ratio_to_risk_ratio(near, rare_outcome))
    return EValue(float(hazard_ratio), float(lower), float(upper), bool(rare_outcome), rr,
                  e_value_of_risk_ratio(rr), e_ci)


__all__ = ["EValue", "e_value_hazard_ratio", "e_value_of_risk_ratio", "hazard_ratio_to_risk_ratio"]
