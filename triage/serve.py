"""Serve the API and the dashboards as child processes until interrupted."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time

import httpx

from triage.settings import get_settings

logger = logging.getLogger(__name__)


def _wait_until_answering(
    url: str, children: list[subprocess.Popen[bytes]], timeout: float = 90
) -> None:
    """Wait until `url` answers any HTTP status, or a child exits, or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    logger.warning("not answering after %ss url=%s", timeout, url)


def serve_all(*, api: bool = True, dashboards: bool = True) -> int:
    """Start uvicorn for the API and Panel for the dashboards; stop both on Ctrl-C or TERM.

    Returns the exit code of the first child that stops on its own, or 0 after a signal.
    """
    settings = get_settings()
    children: list[subprocess.Popen[bytes]] = []
    if api:
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "api.main:app",
                    "--host",
                    settings.api_host,
                    "--port",
                    str(settings.api_port),
                ]
            )
        )
        # The write-back worker drains the outbox to Security Hub every 30 s.
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "triage.cli", "writeback", "drain", "--every", "30"],
                stdout=subprocess.DEVNULL,
            )
        )
    if dashboards:
        # The dashboards bind the interface the API binds (loopback by default), never all.
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "dashboards.serve", "--address", settings.api_host]
            )
        )
    # Print the addresses only once they answer, so a click on them never meets a refusal.
    if api:
        api_url = f"http://{settings.api_host}:{settings.api_port}"
        _wait_until_answering(f"{api_url}/openapi.json", children)
        print(f"API:          {api_url}/docs", flush=True)
    if dashboards:
        queue_url = f"http://{settings.api_host}:{settings.dashboard_port}/triage"
        _wait_until_answering(queue_url, children)
        print(f"Triage queue: {queue_url}", flush=True)

    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    code = 0
    try:
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    code = child.returncode or 1
                    logger.error("child exited pid=%s code=%s", child.pid, child.returncode)
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return code
