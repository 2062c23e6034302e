"""Write tests/reference/demo_cox_rows.csv: the demo study's PFS and OS rows with its three Cox factors, as the
report groups them (no patient identifiers), for make_level_order_reference.R.

    python tests/reference/write_demo_cox_rows.py   # from the repository root
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FACTORS = {"ecog": "ecog", "starting_dose:anlotinib": "dose", "histology_group": "histology"}


def demo_cox_rows():
    """The rows (endpoint, time, event and the factors as the report groups them), in patient order."""
    import pandas as pd

    from oncocohort.demo.cohort import write_demo_study
    from oncocohort.report.build import analyse_folder
    from oncocohort.stats.study_analysis import subgroup_values

    with tempfile.TemporaryDirectory() as folder:
        _, datasets, results = analyse_folder(write_demo_study(Path(folder) / "study"))
    adsl = datasets.adsl.set_index("patient_id")
    patients = results.patients
    frames = []
    for endpoint in ("PFS", "OS"):
        rows = pd.DataFrame({"endpoint": endpoint, "time": patients[f"{endpoint.lower()}_time"],
                             "event": patients[f"{endpoint.lower()}_event"].astype(int)})
        for subgroup in results.config.analysis.subgroups:
            groups = subgroup_values(adsl[subgroup.field], subgroup)
            rows[FACTORS[subgroup.field]] = patients["patient_id"].map(groups).to_numpy()
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


if __name__ == "__main__":
    demo_cox_rows().to_csv(ROOT / "tests" / "reference" / "demo_cox_rows.csv", index=False, float_format="%.17g")
    print("wrote tests/reference/demo_cox_rows.csv")
