"""Enumerate an app's routes with their full path templates (for permissions and tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIWebSocketRoute, iter_route_contexts


@dataclass(frozen=True)
class RouteInfo:
    """One route: method (`WS` for WebSockets), full path template and endpoint."""

    method: str
    path: str
    endpoint: Callable[..., Any] | None


def iter_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Every route of the app with the prefixes of included routers applied."""
    # NOTE: FastAPI keeps included routers lazily; iter_route_contexts resolves them.
    for context in iter_route_contexts(app.routes):
        path = context.path_format or context.path or ""
        if isinstance(context.original_route, APIWebSocketRoute):
            yield RouteInfo(method="WS", path=path, endpoint=context.endpoint)
            continue
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                yield RouteInfo(method=method, path=path, endpoint=context.endpoint)


def route_path_index(app: FastAPI) -> dict[tuple[str, Any], str]:
    """Map (method, endpoint function) to the route's full path template."""
    return {(info.method, info.endpoint): info.path for info in iter_routes(app)}
