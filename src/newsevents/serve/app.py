"""The FastAPI application: the API, the dashboard, static files, errors and local docs."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from newsevents.errors import QueryError
from newsevents.serve import api, pages
from newsevents.serve.access import QueryTimeout, ReadOnlyDatabase, ServeError
from newsevents.serve.params import EVENT_ID_RULE, without_blank_values
from newsevents.serve.render import render
from newsevents.settings import ServeSettings

log = logging.getLogger(__name__)


def create_app(db: str, settings: ServeSettings) -> FastAPI:
    """The API and dashboard over the database at `db`, opened read-only now (StoreError if
    it is missing or not a newsevents database)."""
    database = ReadOnlyDatabase(db, settings.time_limit)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.close()

    app = FastAPI(title="newsevents", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, description="Political events coded from news: who did "
                  "what to whom, when and where. Read-only; see docs/api.md.")
    app.state.database = database
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("newsevents.serve").joinpath("static")
    app.mount("/static", StaticFiles(directory=Path(str(static))), name="static")
    app.add_api_route("/docs", _docs_page, include_in_schema=False,
                      response_class=HTMLResponse)
    _add_error_handlers(app)
    app.add_middleware(BlankValues)
    return app


class BlankValues:
    """An /api/ request's empty parameters (`?min_confidence=`) are dropped before
    FastAPI reads them, so they mean "not given" for every type, as docs/api.md says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            query = scope.get("query_string", b"")
            if query:
                scope = {**scope, "query_string": without_blank_values(query)}
        await self.app(scope, receive, send)


def _docs_page(request: Request) -> HTMLResponse:
    """The endpoints and their parameters, read from the OpenAPI schema (no CDN assets)."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            endpoints.append({"method": method.upper(), "path": path, "spec": spec})
    return render(request, "docs.html", {"endpoints": endpoints, "error": None,
                                         "twin": "/openapi.json", "form": {}})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, detail: str, parameter: str | None = None,
           **extra: Any) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"detail": detail}
        if parameter:
            body["parameter"] = parameter
        return JSONResponse({**body, **extra}, status_code=status)
    return render(request, "error.html", {"error": detail, "status": status, "twin": None,
                                          "form": {}}, status)


def _add_error_handlers(app: FastAPI) -> None:
    handlers: dict[type[Exception], Callable[[Request, Any], Any]] = {
        QueryError: lambda r, exc: _error(r, 422, str(exc), exc.option),
        QueryTimeout: lambda r, exc: _error(r, 503, str(exc)),
        RequestValidationError: _validation_error,
        StarletteHTTPException: lambda r, exc: _error(r, exc.status_code, str(exc.detail)),
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


_READABLE: dict[tuple[Any, Any], str] = {("string_pattern_mismatch", "event_id"): EVENT_ID_RULE}


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's 422, with a one-line `detail` naming the parameter and without echoing the
    (possibly huge) value back."""
    errors = [{"parameter": str(e["loc"][-1]) if e.get("loc") else None,
               "in": str(e["loc"][0]) if e.get("loc") else None,
               "message": _READABLE.get((e.get("type"), e["loc"][-1] if e.get("loc") else None),
                                        str(e.get("msg", "invalid")))} for e in exc.errors()]
    first = errors[0] if errors else {"parameter": None, "message": "invalid request"}
    name = first["parameter"]
    detail = f"{name}: {first['message']}" if name else str(first["message"])
    return _error(request, 422, detail, name, errors=errors)


def run_server(db: str, settings: ServeSettings,
               announce: Callable[[str], None] | None = None) -> None:
    """Serve the API and dashboard over `db` until interrupted. The database is opened
    (StoreError) and the address bound (ServeError) before anything is announced."""
    import uvicorn

    app = create_app(db, settings)
    try:
        sock = _bind(settings.host, settings.port)
    except ServeError:
        app.state.database.close()
        raise
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    url = f"http://{host}:{sock.getsockname()[1]}/"
    (announce or _stdout)(f"newsevents: serving {db} at {url} (Ctrl-C to stop)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    except OverflowError as exc:  # a port out of range, from a caller other than the CLI
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
