"""A small synchronous client for the triage API, as the dashboards use it."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from dashboards.errors import ApiResponseError, ApiUnavailableError
from triage.settings import get_settings

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT_SECONDS = 10.0

QueryValue = str | int | Sequence[str] | None


def _clean_params(params: Mapping[str, QueryValue]) -> list[tuple[str, str]]:
    """Drop empty filters and expand lists into repeated keys (`severity=HIGH&severity=LOW`)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value == "":
            continue
        if isinstance(value, str | int):
            pairs.append((key, str(value)))
        else:
            pairs.extend((key, str(item)) for item in value if item)
    return pairs


class TriageApiClient:
    """Read alerts and their summary from the triage API over HTTP.

    Args:
        base_url: Where the API listens, e.g. `http://127.0.0.1:8000`. Defaults to
            `triage.settings.get_settings().api_url`.
        timeout: Seconds to wait for connect and read before giving up.
        transport: An optional httpx transport, for tests that do not want a socket.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = (base_url or get_settings().api_url).rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url + API_PREFIX, timeout=timeout, transport=transport
        )

    access_token: str | None = None

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def sign_in(self, username: str, password: str) -> None:
        """Sign in with the OAuth2 password flow; later calls carry the user's access token.

        Raises:
            ApiUnavailableError: the API cannot be reached.
            ApiResponseError: wrong credentials (401), throttled (429) or another error.
        """
        try:
            response = self._client.post(
                "/auth/token", data={"username": username, "password": password}
            )
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise ApiUnavailableError(
                f"the triage API at {self.base_url} could not be reached ({type(exc).__name__}); "
                "check that it is running and that TRIAGE_API_URL points to it"
            ) from exc
        if response.status_code == 401:
            raise ApiResponseError("wrong username or password", status_code=401)
        if response.status_code == 429:
            wait = response.headers.get("Retry-After", "a while")
            raise ApiResponseError(
                f"too many sign-in attempts; try again in {wait} s", status_code=429
            )
        if response.status_code >= 400:
            raise ApiResponseError(
                f"the triage API answered HTTP {response.status_code} to the sign-in",
                status_code=response.status_code,
            )
        self.use_token(response.json()["access_token"])

    def use_token(self, access_token: str) -> None:
        """Send this bearer token with every later request."""
        self.access_token = access_token
        self._client.headers["Authorization"] = f"Bearer {access_token}"

    def live_url(self) -> str:
        """The WebSocket URL of live alert updates, with the access token."""
        base = self.base_url.replace("https://", "wss://").replace("http://", "ws://")
        return f"{base}{API_PREFIX}/ws?token={self.access_token or ''}"

    def get_health(self) -> dict[str, Any]:
        """Return the API's health document."""
        return self._get_json("/health", {})

    def list_alerts(self, params: Mapping[str, QueryValue]) -> dict[str, Any]:
        """Return one page of alerts: `{"items": [...], "total": n, "next_cursor": str|None}`."""
        body = self._get_json("/alerts", params)
        if not isinstance(body.get("items"), list) or "total" not in body:
            raise ApiResponseError(
                "expected the alert list as {items, total, next_cursor}, found keys "
                f"{sorted(body)}; check that the API and dashboard versions match"
            )
        return body

    def get_alert_group(self, group_id: str) -> dict[str, Any]:
        """Return one alert group with its members and why each is there."""
        body = self._get_json(f"/alert-groups/{quote(group_id, safe='')}", {})
        if not isinstance(body.get("members"), list):
            raise ApiResponseError(f"expected an alert group with members, found {sorted(body)}")
        return body

    def get_alert(self, alert_id: str) -> dict[str, Any]:
        """Return one alert with its findings, resources, resource context and impact."""
        body = self._get_json(f"/alerts/{quote(alert_id, safe='')}", {})
        if "alert_id" not in body:
            raise ApiResponseError(f"expected one alert with an alert_id, found {sorted(body)}")
        return body

    def get_alert_timeline(self, alert_id: str, limit: int = 20) -> dict[str, Any]:
        """Return the first page of an alert's timeline, newest first: `{items, next_cursor}`."""
        body = self._get_json(f"/alerts/{quote(alert_id, safe='')}/timeline", {"limit": limit})
        if not isinstance(body.get("items"), list):
            raise ApiResponseError(f"expected the timeline as {{items}}, found {sorted(body)}")
        return body

    def get_alert_summary(self, params: Mapping[str, QueryValue]) -> dict[str, Any]:
        """Return counts by severity and status and the accounts, regions and products seen."""
        body = self._get_json("/alerts/summary", params)
        if not isinstance(body.get("by_severity"), dict):
            raise ApiResponseError(
                f"expected the alert summary with a by_severity object, found keys {sorted(body)}"
            )
        return body

    def _get_json(self, path: str, params: Mapping[str, QueryValue]) -> dict[str, Any]:
        """GET one path and decode its JSON object, translating httpx errors into ours."""
        try:
            response = self._client.get(path, params=_clean_params(params))
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            # Log the path only: query strings may carry search text (STYLE.md §4).
            logger.warning("api unreachable base_url=%s path=%s error=%s", self.base_url, path, exc)
            raise ApiUnavailableError(
                f"the triage API at {self.base_url} could not be reached ({type(exc).__name__}); "
                "check that it is running and that TRIAGE_API_URL points to it"
            ) from exc
        logger.debug("api answered path=%s status=%s", path, response.status_code)
        if response.status_code >= 400:
            raise ApiResponseError(
                f"the triage API answered HTTP {response.status_code} for {path}; "
                "see the API log for the cause",
                status_code=response.status_code,
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise ApiResponseError(
                f"the triage API answered {path} with a body that is not JSON"
            ) from exc
        if not isinstance(body, dict):
            raise ApiResponseError(
                f"expected a JSON object from {path}, found {type(body).__name__}"
            )
        return body
