"""Weighted Kaplan–Meier curve (e.g. IPTW-adjusted survival), equal to R ``survfit(Surv(t, e) ~ 1, weights = w)``.

The weights enter in the count step: at each distinct time, n_risk and n_event are sums of weights rather than
numbers of patients (Xie & Liu 2005, "adjusted Kaplan–Meier"); S(t) = Π (1 − d_w / n_w).

Variance, as R survival ≥ 3 (``survfit(weights = w)``, whose default with non-integer weights is ``robust = TRUE``):

- ``"robust"`` (default): the infinitesimal jackknife, Var S(t) = Σᵢ (wᵢ ∂S(t)/∂wᵢ)², with
  ∂S(t)/∂wᵢ = −S(t) Σ_{t_j ≤ t} (δᵢⱼ n_j − d_j Yᵢ(t_j)) / (n_j (n_j − d_j)); ``std_err`` is then the SE of S(t)
  itself (R's ``logse = FALSE``), and the log CI is exp(log S ± z·SE/S).
- ``"greenwood"`` (R ``robust = FALSE``): Greenwood's formula on the weighted counts, as if the weights were
  frequencies; ``std_err`` is the SE of −log S(t), sqrt(Σ d_w / (n_w (n_w − d_w))).

Pointwise CIs as ``kaplan_meier`` (log by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .kaplan_meier import ConfType, _confint


def weighted_kaplan_meier(time, event, weights, conf_type: ConfType = "log", conf_level: float = 0.95,
                          variance: str = "robust") -> pd.DataFrame:
    """Weighted Kaplan–Meier at every distinct time (events and censorings), as R ``survfit(weights = w)``.

    Returns a frame with time, n_risk (sum of weights at risk), n_event (sum of weights of events), n_censor,
    surv, std_err, lower, upper and the method in ``frame.attrs["method"]``.
    """
    time = np.asarray(time, float)
    event = np.asarray(event).astype(float)
    weights = np.asarray(weights, float)
    if not (time.shape == event.shape == weights.shape) or (weights < 0).any() or np.isnan(weights).any():
        raise ValueError("time, event and weights must be of equal length, weights >= 0")
    keep = weights > 0  # a patient of weight 0 (trimmed) takes no part, as R drops zero weights
    distinct, cell = np.unique(time[keep], return_inverse=True)
    w = weights[keep]
    d = np.bincount(cell, w * event[keep], len(distinct))
    c = np.bincount(cell, w * (1 - event[keep]), len(distinct))
    n = np.cumsum((d + c)[::-1])[::-1]
    surv = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.sqrt(np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0)))
    greenwood[~np.isfinite(greenwood)] = np.nan
    if variance == "greenwood":
        std_err, log_se = greenwood, greenwood
    elif variance == "robust":
        std_err = surv * np.sqrt(_jackknife_variance(cell, event[keep], w, n, d))
        std_err[surv == 0] = 0.0  # as R: no spread once everyone has had the event
        with np.errstate(divide="ignore", invalid="ignore"):
            log_se = np.where(surv > 0, std_err / surv, np.nan)
    else:
        raise ValueError("variance must be 'robust' or 'greenwood'")
    lower, upper = _confint(surv, log_se, conf_type, conf_level)
    frame = pd.DataFrame({"time": distinct, "n_risk": n, "n_event": d, "n_censor": c, "surv": surv,
                          "std_err": std_err, "lower": lower, "upper": upper})
    se_words = ("infinitesimal-jackknife (robust) SE of S(t)" if variance == "robust"
                else "Greenwood SE of −log S(t) on weighted counts")
    frame.attrs["method"] = (f"weighted Kaplan–Meier (weights in the counts), {se_words}, {conf_type} CI, "
                             f"as R survfit(weights = w{'' if variance == 'robust' else ', robust = FALSE'})")
    return frame


def _jackknife_variance(cell, event, w, n, d) -> np.ndarray:
    """Σᵢ wᵢ² Aᵢ(t)² at every cell, Aᵢ(t) = ∂ log S(t)/∂wᵢ up to sign: for a patient whose time tᵢ ≤ t,
    δᵢ/(n − d)(tᵢ) − C(tᵢ); for one still at risk after t, −C(t); C(t) = Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0))
        own = np.where(event == 1, 1 / (n - d)[cell], 0.0) - c[cell]
    finished = np.cumsum(np.bincount(cell, w**2 * own**2, len(n)))
    later = np.cumsum(np.bincount(cell, w**2, len(n))[::-1])[::-1]
    still_at_risk = np.r_[later[1:], 0.0]
    with np.errstate(invalid="ignore"):  # the last time when everyone had the event: inf·0, S = 0 there anyway
        return finished + c**2 * still_at_risk


__all__ = ["weighted_kaplan_meier"]
