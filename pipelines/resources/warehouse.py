"""The PostgreSQL warehouse as a Dagster resource."""

import dagster as dg
import redis
from sqlalchemy.engine import Engine

from triage.settings import get_settings
from triage.store.db import get_migrated_engine


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """PostgreSQL reached through DATABASE_URL; migrations are applied on first use."""

    database_url: str

    def get_engine(self) -> Engine:
        """Return a pooled engine with the product's migrations applied."""
        return get_migrated_engine(self.database_url)

    def get_redis(self) -> redis.Redis | None:
        """Return a Redis client for live updates, or None when REDIS_URL is not set."""
        url = get_settings().redis_url
        return redis.Redis.from_url(url, socket_timeout=2) if url else None
