"""A small synchronous client for the triage API, as the dashboards use it."""

from __future__ import annotations

import logging
import threading
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


def _detail(response: httpx.Response) -> str:
    """The `detail` of an error body, or a short note when there is none."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        # FastAPI's request validation errors: say which field and why.
        detail = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', []))}: {item.get('msg')}"
            for item in detail
            if isinstance(item, dict)
        )
    return str(detail)[:300] if detail else "no reason given"


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
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        # Only one thread renews an expired access token; the others then use the new one
        # (a second refresh with the rotated token would end the whole sign-in).
        self._renew_lock = threading.Lock()

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def sign_in(self, username: str, password: str) -> None:
        """Sign in with the OAuth2 password flow; later calls carry the user's access token.

        Raises:
            ApiUnavailableError: the API cannot be reached.
            ApiResponseError: wrong credentials (401), throttled (429) or another error.
        """
        response = self._request(
            "POST", "/auth/token", data={"username": username, "password": password}
        )
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
        self._use_pair(response.json())

    def use_token(self, access_token: str) -> None:
        """Send this bearer token with every later request."""
        self.access_token = access_token
        self._client.headers["Authorization"] = f"Bearer {access_token}"

    def _use_pair(self, body: dict[str, Any]) -> None:
        self.use_token(body["access_token"])
        self.refresh_token = body.get("refresh_token")

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request, translating connection failures into `ApiUnavailableError`."""
        try:
            return self._client.request(method, path, **kwargs)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            # Log the path only: query strings may carry search text (STYLE.md §4).
            logger.warning("api unreachable base_url=%s path=%s error=%s", self.base_url, path, exc)
            raise ApiUnavailableError(
                f"the triage API at {self.base_url} could not be reached ({type(exc).__name__}); "
                "check that it is running and that TRIAGE_API_URL points to it"
            ) from exc

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request; on 401 renew the access token once and send it again."""
        sent_with = self.access_token
        response = self._request(method, path, **kwargs)
        if response.status_code == 401 and self.refresh_token and self._renew(sent_with):
            response = self._request(method, path, **kwargs)
        return response

    def _renew(self, expired: str | None) -> bool:
        """Rotate the refresh token for a new access token; False when the sign-in has ended."""
        with self._renew_lock:
            if self.access_token != expired:
                return True
            if not self.refresh_token:
                return False
            response = self._request(
                "POST", "/auth/refresh", json={"refresh_token": self.refresh_token}
            )
            if response.status_code != 200:
                logger.info("sign-in could not be renewed status=%s", response.status_code)
                self.refresh_token = None
                return False
            self._use_pair(response.json())
            logger.debug("access token renewed base_url=%s", self.base_url)
            return True

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
        """Return one alert with its findings, resources, resource context and impact.

        The body gains `etag`, the `ETag` header: the version of the triage state, which
        `update_alert` sends back as `If-Match`.
        """
        path = f"/alerts/{quote(alert_id, safe='')}"
        response = self._checked("GET", path)
        body = self._json(response, path)
        if "alert_id" not in body:
            raise ApiResponseError(f"expected one alert with an alert_id, found {sorted(body)}")
        body["etag"] = response.headers.get("ETag")
        return body

    def update_alert(self, alert_id: str, changes: dict[str, Any], etag: str) -> dict[str, Any]:
        """Change an alert's status and/or assignee; return its new triage state.

        Raises:
            ApiResponseError: refused, with the API's reason: 409 for a transition that is
                not allowed, 412 when someone changed the alert since `etag` was read, 403
                for a role that may not change alerts, 422 for a missing reason or expiry.
        """
        path = f"/alerts/{quote(alert_id, safe='')}"
        response = self._checked("PATCH", path, json=changes, headers={"If-Match": etag})
        body = self._json(response, path)
        if "status" not in body or "etag" not in body:
            raise ApiResponseError(f"expected the alert's triage state, found {sorted(body)}")
        return body

    def list_notes(self, alert_id: str) -> dict[str, Any]:
        """Return an alert's notes, oldest first, each with its sanitised `html`."""
        body = self._get_json(f"/alerts/{quote(alert_id, safe='')}/notes", {})
        if not isinstance(body.get("items"), list):
            raise ApiResponseError(f"expected the notes as {{items}}, found {sorted(body)}")
        return body

    def add_note(self, alert_id: str, markdown: str) -> dict[str, Any]:
        """Add a Markdown note to an alert; return it as stored (with its `html`)."""
        path = f"/alerts/{quote(alert_id, safe='')}/notes"
        body = self._json(self._checked("POST", path, json={"body": markdown}), path)
        if "note_id" not in body:
            raise ApiResponseError(f"expected the new note, found {sorted(body)}")
        return body

    def get_me(self) -> dict[str, Any]:
        """Return the signed-in user: `username`, `role` and the rest of `/auth/me`."""
        return self._get_json("/auth/me", {})

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
        return self._json(self._checked("GET", path, params=_clean_params(params)), path)

    def _checked(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request and raise `ApiResponseError` for an error status."""
        response = self._send(method, path, **kwargs)
        logger.debug("api answered path=%s status=%s", path, response.status_code)
        if response.status_code == 401:
            raise ApiResponseError(
                "your sign-in has ended; reload the page and sign in again", status_code=401
            )
        if 400 <= response.status_code < 500:
            # The API's 4xx messages say what was wrong and carry no internals.
            reason = _detail(response)
            raise ApiResponseError(
                f"the triage API refused {method} {path} (HTTP {response.status_code}): {reason}",
                status_code=response.status_code,
                detail=reason,
            )
        if response.status_code >= 500:
            raise ApiResponseError(
                f"the triage API answered HTTP {response.status_code} for {path}; "
                "see the API log for the cause",
                status_code=response.status_code,
            )
        return response

    @staticmethod
    def _json(response: httpx.Response, path: str) -> dict[str, Any]:
        """Decode a JSON object body."""
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
