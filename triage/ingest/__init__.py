"""Ingestion of Security Hub findings from files, S3, the GetFindings API and SQS."""

from triage.ingest.files import ingest_locations
from triage.ingest.securityhub_api import ingest_securityhub_api
from triage.ingest.sqs import drain_finding_queue

__all__ = ["drain_finding_queue", "ingest_locations", "ingest_securityhub_api"]
