"""Nearest-neighbour propensity-score matching with a caliper, as R ``MatchIt::matchit(method = "nearest",
distance = "glm", caliper, std.caliper, ratio, replace = FALSE)`` (estimand ATT).

- Distance: the propensity score (``propensity.propensity_model``, logistic regression as R ``glm``).
- Caliper: a treated and a control patient may be paired only when their scores differ by at most the caliper
  width — ``caliper`` × SD(score) over all patients (``std_caliper``, MatchIt's default; Austin 2011 recommends 0.2)
  or ``caliper`` on the score scale.
- Greedy, without replacement (MatchIt's default order ``"largest"``): the treated patients in order of decreasing
  score (ties in data order) each take the closest control still available within the caliper (equal distances:
  the first in data order). With ``ratio`` k the rounds repeat k times — every treated patient gets a first
  control, then a second, … — as MatchIt's ``nn_matchC``. Treated patients without a control within the caliper
  are left out (the estimand becomes the ATT of the matched treated) and listed.
- Weights (MatchIt ``weights.matrix``): 1 for each matched treated patient; a control gets 1/(controls of its
  treated patient) per pairing, and the control weights are rescaled to sum to the number of matched controls.
  Subclass: a treated patient and its controls (for the cluster-robust SE of the matched-sample hazard ratio).

Hand-written because no maintained Python package reproduces MatchIt's greedy order and caliper rule. Each treated
patient scans the available controls (O(n_treated × n_control) vectorised arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MatchedSample:
    """The result of matching: per input row its weight (0 = not in the matched sample) and subclass (−1 = none);
    ``pairs`` lists (treated row, control row, round) with rows as 0-based positions in the input."""

    weights: np.ndarray
    subclass: np.ndarray
    treated: np.ndarray
    pairs: tuple[tuple[int, int, int], ...]
    caliper: float | None
    caliper_width: float | None
    std_caliper: bool
    ratio: int

    @property
    def method(self) -> str:
        if self.caliper is None:
            rule = "no caliper"
        elif self.std_caliper:
            rule = f"caliper {self.caliper:g} SD of the propensity score (width {self.caliper_width:.4g})"
        else:
            rule = f"caliper {self.caliper:g} on the propensity-score scale"
        return (f"nearest-neighbour propensity-score matching 1:{self.ratio}, greedy from the largest score, "
                f"without replacement, {rule} (as R MatchIt::matchit(method = \"nearest\")); estimand ATT")

    @property
    def matched_treated(self) -> np.ndarray:
        """Mask of the treated rows that got at least one control."""
        return (self.treated == 1) & (self.weights > 0)

    @property
    def unmatched_treated(self) -> np.ndarray:
        """Positions of the treated rows left without a control."""
        return np.nonzero((self.treated == 1) & (self.weights == 0))[0]

    def to_frame(self) -> pd.DataFrame:
        """One row per pairing: treated row, control row (0-based input positions), round, subclass, method."""
        return pd.DataFrame([{"treated_row": t, "control_row": c, "round": r + 1, "subclass": int(self.subclass[t]),
                              "method": self.method} for t, c, r in self.pairs])


def caliper_width(score, caliper: float | None, std_caliper: bool = True) -> float | None:
    """The largest allowed score difference: ``caliper`` × SD(score) (sample SD, as R ``sd``) or ``caliper``."""
    if caliper is None:
        return None
    if not caliper > 0:
        raise ValueError(f"the caliper must be positive, got {caliper:g}")
    return float(caliper * np.std(np.asarray(score, float), ddof=1)) if std_caliper else float(caliper)


def nearest_neighbor_match(treated, score, caliper: float | None = None, std_caliper: bool = True,
                           ratio: int = 1) -> MatchedSample:
    """Match each treated patient (``treated`` 1) to ``ratio`` controls (0) by ``score`` — see the module
    docstring for the rule; equal to MatchIt's ``nn_matchC`` with ``m.order = "largest"``, ``replace = FALSE``."""
    treated = np.asarray(treated).astype(int)
    score = np.asarray(score, float)
    if ratio < 1 or int(ratio) != ratio:
        raise ValueError(f"ratio must be a whole number >= 1, got {ratio}")
    width = caliper_width(score, caliper, std_caliper)
    treated_rows = np.nonzero(treated == 1)[0]
    control_rows = np.nonzero(treated == 0)[0]
    order = treated_rows[np.argsort(-score[treated_rows], kind="stable")]
    available = np.ones(len(control_rows), bool)
    chosen: dict[int, list[int]] = {int(t): [] for t in treated_rows}
    pairs = []
    for round_ in range(int(ratio)):
        for t in order:
            if not available.any():
                break
            distance = np.abs(score[control_rows] - score[t])
            eligible = available if width is None else available & (distance <= width)
            if not eligible.any():
                continue
            best = int(np.argmin(np.where(eligible, distance, np.inf)))  # first of equal distances
            available[best] = False
            chosen[int(t)].append(int(control_rows[best]))
            pairs.append((int(t), int(control_rows[best]), round_))
    weights = np.zeros(len(score))
    subclass = np.full(len(score), -1)
    for label, (t, controls) in enumerate((t, c) for t, c in chosen.items() if c):
        weights[t] = 1.0
        weights[controls] += 1.0 / len(controls)
        subclass[[t, *controls]] = label
    controls_used = weights[control_rows] > 0
    if controls_used.any():  # MatchIt: control weights rescaled to sum to the number of matched controls
        weights[control_rows] *= controls_used.sum() / weights[control_rows].sum()
    return MatchedSample(weights, subclass, treated, tuple(sorted(pairs, key=lambda p: (p[2], p[0]))), caliper,
                         width, std_caliper, int(ratio))


__all__ = ["MatchedSample", "caliper_width", "nearest_neighbor_match"]
