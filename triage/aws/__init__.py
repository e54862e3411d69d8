"""AWS clients with paging, pacing and retries; one module per service."""
