from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def production_mode() -> Iterator[None]:
    """STORESYNC_ENV=production with the SSRF guard at its default (private addresses refused)."""
    from app.settings import get_settings

    settings = get_settings()
    saved = (settings.storesync_env, settings.webhooks_allow_private)
    settings.storesync_env, settings.webhooks_allow_private = "production", None
    yield
    settings.storesync_env, settings.webhooks_allow_private = saved
