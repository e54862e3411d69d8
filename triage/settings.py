"""Application settings, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Only for local runs and tests; the validator refuses it in any other environment.
LOCAL_JWT_SECRET = "local-development-secret-change-me-0123456789"


class AwsAccount(BaseModel):
    """One AWS account to read, reached through a role assumed with an external id."""

    account_id: str
    role_arn: str | None = None
    external_id: SecretStr | None = None


class Settings(BaseSettings):
    """Every setting of the product; each field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_prefix=""
    )

    environment: Annotated[str, Field(alias="TRIAGE_ENV")] = "local"
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")

    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")
    aws_accounts: Annotated[list[AwsAccount], NoDecode] = Field(
        default_factory=list, alias="TRIAGE_AWS_ACCOUNTS"
    )
    aws_regions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["us-east-1"], alias="TRIAGE_AWS_REGIONS"
    )
    getfindings_requests_per_second: float = Field(
        default=2.5, alias="TRIAGE_GETFINDINGS_RPS", gt=0, le=3
    )
    ingest_overlap_minutes: int = Field(default=15, alias="TRIAGE_INGEST_OVERLAP_MINUTES", ge=0)
    ingest_initial_lookback_days: int = Field(default=90, alias="TRIAGE_INGEST_LOOKBACK_DAYS", ge=1)
    export_locations: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="TRIAGE_EXPORT_LOCATIONS"
    )
    sqs_queue_url: str | None = Field(default=None, alias="TRIAGE_SQS_QUEUE_URL")
    aws_retry_mode: Literal["standard", "adaptive"] = Field(
        default="standard", alias="TRIAGE_AWS_RETRY_MODE"
    )
    aws_max_attempts: int = Field(default=5, alias="TRIAGE_AWS_MAX_ATTEMPTS", ge=1, le=20)
    aws_role_session_name: str = Field(
        default="triage-ingest", alias="TRIAGE_AWS_ROLE_SESSION_NAME", min_length=2, max_length=64
    )
    getfindings_max_retries: int = Field(
        default=6, alias="TRIAGE_GETFINDINGS_MAX_RETRIES", ge=0, le=20
    )

    api_host: str = Field(default="127.0.0.1", alias="TRIAGE_API_HOST")
    api_port: int = Field(default=8000, alias="TRIAGE_API_PORT")
    dashboard_port: int = Field(default=5006, alias="TRIAGE_DASHBOARD_PORT")
    dagster_port: int = Field(default=3000, alias="TRIAGE_DAGSTER_PORT")
    api_base_url: str | None = Field(default=None, alias="TRIAGE_API_URL")

    @field_validator("aws_accounts", mode="before")
    @classmethod
    def _parse_accounts(cls, value: object) -> object:
        """Accept JSON (`[{"account_id": ..., "role_arn": ...}]`) or comma-separated ids."""
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return []
            if text.startswith("["):
                return json.loads(text)
            return [{"account_id": part.strip()} for part in text.split(",") if part.strip()]
        return value

    @field_validator("aws_regions", "export_locations", mode="before")
    @classmethod
    def _parse_csv(cls, value: object) -> object:
        """Accept a comma-separated string for list settings."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def api_url(self) -> str:
        """The base URL dashboards and clients use to reach the API."""
        return self.api_base_url or f"http://{self.api_host}:{self.api_port}"

    # ---- workflow API: auth, rate limits, live updates, write-back (issue 5) ----
    jwt_secret: SecretStr = Field(default=SecretStr(LOCAL_JWT_SECRET), alias="TRIAGE_JWT_SECRET")
    jwt_secret_file: str | None = Field(default=None, alias="TRIAGE_JWT_SECRET_FILE")
    access_token_minutes: int = Field(default=15, alias="TRIAGE_ACCESS_TOKEN_MINUTES", ge=1, le=240)
    refresh_token_days: int = Field(default=14, alias="TRIAGE_REFRESH_TOKEN_DAYS", ge=1, le=90)
    login_lock_after: int = Field(default=5, alias="TRIAGE_LOGIN_LOCK_AFTER", ge=2, le=100)
    login_lock_minutes: int = Field(default=15, alias="TRIAGE_LOGIN_LOCK_MINUTES", ge=1)
    login_backoff_seconds: float = Field(default=1.0, alias="TRIAGE_LOGIN_BACKOFF_SECONDS", ge=0)
    rate_limit: str = Field(default="100/minute", alias="TRIAGE_RATE_LIMIT")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="TRIAGE_CORS_ORIGINS"
    )
    writeback_enabled: bool = Field(default=True, alias="TRIAGE_WRITEBACK_ENABLED")
    writeback_calls_per_second: float = Field(
        default=5.0, alias="TRIAGE_WRITEBACK_RPS", gt=0, lt=10
    )
    writeback_max_attempts: int = Field(default=5, alias="TRIAGE_WRITEBACK_MAX_ATTEMPTS", ge=1)
    writeback_updated_by: str = Field(
        default="svc-triage", alias="TRIAGE_WRITEBACK_UPDATED_BY", min_length=1, max_length=128
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        """Accept a comma-separated string of allowed CORS origins."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    # ---- resource context: AWS Config, CloudTrail, resource metadata (issue 3)
    resource_cache_ttl_seconds: int = Field(
        default=3600, alias="TRIAGE_RESOURCE_CACHE_TTL_SECONDS", ge=1
    )
    config_history_horizon_days: int = Field(
        default=90, alias="TRIAGE_CONFIG_HISTORY_HORIZON_DAYS", ge=1, le=2557
    )
    cloudtrail_locations: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="TRIAGE_CLOUDTRAIL_LOCATIONS"
    )
    aws_config_locations: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="TRIAGE_AWS_CONFIG_LOCATIONS"
    )
    cloudtrail_lookback_days: int = Field(
        default=7, alias="TRIAGE_CLOUDTRAIL_LOOKBACK_DAYS", ge=0, le=2557
    )
    owner_tag_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["owner", "owner-email", "contact"], alias="TRIAGE_OWNER_TAG_KEYS"
    )
    team_tag_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["team", "squad", "cost-center"], alias="TRIAGE_TEAM_TAG_KEYS"
    )
    environment_tag_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["environment", "env", "stage"],
        alias="TRIAGE_ENVIRONMENT_TAG_KEYS",
    )
    classification_tag_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["data-classification", "classification", "data_classification"],
        alias="TRIAGE_CLASSIFICATION_TAG_KEYS",
    )
    compliance_tag_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["compliance", "compliance-scope", "regulatory"],
        alias="TRIAGE_COMPLIANCE_TAG_KEYS",
    )

    @field_validator(
        "cloudtrail_locations",
        "aws_config_locations",
        "owner_tag_keys",
        "team_tag_keys",
        "environment_tag_keys",
        "classification_tag_keys",
        "compliance_tag_keys",
        mode="before",
    )
    @classmethod
    def _parse_context_csv(cls, value: object) -> object:
        """Accept a comma-separated string for the resource-context list settings."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _secret_from_file(self) -> Settings:
        """Read the JWT secret from its file when given; refuse the placeholder outside local."""
        if self.jwt_secret_file:
            text = Path(self.jwt_secret_file).read_text(encoding="utf-8").strip()
            self.jwt_secret = SecretStr(text)
        secret = self.jwt_secret.get_secret_value()
        if self.environment not in {"local", "ci", "test"} and secret == LOCAL_JWT_SECRET:
            raise ValueError(
                "TRIAGE_JWT_SECRET (or TRIAGE_JWT_SECRET_FILE) must be set outside local runs"
            )
        if len(secret) < 32:
            raise ValueError("TRIAGE_JWT_SECRET must be at least 32 characters")
        return self

    # --- correlation (issue 4): weights of the similarity score's parts, the threshold a
    # pair must reach to link two alerts, and how pairs are kept. Defaults chosen by the
    # sweep in benchmarks/correlation_quality.py (see the README's Correlation section).
    correlation_weight_text: float = Field(default=1.0, alias="TRIAGE_CORRELATION_W_TEXT", ge=0)
    correlation_weight_resource: float = Field(
        default=1.0, alias="TRIAGE_CORRELATION_W_RESOURCE", ge=0
    )
    correlation_weight_time: float = Field(default=1.0, alias="TRIAGE_CORRELATION_W_TIME", ge=0)
    correlation_weight_account: float = Field(
        default=1.0, alias="TRIAGE_CORRELATION_W_ACCOUNT", ge=0
    )
    correlation_weight_pattern: float = Field(
        default=1.0, alias="TRIAGE_CORRELATION_W_PATTERN", ge=0
    )
    correlation_weight_entity: float = Field(default=2.0, alias="TRIAGE_CORRELATION_W_ENTITY", ge=0)
    correlation_threshold: float = Field(
        default=0.4, alias="TRIAGE_CORRELATION_THRESHOLD", ge=0, le=1
    )
    correlation_time_scale_hours: float = Field(
        default=24.0, alias="TRIAGE_CORRELATION_TIME_SCALE_HOURS", gt=0
    )
    correlation_store_min_score: float = Field(
        default=0.3, alias="TRIAGE_CORRELATION_STORE_MIN_SCORE", ge=0, le=1
    )
    correlation_allow_cross_account: bool = Field(
        default=False, alias="TRIAGE_CORRELATION_ALLOW_CROSS_ACCOUNT"
    )
    # A group larger than this keeps only its same-resource and same-CVE links (plus rules
    # and merges): scans that report many checks on many resources otherwise chain into one.
    correlation_max_loose_group_size: int = Field(
        default=50, alias="TRIAGE_CORRELATION_MAX_LOOSE_GROUP", ge=2
    )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings instance."""
    return Settings()
