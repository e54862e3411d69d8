"""PostgreSQL access: engine, migrations and the raw-layer writers."""
