"""Simon two-stage designs against Simon (1989) Tables 1–2, an independent base-R search, and hand cases."""


import pytest
from scipy import stats

from oncocohort.design.simon import NoDesignFound, operating_characteristics, simon

from .reference_values import PUBLISHED, R_REFERENCE

REL = 1e-6


def _boundaries(design):
    return f"{design.r1}/{design.n1}", f"{design.r}/{design.n}"


@pytest.mark.parametrize("row", PUBLISHED["designs"],
                         ids=lambda r: f"{r['table']}-{r['p0']}-{r['p1']}-{r['alpha']}-{r['beta']}")
def test_published_simon_1989_tables(row):
    designs = simon(row["p0"], row["p1"], row["alpha"], round(1 - row["beta"], 2), nmax=90)
    for kind, design in (("optimal", designs.optimal), ("minimax", designs.minimax)):
        published = row[kind]
        assert _boundaries(design) == (published["r1/n1"], published["r/n"]), kind
        assert round(design.expected_size_p0, 1) == pytest.approx(published["EN0"], abs=1e-9), kind
        assert round(design.early_termination_p0, 2) == pytest.approx(published["PET0"], abs=1e-9), kind
        assert design.alpha < row["alpha"] and design.power > 1 - row["beta"]


def test_at_least_eight_published_settings():
    assert len(PUBLISHED["designs"]) >= 8


@pytest.mark.parametrize("ref", R_REFERENCE["simon"], ids=lambda r: f"{r['p0']}-{r['p1']}-{r['alpha']}-{r['power']}")
def test_matches_base_r_search(ref):
    designs = simon(ref["p0"], ref["p1"], ref["alpha"], ref["power"], nmax=ref["nmax"])
    assert len(designs.designs) == len(ref["designs"])
    for ours, theirs in zip(designs.designs, ref["designs"]):
        assert (ours.r1, ours.n1, ours.r, ours.n) == (theirs["r1"], theirs["n1"], theirs["r"], theirs["n"])
        for field in ("expected_size_p0", "early_termination_p0", "alpha", "power", "q_low", "q_high"):
            assert getattr(ours, field) == pytest.approx(theirs[field], rel=REL, abs=1e-12), field


def test_admissible_designs_and_q_ranges():
    # p0 = 0.1, p1 = 0.3, alpha = 0.05, power = 0.8: two admissible designs between minimax 1/15 5/25 and optimal
    designs = simon(0.1, 0.3, 0.05, 0.8, nmax=45)
    assert [d.kind for d in designs.designs] == ["minimax", "admissible", "admissible", "optimal"]
    assert designs.designs[0].q_high == 1 and designs.designs[-1].q_low == 0
    for better, worse in zip(designs.designs, designs.designs[1:]):
        assert better.q_low == worse.q_high
        q = better.q_low      # at the boundary both losses are equal
        assert q * better.n + (1 - q) * better.expected_size_p0 == pytest.approx(
            q * worse.n + (1 - q) * worse.expected_size_p0)


def test_minimax_equal_to_optimal_listed_once():
    designs = simon(0.8, 0.95, 0.05, 0.8, nmax=60)   # clinfun's documented corner case
    assert len(designs.designs) == 1 and designs.designs[0].kind == "minimax and optimal"
    assert (designs.designs[0].q_low, designs.designs[0].q_high) == (0.0, 1.0)


def test_operating_characteristics_by_hand():
    # r1/n1 = 0/9, r/n = 2/17 at p0 = 0.05: PET = 0.95^9; reject = sum over x1 >= 1 of P(X1 = x1) P(X2 > 2 - x1)
    oc = operating_characteristics(0, 9, 2, 17, 0.05)
    assert oc.early_termination == pytest.approx(0.95 ** 9)
    by_hand = sum(stats.binom.pmf(x1, 9, 0.05) * stats.binom.sf(2 - x1, 8, 0.05) for x1 in range(1, 10))
    assert oc.reject == pytest.approx(by_hand)
    assert oc.expected_size == pytest.approx(9 + (1 - 0.95 ** 9) * 8)


def test_every_size_keeps_its_smallest_expected_size():
    designs = simon(0.05, 0.25, 0.05, 0.8, nmax=30)
    sizes = [row[3] for row in designs.best_by_size]
    assert sizes == sorted(sizes) and sizes[0] == designs.minimax.n
    assert min(row[4] for row in designs.best_by_size) == designs.optimal.expected_size_p0


def test_nmax_100_search_finds_the_published_design():
    # Simon (1989) Table 1, p0 0.20, p1 0.40, alpha 0.05, beta 0.20: optimal 3/13, 12/43 (speed: not asserted here)
    designs = simon(0.2, 0.4, 0.05, 0.8, nmax=100)
    assert (designs.optimal.r1, designs.optimal.n1, designs.optimal.r, designs.optimal.n) == (3, 13, 12, 43)


def test_optimal_near_nmax_is_noted():
    designs = simon(0.05, 0.25, 0.05, 0.8, nmax=20)
    assert designs.notes and "nmax" in designs.notes[0]


@pytest.mark.parametrize("args, words", [
    ((0.3, 0.2, 0.05, 0.8), "larger than p0"),
    ((0.1, 0.3, 1.5, 0.8), "alpha"),
    ((0.1, 0.3, 0.05, 0.0), "power"),
    ((0.0, 0.3, 0.05, 0.8), "p0"),
])
def test_impossible_settings_refused(args, words):
    with pytest.raises(ValueError, match=words):
        simon(*args)


def test_no_design_within_nmax():
    with pytest.raises(NoDesignFound, match="increase nmax"):
        simon(0.2, 0.3, 0.05, 0.9, nmax=20)


def test_to_dict_names_the_method():
    data = simon(0.05, 0.25, 0.05, 0.8, nmax=30).to_dict()
    assert "Simon (1989)" in data["method"] and data["designs"][0]["kind"] == "minimax"
