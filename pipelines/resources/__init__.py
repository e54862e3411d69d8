"""Thin Dagster resources over the shared package."""

from pipelines.resources.warehouse import WarehouseResource

__all__ = ["WarehouseResource"]
