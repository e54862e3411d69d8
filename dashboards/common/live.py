"""Follow the API's live alert updates in a background thread and call back on each one."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

logger = logging.getLogger(__name__)

RECONNECT_SECONDS = 5.0


class LiveUpdates:
    """A WebSocket subscription to `/api/v1/ws`; `on_change` gets each alert message.

    Args:
        url: The WebSocket URL with the access token, or a callable that returns it
            (`TriageApiClient.live_url`), asked again at every reconnect.
        on_change: Called from the background thread with each decoded message.
    """

    def __init__(
        self, url: str | Callable[[], str], on_change: Callable[[dict[str, Any]], None]
    ) -> None:
        self.url = url
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="triage-live", daemon=True)
        self.connected = threading.Event()

    def start(self) -> LiveUpdates:
        """Start following updates."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop following updates (the thread ends at its next message or timeout)."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                url = self.url() if callable(self.url) else self.url
                with connect(url, open_timeout=10) as socket:
                    while not self._stop.is_set():
                        try:
                            text = socket.recv(timeout=1)
                        except TimeoutError:
                            continue
                        message = json.loads(text)
                        if message.get("type") == "subscribed":
                            self.connected.set()
                        elif message.get("alert_id"):
                            self.on_change(message)
            except (OSError, WebSocketException, ValueError) as exc:
                # Never log the URL: it carries the access token.
                logger.warning("live updates interrupted: %s; reconnecting", type(exc).__name__)
                self.connected.clear()
                self._stop.wait(RECONNECT_SECONDS)
