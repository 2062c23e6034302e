"""Redraw docs/gallery/*.png from the package's own figure code (R's lung data from the test references, the
bundled demo study, and a synthetic 5,000-patient cohort for the bounded swimmer plot).

    python scripts/make_gallery.py   # from the repository root

Drawn at 110 dpi to keep the repository small (the report writes 300 dpi)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oncocohort.demo.cohort import write_demo_study  # noqa: E402
from oncocohort.present.figure_style import plt  # noqa: E402
from oncocohort.present.forest_figure import forest_figure, forest_rows, subgroup_forest_rows  # noqa: E402
from oncocohort.present.km_figure import km_figure  # noqa: E402
from oncocohort.present.spider_figure import spider_figure  # noqa: E402
from oncocohort.present.swimmer_figure import swimmer_figure  # noqa: E402
from oncocohort.present.waterfall_figure import waterfall_figure  # noqa: E402
from oncocohort.report.build import analyse_folder  # noqa: E402
from oncocohort.stats.kaplan_meier import kaplan_meier  # noqa: E402
from oncocohort.stats.logrank import logrank_test  # noqa: E402

OUT = ROOT / "docs" / "gallery"
DPI = 110


def save(figure, name: str) -> None:
    figure.savefig(OUT / f"{name}.png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    lung = json.loads((ROOT / "tests" / "reference" / "r_reference.json").read_text())["data"]["lung"]
    time, status, sex = (np.array(lung[k], float) for k in ("time", "status", "sex"))
    curves = {"Male": kaplan_meier(time[sex == 1], status[sex == 1]),
              "Female": kaplan_meier(time[sex == 2], status[sex == 2])}
    test = logrank_test(time, status, np.where(sex == 1, "Male", "Female"))
    common = {"time_scale": 1 / 30.4375, "xlabel": "Time (months)", "ylabel": "Overall survival", "test": test}
    save(km_figure(curves, range(0, 37, 6), **common).figure, "km_lung_by_sex")
    save(km_figure(curves, range(0, 37, 6), kmunicate=True, **common).figure, "km_lung_by_sex_kmunicate")

    study = write_demo_study(Path(tempfile.mkdtemp()) / "study")
    _, _, results = analyse_folder(study)
    cox = next(c for c in results.cox if c.endpoint == "PFS")
    labels = {g.field: g.factor for g in results.subgroup_survival}
    subgroups = [g for g in results.subgroup_survival if g.endpoint == "PFS"]
    save(forest_figure(forest_rows(cox.multivariable, labels, subgroups)).figure, "forest_demo")
    save(forest_figure(subgroup_forest_rows(cox.univariable, labels, subgroups)).figure, "forest_subgroups_demo")
    save(waterfall_figure(results.patients, dict(results.response.rates).get("ORR")).figure, "waterfall_demo")
    save(spider_figure(results.visits, results.patients).figure, "spider_demo")

    sys.path.insert(0, str(ROOT / "tests" / "present"))
    from test_figure_layout import patients_case  # the layout test's synthetic cohort

    patients, _ = patients_case(5000)
    save(swimmer_figure(patients).figure, "swimmer_5000")


if __name__ == "__main__":
    main()
