"""Response shape of the health endpoint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class HealthRead(BaseModel):
    """Whether the API can serve alerts, and why not when it cannot."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    missing_marts: list[str] = Field(
        default_factory=list, description="Marts the API reads that do not exist yet."
    )
    alert_count: int | None = Field(description="Rows in `marts.fct_alerts`, when readable.")
    detail: str | None = Field(default=None, description="What is wrong and how to fix it.")
