"""Add the answers every protected route can give (401, 403, 429) to the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.auth.permissions import ROUTE_PERMISSIONS

_ERROR = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}
COMMON_RESPONSES: dict[str, dict[str, Any]] = {
    "401": {"description": "Missing, expired or invalid bearer token.", "content": _ERROR},
    "403": {"description": "The caller's role does not allow this route.", "content": _ERROR},
    "429": {
        "description": "Request budget spent (default 100 a minute per user or API token).",
        "headers": _RETRY_AFTER,
        "content": _ERROR,
    },
    "503": {"description": "The database or the marts are not available.", "content": _ERROR},
}


def document_common_responses(app: FastAPI) -> None:
    """Make `app.openapi()` list 401/403/429/503 on protected routes, 429 on public ones."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                needed = ROUTE_PERMISSIONS.get((method.upper(), path), "unlisted")
                responses = operation.setdefault("responses", {})
                codes = ("429", "503") if needed is None else tuple(COMMON_RESPONSES)
                for code in codes:
                    responses.setdefault(code, COMMON_RESPONSES[code])
                # Every route may reject a malformed bearer token, public ones included.
                responses.setdefault("401", COMMON_RESPONSES["401"])
                if "422" in responses:
                    # Our own ValidationError answers 422 with a plain message.
                    responses["422"] = {
                        "description": "The request is not valid; `detail` says why.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "anyOf": [
                                        {"$ref": "#/components/schemas/HTTPValidationError"},
                                        _ERROR["application/json"]["schema"],
                                    ]
                                }
                            }
                        },
                    }
                parameters = {p.get("name") for p in operation.get("parameters", [])}
                if "cursor" in parameters:
                    responses.setdefault(
                        "400",
                        {
                            "description": "The cursor is not one this API issued.",
                            "content": _ERROR,
                        },
                    )
                if "{" in path:
                    responses.setdefault(
                        "404", {"description": "No object has this id.", "content": _ERROR}
                    )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
