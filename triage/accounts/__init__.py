"""Users, roles, password hashing and the tokens the API issues (JWT and API tokens)."""
