"""Study labels as file names: never a separator, a control character, a device name or an empty name."""

from __future__ import annotations

import pytest

from oncocohort.present.file_names import MAX_SLUG_CHARS, slug, unique_slugs


@pytest.mark.parametrize("text, expected", [
    ("component_drug:PD-1/PD-L1 inhibitor", "component_drug_pd-1_pd-l1_inhibitor"),
    ("histology_group", "histology_group"),
    ("ECOG 0–1", "ecog_0_1"),
    ("../../etc/passwd", "etc_passwd"),
    ("a\\b:c*d?e\"f<g>h|i", "a_b_c_d_e_f_g_h_i"),
    ("ＥＣＯＧ　２", "ecog_2"),  # full width → ASCII (NFKC)
    ("病理 类型", "病理_类型"),
    ("title\x07\x1b[31m", "title_31m"),
    (".hidden", "hidden"),
])
def test_slug(text, expected):
    assert slug(text) == expected


@pytest.mark.parametrize("text", ["", "///", "\x00", "CON", "nul", "..", "   "])
def test_unusable_or_reserved_texts_get_a_hashed_name(text):
    name = slug(text)
    assert name.startswith("x") and len(name) >= 9 and "/" not in name
    assert slug(text) == name  # deterministic


def test_long_labels_are_shortened_and_safe_everywhere():
    name = slug("a/" * 500)
    assert len(name) <= MAX_SLUG_CHARS and not name.endswith("_")
    for text in ("PD-1/PD-L1", "x\ty", "é/ü", "\u202e evil"):
        assert all(c not in slug(text) for c in '/\\:*?"<>|\x00\t\n')


def test_unique_slugs_keep_different_labels_apart():
    names = unique_slugs(["PD-1/PD-L1", "PD-1 PD-L1", "pd-1_pd-l1", "Other"])
    assert len(set(names.values())) == 4
    assert names["Other"] == "other"
    assert sorted(names.values()) == ["other", "pd-1_pd-l1", "pd-1_pd-l1_2", "pd-1_pd-l1_3"]
