"""Comparisons of in-engine results with the in-memory statistics (relative tolerance 1e-9)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

RTOL = 1e-9


def assert_same(a, b, path: str = "result") -> None:
    """Equal structure; numbers within RTOL (NaN equal to NaN), everything else exactly equal."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=0)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, np.ndarray) and a.dtype.kind in "fiub":
        assert a.shape == np.shape(b), path
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, equal_nan=True, err_msg=path)
    elif isinstance(a, (float, np.floating)) and not isinstance(a, bool):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, equal_nan=True, err_msg=path)
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
