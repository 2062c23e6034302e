"""The design reference files: tests/reference/design_reference.json (base R, make_design_reference.R) and
simon_1989_tables.json (published values typed from the papers)."""

import json
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R_REFERENCE = json.loads((REFERENCE / "design_reference.json").read_text())
PUBLISHED = json.loads((REFERENCE / "simon_1989_tables.json").read_text())
