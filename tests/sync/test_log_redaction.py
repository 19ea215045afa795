"""No secret reaches the log: a whole sync against the sandbox over HTTP (connect both stores
through their consent pages, import listings, push stock, fetch orders, a rejected token renewed
with the refresh token) with every logger captured at DEBUG, and not one of the values the
marketplaces issued (codes, access and refresh tokens) or the app's credentials is in it."""

from __future__ import annotations

import logging
import re

import pytest

from app.core.log_redaction import redact
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.fetch import fetch_store_orders
from app.domains.sync.dispatch import push_changes
from app.settings import get_settings
from tests.sync.test_order_flow import _shared_sku_setup


@pytest.fixture
def everything_at_debug(caplog):
    """Every logger at DEBUG, and caplog's handler on those that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    saved = []
    for name in ["httpx", "httpcore", *logging.root.manager.loggerDict]:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
    yield caplog
    for logger, level, _propagate in saved:
        logger.setLevel(level)
        if caplog.handler in logger.handlers:
            logger.removeHandler(caplog.handler)


def _captured(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_whole_sync_logs_no_token_code_or_secret(owner_client, sandbox, everything_at_debug):
    caplog = everything_at_debug
    # connect both stores (OAuth codes), import listings, receive stock and push it
    tenant, variant, (s_shop, shopee, sp), (t_shop, tiktok, tp) = await _shared_sku_setup(owner_client, sandbox, 4)
    location = await default_location(tenant)
    await stock.receive(tenant, variant["id"], location["id"], 3)
    await push_changes(tenant)
    assert sandbox.listing_stock("tiktok", t_shop.shop_id, tp.product_id)[tp.skus[0].sku_id] == 7
    # orders on both marketplaces, fetched on schedule
    sandbox.create_order("shopee", s_shop.shop_id, lines=[(sp.product_id, sp.skus[0].sku_id, 1)],
                         status="READY_TO_SHIP", push=False)
    sandbox.create_order("tiktok", t_shop.shop_id, lines=[(tp.product_id, tp.skus[0].sku_id, 1)],
                         status="AWAITING_SHIPMENT", push=False)
    assert (await fetch_store_orders(tenant, shopee["id"])).created >= 1
    # a marketplace that rejects the access token: the call is logged, the token renewed, the call repeated
    sandbox.expire_tokens("tiktok", t_shop.shop_id)
    assert (await fetch_store_orders(tenant, tiktok["id"])).created >= 1
    sandbox.expire_tokens("shopee", s_shop.shop_id)
    await fetch_store_orders(tenant, shopee["id"])
    assert sum(g.used for g in sandbox.refresh_tokens.values()) >= 2, "both stores spent a refresh token"

    text = _captured(caplog)
    settings = get_settings()
    issued = [*sandbox.codes, *sandbox.access_tokens, *sandbox.refresh_tokens]
    secrets = {"partner key": settings.shopee_partner_key, "app secret": settings.tiktok_app_secret,
               "secret key": settings.secret_key}
    assert len(issued) >= 6 and "HTTP Request" in text, "the sync did not run or nothing was logged"
    leaked = [value for value in issued if value in text] + [name for name, value in secrets.items() if value in text]
    assert not leaked, f"in the log: {leaked}"
    assert "access_token=[redacted]" in text, "the Shopee calls' URLs were not logged, so nothing was checked"
    # signatures too: every sign= in the log is masked
    assert not re.search(r"[?&]sign=(?!\[redacted\])", text), re.search(r".{80}[?&]sign=.{20}", text)
    assert not re.search(r"[?&](code|app_secret|refresh_token)=(?!\[redacted\])", text)


def test_redaction_masks_secrets_by_name_in_urls_bodies_headers_and_reprs():
    cases = {
        "GET https://h/api/v2/product/get_item_list?partner_id=1&access_token=tok1&shop_id=2&sign=ab12": "tok1",
        "POST https://a/api/v2/token/get?app_key=k&app_secret=sec2&auth_code=c3&grant_type=authorized_code": "sec2",
        '127.0.0.1:5 - "GET /stores/callback?code=code4&shop_id=9 HTTP/1.1" 303': "code4",
        "TokenSet(access_token='tok5', refresh_token='ref6')": "ref6",
        '{"refresh_token": "ref7", "partner_id": 1}': "ref7",
        "[(b'x-tts-access-token', b'tok8'), (b'host', b'h')]": "tok8",
        "Authorization: Bearer tok9": "tok9",
        "partner_key=pk10&x=1": "pk10",
        "password=hunter11": "hunter11",
    }
    for line, secret in cases.items():
        assert secret not in redact(line), line
        assert "[redacted]" in redact(line), line
    # ordinary words stay: a status code, a sign in prose, ids
    for line in ("status code=500", "sign here", "shop_id=9 partner_id=1", "order 240101ABC shipped"):
        assert redact(line) == line


def test_uvicorn_style_records_keep_their_arguments(caplog):
    """uvicorn's access formatter unpacks the record's arguments: they stay a 5-tuple, redacted."""
    logger = logging.getLogger("uvicorn.access.test")
    with caplog.at_level(logging.INFO, logger="uvicorn.access.test"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/stores/callback?code=abc123&shop_id=1", "1.1", 303)
    record = caplog.records[-1]
    assert isinstance(record.args, tuple) and len(record.args) == 5
    assert "abc123" not in record.getMessage() and "code=[redacted]" in record.getMessage()


def test_exception_text_is_redacted(caplog):
    logger = logging.getLogger("storesync.test")
    with caplog.at_level(logging.ERROR, logger="storesync.test"):
        try:
            raise RuntimeError("Client error for url 'https://h/api?access_token=leak42&sign=ff'")
        except RuntimeError:
            logger.exception("call failed")
    assert "leak42" not in caplog.text and "access_token=[redacted]" in caplog.text


def test_lines_naming_no_secret_pass_untouched_and_every_spelling_of_a_name_is_still_masked(monkeypatch):
    # every access log line takes the fast path (no secret name in it); the regexes still see each
    # spelling they match case-insensitively, the long s and the Kelvin sign included
    line = '127.0.0.1:5400 - "GET /api/v1/key HTTP/1.1" 200'
    assert redact(line) == line
    for text in ("GET /a?ACCESS_TOKEN=abc123", "GET /a?ſign=abc123", "GET /a?Access_Token=abc123",
                 '{"app_secret": "abc123"}', "AUTHORIZATION: Bearer abc123"):
        assert "abc123" not in redact(text), text
    monkeypatch.setattr(get_settings(), "secret_key", "a-secret-named-nowhere-9876")
    assert redact("boom a-secret-named-nowhere-9876") == "boom [redacted]"  # a settings change is seen at once
