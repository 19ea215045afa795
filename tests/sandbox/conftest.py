"""The sandbox fixtures are those of the integration tests (one server on loopback per session)."""

from tests.integrations.conftest import prefix, redis, sandbox, state  # noqa: F401
