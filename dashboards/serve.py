"""Serve the dashboards with Panel's server: `python -m dashboards.serve`."""

from __future__ import annotations

import argparse
import logging
from typing import Any

import panel as pn

from dashboards.triage.app import TITLE, create_app
from triage.settings import get_settings

logger = logging.getLogger(__name__)

TRIAGE_PATH = "triage"
# Worker threads run session callbacks, so the loading state reaches the browser while the
# API answers instead of only after the callback returns.
CALLBACK_THREADS = 4


def allowed_origins(port: int, hosts: list[str]) -> list[str]:
    """Return the websocket origins Bokeh accepts: localhost, 127.0.0.1 and the given hosts."""
    names = dict.fromkeys(["localhost", "127.0.0.1", *[host for host in hosts if host]])
    return [f"{name}:{port}" for name in names]


def serve_dashboards(
    *,
    port: int | None = None,
    address: str | None = None,
    api_url: str | None = None,
    start: bool = True,
    threaded: bool = False,
) -> Any:
    """Serve the triage queue at `/triage` without opening a browser.

    Args:
        port: Port to listen on; defaults to `settings.dashboard_port` (5006).
        address: Interface to bind; defaults to all interfaces, as Bokeh does.
        api_url: API the pages read; defaults to `settings.api_url`.
        start: Start the IO loop (blocks unless `threaded`).
        threaded: Run the server in a background thread and return it.

    Returns:
        The Bokeh server, or the thread running it when `threaded` is true.
    """
    settings = get_settings()
    port = port or settings.dashboard_port
    pn.config.nthreads = CALLBACK_THREADS
    origins = allowed_origins(port, [settings.api_host, address or ""])
    logger.info(
        "serving dashboards port=%s path=/%s api=%s",
        port,
        TRIAGE_PATH,
        api_url or settings.api_url,
    )

    def triage_session() -> pn.viewable.Viewable:
        """Build the page for one browser session (Panel calls this per connection)."""
        return create_app(api_url, require_login=True)

    return pn.serve(
        {TRIAGE_PATH: triage_session},
        port=port,
        address=address,
        websocket_origin=origins,
        show=False,
        start=start,
        threaded=threaded,
        title={TRIAGE_PATH: TITLE},
        verbose=False,
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the triage dashboards.")
    parser.add_argument("--port", type=int, default=None, help="default: TRIAGE_DASHBOARD_PORT")
    parser.add_argument("--address", default=None, help="interface to bind")
    parser.add_argument("--api-url", default=None, help="default: TRIAGE_API_URL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # httpx logs every request URL, query string included, at INFO (STYLE.md §4).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve_dashboards(port=args.port, address=args.address, api_url=args.api_url)


if __name__ == "__main__":
    main()
