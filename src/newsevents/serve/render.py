"""Jinja2 rendering for the dashboard: templates from the package, autoescape on."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from newsevents.analysis.query import PLOVER_TYPES
from newsevents.cameo import UnknownCameoCode, load_codebook
from newsevents.serve.charts import QUADS
from newsevents.serve.params import FILTERS


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("newsevents.serve", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(plover_types=PLOVER_TYPES, filter_names=FILTERS, quads=QUADS,
                       cameo_name=cameo_name, query=query)
    env.filters["number"] = lambda value: f"{value:,}" if isinstance(value, int) else value
    return env


def cameo_name(code: str | None) -> str:
    """The codebook's name of a CAMEO event code, or "" if it has none."""
    if not code:
        return ""
    try:
        return load_codebook().get(code).name
    except UnknownCameoCode:
        return ""


def query(**values: Any) -> str:
    """A query string from the values that are set (for links in templates)."""
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> HTMLResponse:
    page = environment().get_template(template).render(
        request=request, db_name=request.app.state.database.path, **context)
    return HTMLResponse(page, status_code=status)
