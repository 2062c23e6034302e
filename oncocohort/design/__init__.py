"""Trial design: pure functions returning frozen dataclasses that name their method (like ``stats``) — Simon
two-stage and exact single-stage designs for a response rate, inference after a two-stage trial, and the size of a
single-arm trial with a time-to-event endpoint against a historical median."""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "SimonDesigns": ".simon",
    "TwoStageDesign": ".simon",
    "operating_characteristics": ".simon",
    "simon": ".simon",
    "SingleStageDesign": ".single_stage",
    "single_stage": ".single_stage",
    "TwoStageInference": ".inference",
    "two_stage_inference": ".inference",
    "OneSampleLogrankSize": ".survival",
    "one_sample_logrank_size": ".survival",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
