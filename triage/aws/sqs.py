"""The SQS queue that EventBridge fills with Security Hub findings.

A caller receives messages, stores their findings, and only then deletes them, so a crash
between the two steps redelivers the messages instead of losing findings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.session import make_client, make_session
from triage.errors import AccessDeniedError, SourceUnavailableError
from triage.settings import AwsAccount, Settings, get_settings

logger = logging.getLogger(__name__)

MAX_BATCH = 10


@dataclass(frozen=True)
class Message:
    """One received SQS message."""

    message_id: str
    receipt_handle: str
    body: str


class SqsFindingQueue:
    """Receives and deletes messages of one SQS queue."""

    def __init__(
        self,
        queue_url: str,
        *,
        client: Any | None = None,
        session: boto3.Session | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Wrap an SQS client, or build one from `session` and `settings`."""
        if client is None:
            if session is None:
                raise ValueError("pass an SQS client or a session")
            client = make_client(session, "sqs", settings)
        self.queue_url = queue_url
        self._client = client

    @classmethod
    def from_settings(
        cls,
        *,
        queue_url: str | None = None,
        account: AwsAccount | None = None,
        region: str | None = None,
        settings: Settings | None = None,
    ) -> SqsFindingQueue:
        """Build the queue client from the settings (`TRIAGE_SQS_QUEUE_URL` by default)."""
        settings = settings or get_settings()
        url = queue_url or settings.sqs_queue_url
        if not url:
            raise ValueError("no SQS queue URL given and TRIAGE_SQS_QUEUE_URL is not set")
        region = region or settings.aws_regions[0]
        session = make_session(account, region, settings)
        return cls(url, client=make_client(session, "sqs", settings, region=region))

    def receive(
        self,
        max_messages: int = MAX_BATCH,
        wait_seconds: int = 0,
        visibility_timeout: int | None = None,
    ) -> list[Message]:
        """Receive up to `max_messages` (1-10) messages, long-polling up to `wait_seconds`."""
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}")
        params: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max_messages,
            "WaitTimeSeconds": wait_seconds,
        }
        if visibility_timeout is not None:
            params["VisibilityTimeout"] = visibility_timeout
        response = self._call("receive_message", params)
        return [
            Message(
                message_id=item["MessageId"],
                receipt_handle=item["ReceiptHandle"],
                body=item["Body"],
            )
            for item in response.get("Messages", [])
        ]

    def delete(self, receipt_handles: Sequence[str]) -> int:
        """Delete messages by receipt handle in batches of ten; return how many were deleted.

        Raises:
            SourceUnavailableError: SQS reported any entry as failed (the rest were deleted);
                the failed messages will be delivered again, which the idempotent store
                tolerates.
        """
        deleted = 0
        failures: list[str] = []
        for start in range(0, len(receipt_handles), MAX_BATCH):
            chunk = receipt_handles[start : start + MAX_BATCH]
            entries = [{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(chunk)]
            response = self._call(
                "delete_message_batch", {"QueueUrl": self.queue_url, "Entries": entries}
            )
            deleted += len(response.get("Successful", []))
            for failed in response.get("Failed", []):
                handle = chunk[int(failed["Id"])] if str(failed.get("Id", "")).isdigit() else "?"
                failures.append(
                    f"{handle[:16]}...: {failed.get('Code')} {failed.get('Message', '')}".strip()
                )
        if failures:
            raise SourceUnavailableError(
                f"{self.queue_url}: {len(failures)} message deletions failed "
                f"({deleted} deleted): {'; '.join(failures[:5])}"
            )
        return deleted

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return getattr(self._client, operation)(**params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            message = f"{self.queue_url}: {operation} failed ({code}): {exc}"
            if code in {"AccessDenied", "AccessDeniedException"}:
                raise AccessDeniedError(message) from exc
            raise SourceUnavailableError(message) from exc
        except BotoCoreError as exc:
            raise SourceUnavailableError(f"{self.queue_url}: {operation} failed: {exc}") from exc
