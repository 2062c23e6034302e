"""The local web app (``oncocohort serve``): upload a study, fix what validation says, set study.toml, run and
download the report — in the browser, on this computer. See docs/web.md.

Modules: ``app`` (pages + /api/ routes), ``security`` (token, limits, headers), ``workspace`` (study folders,
uploads, zip checks), ``jobs`` (report runs off the request thread), ``settings_form`` (form ↔ study.toml),
``sheet_view`` (a sheet with its problem cells), ``server`` (uvicorn, start URL).
"""

from .app import create_app

__all__ = ["create_app"]
