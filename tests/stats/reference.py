"""Access to the R reference values (tests/reference/r_reference.json, made by make_reference.R, and
r_reference_na.json, made by make_reference_na.R)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

RTOL = 1e-6


@cache
def r_reference() -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / "reference" / "r_reference.json").read_text())


@cache
def r_reference_na() -> dict:
    """R's results on tests/reference/lung_na.csv (a write.csv file with NAs), made by make_reference_na.R."""
    return json.loads((Path(__file__).resolve().parents[1] / "reference" / "r_reference_na.json").read_text())


def close(actual, expected, rtol: float = RTOL) -> None:
    """Assert equality to R at relative tolerance ``rtol`` (None in R's output = NaN/NA here)."""
    expected = np.array([np.nan if v is None else v for v in np.atleast_1d(expected)], dtype=float)
    actual = np.atleast_1d(np.asarray(actual, dtype=float))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12, equal_nan=True)
