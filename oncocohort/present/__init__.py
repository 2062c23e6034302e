"""Presentation: tables and figures built from analysis-results data only (no statistic is recomputed here)."""
