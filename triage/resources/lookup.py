"""Look up a resource's metadata (tags, owner, created at, exposure) through the cache.

Each resource's facts are fetched once per TTL across every worker (see
`triage.resources.cache`). A look-up AWS refuses marks that fact unknown (listed in
`unknown`), never absent: "no public access block" and "could not read the public access
block" lead to different triage decisions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from triage.aws import ec2, iam, s3_buckets, tagging
from triage.errors import AccessDeniedError
from triage.resources.cache import CacheStats, ResourceCache
from triage.resources.facts import TAG_FACTS, derive_tag_facts
from triage.settings import Settings

logger = logging.getLogger(__name__)

# CIS AWS Foundations 1.14: rotate access keys every 90 days.
STALE_KEY_DAYS = 90

ClientFactory = Callable[[str, str | None, str | None], Any]


@dataclass(frozen=True)
class ResourceRef:
    """A resource an alert names: its ARN (or id), ASFF type, account and region."""

    arn: str
    resource_type: str
    aws_account_id: str | None = None
    region: str | None = None

    @property
    def name(self) -> str:
        """The last part of the ARN: bucket name, group id, user name, instance id."""
        tail = self.arn.split(":::")[-1] if ":::" in self.arn else self.arn.split(":")[-1]
        return tail.rsplit("/", 1)[-1]


class ResourceMetadataLookup:
    """Fetches and caches the facts of resources named by alerts."""

    def __init__(self, *, clients: ClientFactory, cache: ResourceCache, settings: Settings):
        self._clients = clients
        self._cache = cache
        self._settings = settings
        self._lock = threading.Lock()
        self._counted: set[int] = set()
        self.aws_calls = 0

    @property
    def cache_stats(self) -> CacheStats:
        """The cache's hit, miss and fetch counters."""
        return self._cache.stats

    def describe(self, ref: ResourceRef) -> dict[str, Any]:
        """Return the resource's facts, from the cache when fresh."""
        return dict(self._cache.get_or_fetch(f"facts:{ref.arn}", lambda: self._fetch(ref)))

    def _client(self, service: str, ref: ResourceRef) -> Any:
        client = self._clients(service, ref.aws_account_id, ref.region)
        with self._lock:
            if id(client) not in self._counted:
                self._counted.add(id(client))
                client.meta.events.register("before-call.*.*", self._count_call)
        return client

    def _count_call(self, **_: Any) -> None:
        with self._lock:
            self.aws_calls += 1

    def _fetch(self, ref: ResourceRef) -> dict[str, Any]:
        unknown: list[str] = []
        facts: dict[str, Any] = {"created_at": None, "exposure": {"level": "unknown"}}
        api_tags = self._known(unknown, "tags", lambda: self._tags_from_tagging_api(ref))
        fetch = {
            "AwsS3Bucket": self._s3_bucket,
            "AwsEc2SecurityGroup": self._security_group,
            "AwsIamUser": self._iam_user,
        }.get(ref.resource_type)
        own_tags = None
        if fetch is not None:
            own = fetch(ref, unknown)
            own_tags = own.pop("tags", None)
            facts.update(own)
        tags = _merge_tags(own_tags, api_tags)
        if tags is None and "tags" not in unknown and "own_tags" not in unknown:
            # The tagging API answered without this ARN and no service look-up exists.
            tags = {}
        if tags is not None:
            unknown = [name for name in unknown if name not in {"tags", "own_tags"}]
        else:
            unknown.extend(("tags", *TAG_FACTS, "compliance"))
        return {
            "resource_arn": ref.arn,
            "resource_type": ref.resource_type,
            "aws_account_id": ref.aws_account_id,
            "region": ref.region,
            "tags": tags,
            **derive_tag_facts(tags, self._settings),
            **facts,
            "unknown": sorted(set(unknown) - {"own_tags"}),
            "taken_at": datetime.now(UTC).isoformat(),
        }

    def _known(self, unknown: list[str], name: str, fetch: Callable[[], Any]) -> Any:
        try:
            return fetch()
        except AccessDeniedError as exc:
            logger.warning("fact unknown name=%s reason=%s", name, exc)
            unknown.append(name)
            return None

    def _tags_from_tagging_api(self, ref: ResourceRef) -> dict[str, str] | None:
        if not ref.arn.startswith("arn:"):
            return None
        return tagging.get_tags_by_arn(self._client("resourcegroupstaggingapi", ref), ref.arn)

    def _s3_bucket(self, ref: ResourceRef, unknown: list[str]) -> dict[str, Any]:
        client = self._client("s3", ref)
        bucket = ref.name
        block = self._known(
            unknown,
            "public_access_block",
            lambda: s3_buckets.get_public_access_block(client, bucket),
        )
        policy_public = self._known(
            unknown, "policy_is_public", lambda: s3_buckets.get_policy_is_public(client, bucket)
        )
        tags = self._known(unknown, "own_tags", lambda: s3_buckets.get_bucket_tags(client, bucket))
        created = self._known(unknown, "created_at", lambda: self._bucket_created(client, ref))
        fully_blocked = None if block is None else all(block.values())
        if policy_public:
            level = "public"
        elif fully_blocked:
            level = "internal"
        elif block is None or policy_public is None:
            level = "unknown"
        else:
            # Nothing blocks public ACLs or policies: one ACL change from public.
            level = "exposed"
        return {
            "tags": tags,
            "created_at": created,
            "exposure": {
                "level": level,
                "public_access_block": block,
                "policy_is_public": policy_public,
            },
        }

    def _bucket_created(self, client: Any, ref: ResourceRef) -> str | None:
        # One ListBuckets answers for every bucket of the account, so it has its own key.
        dates = self._cache.get_or_fetch(
            f"s3-buckets:{ref.aws_account_id}", lambda: s3_buckets.get_bucket_creation_dates(client)
        )
        return dates.get(ref.name)

    def _security_group(self, ref: ResourceRef, unknown: list[str]) -> dict[str, Any]:
        client = self._client("ec2", ref)
        group = self._known(
            unknown, "own_tags", lambda: ec2.describe_security_group(client, ref.name)
        )
        if group is None:
            unknown.append("open_to_world")
            return {"tags": None, "exposure": {"level": "unknown", "open_to_world": None}}
        rules = group["open_to_world"]
        if not group["exists"]:
            return {"tags": None, "exists": False, "exposure": {"level": "unknown"}}
        return {
            "tags": group["tags"],
            "exposure": {"level": "public" if rules else "internal", "open_to_world": rules},
        }

    def _iam_user(self, ref: ResourceRef, unknown: list[str]) -> dict[str, Any]:
        client = self._client("iam", ref)
        user = self._known(unknown, "own_tags", lambda: iam.get_user(client, ref.name))
        console = self._known(
            unknown, "console_access", lambda: iam.has_console_access(client, ref.name)
        )
        ages = self._known(
            unknown, "access_key_age", lambda: iam.access_key_ages_days(client, ref.name)
        )
        if user is None:
            unknown.append("created_at")
        max_age = None if ages is None else max(ages, default=0)
        if console is None or max_age is None:
            level = "unknown"
        elif console or max_age > STALE_KEY_DAYS:
            level = "exposed"
        else:
            level = "internal"
        return {
            "tags": None if user is None else user["tags"],
            "created_at": None if user is None else user["created_at"],
            "exposure": {
                "level": level,
                "console_access": console,
                "access_key_max_age_days": max_age,
            },
        }


def _merge_tags(own: dict[str, str] | None, api: dict[str, str] | None) -> dict[str, str] | None:
    if own is None and api is None:
        return None
    return {**(own or {}), **(api or {})}
