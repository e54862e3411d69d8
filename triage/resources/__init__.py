"""Resource metadata: tags, owner, classification and exposure facts, cached in Redis."""
