"""The WebSocket that pushes alert changes to browsers, fed by Redis pub/sub."""

from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from api.db import open_connection, resolve_engine
from api.deps import get_app_settings, get_redis, identify
from triage.accounts.errors import AuthenticationError
from triage.accounts.roles import Role
from triage.workflow.live import ALERTS_CHANNEL

logger = logging.getLogger(__name__)

router = APIRouter(tags=["live"])

POLICY_VIOLATION = 1008


def _authenticate(websocket: WebSocket, token: str) -> str:
    settings = get_app_settings(websocket)  # type: ignore[arg-type]
    engine = resolve_engine(websocket)  # type: ignore[arg-type]
    with open_connection(engine) as db:
        identity = identify(
            db=db,
            settings=settings,
            token=token,
            redis_client=get_redis(websocket),  # type: ignore[arg-type]
        )
    if not identity.role.allows(Role.VIEWER):
        raise AuthenticationError("no role")
    return identity.user.username


@router.websocket("/ws")
async def alert_updates(websocket: WebSocket, token: str | None = None) -> None:
    """Push every alert change as JSON (`type`, `alert_id`, `changes`, `by`, `at`).

    Authenticate with the access token (or an API token) in the `token` query parameter,
    since browsers cannot set headers on a WebSocket.
    """
    if not token:
        await websocket.close(code=POLICY_VIOLATION, reason="token query parameter required")
        return
    try:
        username = await run_in_threadpool(_authenticate, websocket, token)
    except AuthenticationError as exc:
        await websocket.close(code=POLICY_VIOLATION, reason=str(exc)[:120])
        return
    settings = get_app_settings(websocket)  # type: ignore[arg-type]
    if not settings.redis_url:
        await websocket.close(code=1011, reason="live updates need REDIS_URL")
        return
    await websocket.accept()
    client = aioredis.Redis.from_url(settings.redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(ALERTS_CHANNEL)
    await websocket.send_json({"type": "subscribed", "channel": "alerts", "user": username})
    logger.info("live updates subscribed user=%s", username)

    async def forward() -> None:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                await websocket.send_text(message["data"].decode("utf-8"))

    forwarding = asyncio.create_task(forward())
    try:
        # Messages from the client are not used; reading them notices the disconnect.
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        logger.debug("live updates client left user=%s", username)
    finally:
        forwarding.cancel()
        await asyncio.gather(forwarding, return_exceptions=True)
        await pubsub.aclose()
        await client.aclose()
