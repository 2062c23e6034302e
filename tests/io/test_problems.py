"""Problem rendering: grouped text lines with counts and first rows, JSON with every occurrence, escaped control
characters."""

from __future__ import annotations

import json

from oncocohort.io.problems import ProblemLog, escape_control, problems_to_json, problems_to_text, sort_problems


def _log_with_repeats() -> ProblemLog:
    log = ProblemLog()
    for row in range(5, 5 + 4 * 44, 4):  # 44 rows: 5, 9, 13, ...
        log.error("value.blank", "status is required and the cell is blank", source="study.xlsx", table="lesions",
                  row=row, column="status")
    log.error("value.not_allowed", "ecog must be one of: 0, 1, 2, 3, 4", source="study.xlsx", table="patients",
              row=4, column="ecog", value=5)
    log.error("config.type", "must be a date", source="study.toml", table="study", row=3, column="data_cutoff",
              value="x")
    log.error("config.type", "must be text", source="study.toml", table="study", row=2, column="title", value=1)
    for row, date in ((7, "2023-01-02"), (8, "2023-02-03")):
        log.warning("date.after_cutoff", "is after the data cutoff", source="study.xlsx", table="treatments",
                    row=row, column="end_date", value=date)
    return log


def test_one_line_per_table_column_and_rule_with_count_and_first_rows():
    text = problems_to_text(sort_problems(_log_with_repeats().problems))
    lines = text.splitlines()
    assert lines[0].startswith("Found 47 error(s) (study.toml 2, patients 1, lesions 44) and 2 warning(s) "
                               "(treatments 2).")
    assert "ERRORS (47 on 4 lines)" in lines
    assert ("  4. study.xlsx, sheet lesions, column status — 44 rows: 5, 9, 13, 17, 21 … and 39 more: status is "
            "required and the cell is blank") in lines
    assert ("  3. study.xlsx, sheet patients, row 4, column ecog — value '5': ecog must be one of: 0, 1, 2, 3, "
            "4") in lines
    # study.toml problems are one line each (each names its own key)
    assert sum(line.startswith("  ") and "study.toml" in line for line in lines) == 2
    assert ("  1. study.xlsx, sheet treatments, column end_date — 2 rows: 7, 8, values '2023-01-02', '2023-02-03': "
            "is after the data cutoff") in lines
    assert "WARNINGS (2 on 1 line)" in lines


def test_json_keeps_every_occurrence():
    doc = json.loads(problems_to_json(sort_problems(_log_with_repeats().problems)))
    assert doc["n_errors"] == 47 and len(doc["problems"]) == 49
    assert sorted(p["row"] for p in doc["problems"] if p["column"] == "status") == list(range(5, 181, 4))


def test_a_few_different_messages_are_a_line_each_many_are_one_line():
    log = ProblemLog()
    for row, lesion in ((3, "T1"), (9, "T2")):
        log.error("lesions.kind_changed", f"lesion {lesion} changed kind", source="lesions.csv", table="lesions",
                  row=row, column="kind")
    lines = problems_to_text(sort_problems(log.problems)).splitlines()
    assert "  1. lesions.csv, row 3, column kind: lesion T1 changed kind" in lines
    assert "  2. lesions.csv, row 9, column kind: lesion T2 changed kind" in lines
    for row, lesion in ((12, "T3"), (15, "T4"), (20, "T5")):
        log.error("lesions.kind_changed", f"lesion {lesion} changed kind", source="lesions.csv", table="lesions",
                  row=row, column="kind")
    text = problems_to_text(sort_problems(log.problems))
    assert ("  1. lesions.csv, column kind — 5 rows: 3, 9, 12, 15, 20: lesion T1 changed kind (row 3; the details "
            "differ by row — validate --json lists each)") in text.splitlines()
    assert "ERRORS (5 on 1 line)" in text


def test_control_characters_never_reach_the_terminal():
    log = ProblemLog()
    log.error("value.not_allowed", "sex must be one of: male, female", source="patients.csv", table="patients",
              row=2, column="sex", value="\x1b]0;pwned\x07\x1b[2Jmale\u202eelam")
    log.warning("column.unknown", "is not a column \x1b[31mred", source="patients.csv", table="patients", row=1,
                column="col\x1b[1m")
    text = problems_to_text(log.problems)
    assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 or c == "\u202e" for c in text)
    assert "value '\\x1b]0;pwned\\x07\\x1b[2Jmale\\u202eelam'" in text
    assert "column col\\x1b[1m" in text and "is not a column \\x1b[31mred" in text
    assert escape_control("a\tb\nc\rd\x7f\x9b") == "a\\tb\\nc\\rd\\x7f\\x9b"
    assert escape_control("Ｌｍｓ 淋巴结 café") == "Ｌｍｓ 淋巴结 café"  # printable text is left alone
