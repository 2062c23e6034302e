"""R survival's rotterdam (tests/reference/rotterdam.csv) and the values R computed on it
(tests/reference/confounding_reference.json), both made by tests/reference/make_confounding_reference.R."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
CONFOUNDERS = ["age", "meno", "size", "grade", "nodes"]


@cache
def confounding_reference() -> dict:
    return json.loads((REFERENCE / "confounding_reference.json").read_text())


def rotterdam() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "rotterdam.csv", keep_default_na=False)


def r_weights(name: str) -> np.ndarray:
    return np.array(confounding_reference()["weights"][name], float)
