"""Analysis results as JSON values: NaN/inf (a median not reached, a limit not estimable) become null and numpy
scalars become Python numbers. One rule for every JSON the package writes (``survival --json``, results.json)."""

from __future__ import annotations

import math

import numpy as np


def json_number(value) -> float | None:
    """A float, or None for NaN/inf."""
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def json_ready(value):
    """Recursively: dicts, lists and tuples walked; floats through :func:`json_number`; numpy integers and booleans
    to Python ones; everything else unchanged."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return json_number(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
