"""The workflow services run on the same hand-built marts as the API tests."""

from tests.api.conftest import clean_app, marts  # noqa: F401 (fixtures re-used here)
