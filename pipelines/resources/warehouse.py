"""The PostgreSQL warehouse as a Dagster resource."""

import dagster as dg
from sqlalchemy.engine import Engine

from triage.store.db import get_migrated_engine


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """PostgreSQL reached through DATABASE_URL; migrations are applied on first use."""

    database_url: str

    def get_engine(self) -> Engine:
        """Return a pooled engine with the product's migrations applied."""
        return get_migrated_engine(self.database_url)
