"""CSV output safety (OWASP CSV injection): formula starts get a leading quote, numbers and missing markers stay,
missing values are empty cells."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from oncocohort.io.csv_output import csv_writer, neutralise_cell, neutralise_frame, write_frame_csv

PAYLOADS = ["=HYPERLINK(\"http://x\",\"click\")", "=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+1+cmd|x", "-2+3+cmd|x",
            "\t=1+1", "\r=1+1", "-abc"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_starts_get_a_leading_quote(payload):
    assert neutralise_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["-3.5", "+2", "-1e-05", "-.5", "12", "-", "--", "text", "a=b", "", None, 3, -2.5])
def test_numbers_text_and_missing_markers_stay(value):
    assert neutralise_cell(value) == value


def test_frame_written_neutralised_with_empty_missing(tmp_path):
    frame = pd.DataFrame({"=name": ["=1+1", None, "ok"], "x": [-1.5, np.nan, 2.0],
                          "n": pd.array([1, None, 3], dtype="Int64")})
    text = write_frame_csv(frame, tmp_path / "f.csv").read_text(encoding="utf-8")
    assert text == "'=name,x,n\n'=1+1,-1.5,1\n,,\nok,2.0,3\n"
    assert frame.loc[0, "=name"] == "=1+1"  # the caller's frame is not changed
    safe = neutralise_frame(frame)["'=name"]
    assert safe[0] == "'=1+1" and pd.isna(safe[1]) and safe[2] == "ok"


def test_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["@a", "-7", "b"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'@a", "-7", "b"]]
