"""Simon (1989) two-stage designs for a single-arm phase II trial with a binary endpoint (e.g. objective response).

Stage 1 treats n1 patients and stops for futility when at most r1 respond; otherwise stage 2 treats n − n1 more,
and the treatment is called promising when more than r of all n respond. H0: p ≤ p0 (the uninteresting rate)
against p ≥ p1 (the rate worth pursuing).

The search follows R ``clinfun::ph2simon`` (Simon 1989; designs listed per maximum size n): for every n up to
``nmax``, every n1 < n, every r1 from −1 (no early stop) to n1 − 1 and every r from r1 to (n − n1) + r1, the
exact binomial type I error must be below α and the type II error below β (both strictly, as clinfun); among the
designs that qualify for one n the one with the smallest expected size under p0, EN(p0), is kept (ties: the
smaller n1, then the larger r1, then the larger r; EN(p0) must also be below n, which rules out designs without an
early stop). The **minimax** design is the one with the smallest n, the **optimal** one has the smallest EN(p0)
over all n ≤ nmax, and the **admissible** designs (Jung, Lee, Kim & George 2004) are those on the lower convex hull
of (n, EN(p0)) between them: each minimises q·n + (1 − q)·EN(p0) for the q-weights in its [q_low, q_high].

Hand-written (no Python library offers Simon designs); the binomial sums are scipy's, vectorised over all
(n1, r1, r) of one n at once, so ``nmax`` = 100 takes about a second.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..stats.distributions import stats  # scipy.stats; binom's pmf/cdf/sf without importing it

NMAX_LIMIT = 200
METHOD = ("Simon (1989) two-stage design, exact binomial; optimal = smallest EN(p0), minimax = smallest maximum "
          "size, admissible = Jung et al. (2004); search as R clinfun::ph2simon")


@dataclass(frozen=True)
class OperatingCharacteristics:
    """What a two-stage design (r1/n1, r/n) does at a true response rate p.

    Attributes
    ----------
    p : the true response rate (proportion, 0–1).
    reject : probability of calling the treatment promising (> r responses in all n, after > r1 in stage 1);
        at p0 this is the attained type I error α, at p1 the attained power.
    early_termination : PET(p), probability of stopping after stage 1 (≤ r1 responses of n1).
    expected_size : EN(p) = n1 + (1 − PET(p))·(n − n1), patients.
    """

    p: float
    reject: float
    early_termination: float
    expected_size: float


def operating_characteristics(r1: int, n1: int, r: int, n: int, p: float) -> OperatingCharacteristics:
    """Exact operating characteristics of the two-stage design r1/n1, r/n at response rate ``p`` (as R
    ``clinfun::oc.twostage.bdry``): P(reject H0) = Σ_{x1 > r1} P(X1 = x1)·P(X2 > r − x1), X1 ~ Bin(n1, p),
    X2 ~ Bin(n − n1, p)."""
    _check_boundaries(r1, n1, r, n)
    x1 = np.arange(r1 + 1, n1 + 1)
    reject = float(np.sum(stats.binom.pmf(x1, n1, p) * stats.binom.sf(r - x1, n - n1, p)))
    pet = float(stats.binom.cdf(r1, n1, p))
    return OperatingCharacteristics(p, reject, pet, n1 + (1 - pet) * (n - n1))


def _check_boundaries(r1: int, n1: int, r: int, n: int) -> None:
    if not all(isinstance(v, (int, np.integer)) for v in (r1, n1, r, n)):
        raise ValueError("r1, n1, r and n must be whole numbers")
    if not 1 <= n1 < n:
        raise ValueError(f"need 1 <= n1 < n, got n1={n1}, n={n}")
    if not -1 <= r1 < n1:
        raise ValueError(f"need -1 <= r1 < n1 (stop after stage 1 with at most r1 responses), got r1={r1}, n1={n1}")
    if not r1 <= r < n:
        raise ValueError(f"need r1 <= r < n (promising with more than r responses), got r1={r1}, r={r}, n={n}")


@dataclass(frozen=True)
class TwoStageDesign:
    """One Simon two-stage design: stop after n1 patients with ≤ r1 responses; promising with > r of n.

    ``expected_size_p0`` (EN(p0), patients) and ``early_termination_p0`` (PET(p0)) are under the null rate;
    ``alpha`` and ``power`` are the attained exact error rates. The design minimises q·n + (1 − q)·EN(p0) for the
    q-weights in [``q_low``, ``q_high``] (1 = only the maximum size matters, 0 = only EN(p0)).
    """

    kind: str
    r1: int
    n1: int
    r: int
    n: int
    expected_size_p0: float
    early_termination_p0: float
    alpha: float
    power: float
    q_low: float
    q_high: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SimonDesigns:
    """The minimax, admissible and optimal Simon designs for one (p0, p1, α, power) setting.

    ``designs`` runs from the minimax design (smallest n) to the optimal one (smallest EN(p0)); when they are the
    same design it is listed once with kind "minimax and optimal". ``best_by_size`` holds, for every maximum size
    n ≤ nmax with a qualifying design, the design with the smallest EN(p0) as (r1, n1, r, n, EN(p0), PET(p0)) —
    clinfun's ``$out``. ``notes`` says when the optimal design is close to ``nmax`` (a larger nmax may find a
    better one, clinfun's warning).
    """

    p0: float
    p1: float
    alpha: float
    power: float
    nmax: int
    designs: tuple[TwoStageDesign, ...]
    best_by_size: tuple[tuple[int, int, int, int, float, float], ...]
    notes: tuple[str, ...]
    method: str = METHOD

    @property
    def minimax(self) -> TwoStageDesign:
        return self.designs[0]

    @property
    def optimal(self) -> TwoStageDesign:
        return self.designs[-1]

    def to_dict(self) -> dict:
        return {"p0": self.p0, "p1": self.p1, "alpha": self.alpha, "power": self.power, "nmax": self.nmax,
                "method": self.method, "designs": [d.to_dict() for d in self.designs],
                "best_by_size": [dict(zip(("r1", "n1", "r", "n", "expected_size_p0", "early_termination_p0"), row))
                                 for row in self.best_by_size],
                "notes": list(self.notes)}


class NoDesignFound(ValueError):
    """No two-stage design with n ≤ nmax meets the error rates."""


def check_rates(p0: float, p1: float, alpha: float, power: float) -> None:
    """Refuse settings no design can have: rates outside (0, 1), p1 ≤ p0, α or power outside (0, 1)."""
    for name, value in (("p0", p0), ("p1", p1), ("alpha", alpha), ("power", power)):
        if not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ValueError(f"{name} must be a number between 0 and 1 (exclusive), got {value!r}")
    if p1 <= p0:
        raise ValueError(f"p1 (the response rate worth pursuing, {p1}) must be larger than p0 (the uninteresting "
                         f"rate, {p0})")
    if power <= alpha:
        raise ValueError(f"power ({power}) must be larger than alpha ({alpha})")


def _best_for_size(n: int, p0: float, p1: float, alpha: float, beta: float):
    """The qualifying design with the smallest EN(p0) among all with maximum size n, or None."""
    # Pruning (exact, not a heuristic): a design rejects only when all n responses number more than r, so its power
    # is at most P(Bin(n, p1) > r); r above the largest r with that bound over 1 − β cannot qualify, nor can r1 ≥ r.
    bound = stats.binom.sf(np.arange(0, n), n, p1)
    feasible = np.nonzero(bound > 1 - beta - 1e-9)[0]
    if not len(feasible):
        return None
    r_max = int(feasible.max())
    n1 = np.arange(1, n)                      # stage-1 sizes, axis 0
    n2 = n - n1
    k = np.arange(0, min(n, r_max + 2))       # k = r1 + 1: stage 1 continues with X1 >= k (r1 <= r)
    r = np.arange(0, r_max + 1)               # promising with > r responses
    x1 = np.arange(0, r_max + 1)              # stage-1 counts summed term by term; above r_max, P(X2 > r − x1) = 1
    shift = r[None, :] - x1[:, None] + n - 1  # index of r - x1 in a table over -(n-1)..(n-1)
    offsets = np.arange(-(n - 1), n)
    reject = []
    for p in (p0, p1):
        pmf = stats.binom.pmf(x1[None, :], n1[:, None], p)                      # P(X1 = x1), x1 on axis 1
        sf = stats.binom.sf(offsets[None, :], n2[:, None], p)                   # P(X2 > j)
        terms = pmf[:, :, None] * sf[:, shift]                                  # (n1, x1, r)
        tail = np.flip(np.cumsum(np.flip(terms, axis=1), axis=1), axis=1)      # Σ over k <= x1 <= r_max
        tail = np.concatenate([tail, np.zeros((len(n1), 1, len(r)))], axis=1)[:, :len(k)]
        reject.append(tail + stats.binom.sf(r_max, n1, p)[:, None, None])       # + P(X1 > r_max)
    pet0 = stats.binom.cdf(k[None, :] - 1, n1[:, None], p0)                     # P(X1 <= r1)
    size0 = n1[:, None] + (1 - pet0) * n2[:, None]
    r1 = k[None, :, None] - 1
    valid = ((k[None, :, None] <= n1[:, None, None]) & (r[None, None, :] >= r1)
             & (r[None, None, :] <= n2[:, None, None] + r1))
    ok = valid & (reject[0] < alpha) & (1 - reject[1] < beta)
    any_ok = ok.any(axis=2)
    size = np.where(any_ok & (size0 < n), size0, np.inf)
    # first minimum in clinfun's order: n1 ascending, then r1 descending, then r descending
    flat = np.argmin(size[:, ::-1])
    i, kk = divmod(int(flat), len(k))
    kk = len(k) - 1 - kk
    if not np.isfinite(size[i, kk]):
        return None
    r_best = int(np.nonzero(ok[i, kk])[0].max())
    return (kk - 1, int(n1[i]), r_best, n, float(size0[i, kk]), float(pet0[i, kk]))


def _admissible(rows: list[tuple]) -> list[tuple[tuple, float, float]]:
    """Designs on the lower convex hull of (n, EN(p0)) from minimax (rows[0]) to optimal, with their q ranges
    (Jung et al. 2004; clinfun::twostage.admissible without its rounding of q to 3 decimals)."""
    sizes = [row[4] for row in rows]
    optimal = int(np.argmin(sizes))
    if optimal == 0:
        return [(rows[0], 0.0, 1.0)]
    hull = [0]
    while hull[-1] < optimal:
        start = hull[-1]
        slopes = [(rows[j][4] - rows[start][4]) / (rows[j][3] - rows[start][3]) for j in range(start + 1, optimal + 1)]
        hull.append(start + 1 + int(np.argmin(slopes)))
    chosen = [rows[j] for j in hull]
    q = [(b[4] - a[4]) / ((b[4] - a[4]) - (b[3] - a[3])) for a, b in zip(chosen, chosen[1:])]
    return [(row, q[i] if i < len(q) else 0.0, 1.0 if i == 0 else q[i - 1]) for i, row in enumerate(chosen)]


def simon(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8, nmax: int = 100) -> SimonDesigns:
    """Simon two-stage designs (minimax, admissible, optimal) for H0: p ≤ p0 against p ≥ p1.

    Parameters
    ----------
    p0, p1 : the uninteresting and the target response rate (proportions, p0 < p1).
    alpha : one-sided type I error the design must stay below (exact binomial).
    power : power at p1 the design must exceed (type II error β = 1 − power).
    nmax : the largest total sample size searched (at most 200).

    Raises
    ------
    ValueError for impossible settings; NoDesignFound when no design with n ≤ nmax qualifies.
    """
    check_rates(p0, p1, alpha, power)
    if not isinstance(nmax, (int, np.integer)) or not 2 <= nmax <= NMAX_LIMIT:
        raise ValueError(f"nmax must be a whole number from 2 to {NMAX_LIMIT}, got {nmax!r}")
    beta = round(1 - power, 12)   # 1 - 0.8 is 0.19999999999999996 in floating point; clinfun is given 0.2
    rows = [row for n in range(2, nmax + 1) if (row := _best_for_size(n, p0, p1, alpha, beta)) is not None]
    if not rows:
        raise NoDesignFound(f"no two-stage design with at most {nmax} patients has alpha < {alpha} and power > "
                            f"{power} for p0 = {p0}, p1 = {p1}; increase nmax")
    admissible = _admissible(rows)
    designs = []
    for index, (row, q_low, q_high) in enumerate(admissible):
        r1, n1, r, n, size0, pet0 = row
        if len(admissible) == 1:
            kind = "minimax and optimal"
        else:
            kind = "minimax" if index == 0 else "optimal" if index == len(admissible) - 1 else "admissible"
        designs.append(TwoStageDesign(kind, r1, n1, r, n, size0, pet0,
                                      operating_characteristics(r1, n1, r, n, p0).reject,
                                      operating_characteristics(r1, n1, r, n, p1).reject, q_low, q_high))
    notes = []
    if designs[-1].n > nmax - 10:
        notes.append(f"the optimal design's size ({designs[-1].n}) is within 10 of nmax ({nmax}): a larger nmax "
                     "may find a design with a smaller EN(p0)")
    return SimonDesigns(p0, p1, alpha, power, nmax, tuple(designs), tuple(rows), tuple(notes))
