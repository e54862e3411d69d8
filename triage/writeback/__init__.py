"""Write-back of triage status to Security Hub through an outbox and BatchUpdateFindings."""
