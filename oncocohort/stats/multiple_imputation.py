"""Missing covariates: complete cases (the default, with the number dropped stated) or multiple imputation by
chained equations with the estimates pooled by Rubin's rules.

- Complete cases: rows with every variable of the model present; the rows left out are counted per variable
  (:func:`.survival_summary.complete_rows`).
- Imputation: statsmodels ``MICEData`` (chained equations, predictive mean matching — the default of R ``mice``
  too), ``m`` data sets, seeded so the same input gives the same output.
- Pooling (Rubin 1987; Barnard & Rubin 1999 small-sample df), as R ``mice::pool``: Q̄ = mean of the estimates,
  Ū = mean of the variances, B = between-imputation variance (denominator m − 1), T = Ū + (1 + 1/m)B;
  riv = (1 + 1/m)B/Ū, λ = (1 + 1/m)B/T (floored at 1e-4 for the df), df_old = (m − 1)/λ²,
  df_obs = (df_com + 1)/(df_com + 3)·df_com·(1 − λ), df = df_old·df_obs/(df_old + df_obs),
  fmi = (riv + 2/(df + 3))/(riv + 1); t-based CI and p with df. For a Cox model df_com is the number of events
  minus the number of coefficients (what ``mice::pool`` takes from ``broom::glance(coxph)``).
Hand-written because no maintained Python package pools with Barnard–Rubin df as mice does (statsmodels' MICE
pools only its own GLM fits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distributions import stats  # scipy.stats' t functions, without importing scipy.stats


@dataclass(frozen=True)
class PooledTerm:
    term: str
    estimate: float
    ubar: float          # within-imputation variance
    b: float             # between-imputation variance
    t: float             # total variance
    dfcom: float
    df: float
    riv: float           # relative increase in variance
    lambda_: float       # proportion of variance due to missingness
    fmi: float           # fraction of missing information
    std_error: float
    statistic: float
    p_value: float
    conf_low: float
    conf_high: float


@dataclass(frozen=True)
class PooledEstimates:
    """Estimates pooled over ``m`` imputed data sets by Rubin's rules (module docstring)."""

    terms: tuple[PooledTerm, ...]
    m: int
    conf_level: float
    method: str = "Rubin's rules (Barnard–Rubin df), as R mice::pool"

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per term (estimate on the model's scale, e.g. log HR), as ``summary(pool(fit))``."""
        frame = pd.DataFrame([t.__dict__ for t in self.terms]).rename(columns={"lambda_": "lambda"})
        return frame.assign(m=self.m, method=self.method)


def barnard_rubin_df(m: int, b: np.ndarray, t: np.ndarray, dfcom: float) -> np.ndarray:
    """Degrees of freedom of the pooled estimate (Barnard & Rubin 1999), as mice's ``barnard.rubin``."""
    lam = np.maximum((1 + 1 / m) * b / t, 1e-4)
    dfold = (m - 1) / lam**2
    if np.isinf(dfcom):
        return dfold
    dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lam)
    return dfold * dfobs / (dfold + dfobs)


def pool_rubin(estimates, variances, names, dfcom: float = np.inf, conf_level: float = 0.95) -> PooledEstimates:
    """Pool per-imputation ``estimates`` (m × p) with their ``variances`` (m × p, squared SEs)."""
    q = np.asarray(estimates, float)
    u = np.asarray(variances, float)
    m = q.shape[0]
    if m < 2:
        raise ValueError("Rubin's rules need at least 2 imputed data sets")
    qbar, ubar = q.mean(axis=0), u.mean(axis=0)
    b = q.var(axis=0, ddof=1)
    t = ubar + (1 + 1 / m) * b
    riv = (1 + 1 / m) * b / ubar
    lam = (1 + 1 / m) * b / t
    df = barnard_rubin_df(m, b, t, dfcom)
    fmi = (riv + 2 / (df + 3)) / (riv + 1)
    se = np.sqrt(t)
    statistic = qbar / se
    p = 2 * stats.t.sf(np.abs(statistic), df)
    crit = stats.t.ppf(1 - (1 - conf_level) / 2, df)
    terms = tuple(PooledTerm(str(n), *map(float, row)) for n, row in zip(
        names, np.column_stack([qbar, ubar, b, t, np.full_like(qbar, dfcom), df, riv, lam, fmi, se, statistic, p,
                                qbar - crit * se, qbar + crit * se])))
    return PooledEstimates(terms, m, conf_level)


def impute_chained(frame: pd.DataFrame, columns, m: int = 5, seed: int = 20240517, burn_in: int = 10
                   ) -> list[pd.DataFrame]:
    """``m`` completed copies of ``frame`` with the missing values of ``columns`` (numbers) imputed by chained
    equations (statsmodels ``MICEData``, predictive mean matching), deterministic for a given ``seed``."""
    from statsmodels.imputation.mice import MICEData  # heavy import, only when imputing

    columns = list(columns)
    data = frame[columns].astype(float).reset_index(drop=True)
    data.columns = [f"v{j}" for j in range(len(columns))]  # MICEData writes patsy formulas: names like ph.ecog break
    imputer = MICEData(data, rng=np.random.default_rng(seed))
    completed = []
    for _ in range(m):
        imputer.update_all(burn_in)
        copy = frame.reset_index(drop=True).copy()
        copy[columns] = imputer.data[list(data.columns)].to_numpy()
        completed.append(copy)
    return completed


def pooled_cox(imputed: list[pd.DataFrame], time: str, event: str, covariates, ties: str = "efron",
               conf_level: float = 0.95, categorical=()) -> PooledEstimates:
    """Cox model (:func:`.cox.cox_model`) on each completed data set, pooled by Rubin's rules on the log-HR
    scale with df_com = events − coefficients (as ``mice::pool``)."""
    from .cox import cox_model

    fits = [cox_model(data, time, event, list(covariates), categorical, ties=ties) for data in imputed]
    names = [t.name for t in fits[0].terms]
    estimates = [[t.coef for t in f.terms] for f in fits]
    variances = [[t.se**2 for t in f.terms] for f in fits]
    return pool_rubin(estimates, variances, names, dfcom=fits[0].events - len(names), conf_level=conf_level)
