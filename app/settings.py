"""The one settings object. Every environment variable StoreSync reads is declared here.

README.md has a table of these; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Shipped in the code, so known to everyone: production mode refuses it.
DEFAULT_SECRET_KEY = "dev-only-secret-change-me-0123456789abcdef"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # -- storage ---------------------------------------------------------------------------
    database_url: str = Field(
        default="",
        description="PostgreSQL DSN (postgresql://user@host/db). Empty: a SQLite file under VAR_DIR.",
    )
    redis_url: str = Field(
        default="",
        description="Redis URL (redis://host:6379/0 or unix:///path). Empty: StoreSync starts its own.",
    )
    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="Where the SQLite file and the embedded Redis live.")
    queue_name: str = Field(default="storesync", description="SAQ queue name (tests use their own).")
    labels_keep_days: int = Field(default=7, ge=1, description="Days a generated labels PDF (and its report) "
                                  "stays under VAR_DIR/labels before the hourly clean-up deletes it.")

    # -- deployment ------------------------------------------------------------------------
    storesync_env: Literal["development", "production"] = Field(
        default="development",
        description="production: refuse to start with the default SECRET_KEY, without ENCRYPTION_KEYS, with "
        "SANDBOX_ENABLED or with DEBUG. development: start anyway and log one warning.",
    )

    # -- web -------------------------------------------------------------------------------
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        min_length=32,
        description="Signs CSRF tokens. Set a long random value in production.",
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL, used in e-mailed links.")
    host: str = Field(default="127.0.0.1", description="Address `storesync serve` binds.")
    port: int = Field(default=8000, description="Port `storesync serve` binds.")
    debug: bool = Field(default=False, description="Litestar debug mode (tracebacks in responses).")
    session_max_age: int = Field(default=14 * 24 * 3600, description="Seconds a login lasts.")
    secure_cookies: bool = Field(default=False, description="Mark cookies Secure (also when BASE_URL is https).")
    checkouts_per_ip_minute: int = Field(default=120, description="Website checkouts per IP address a minute (NATs share one).")
    checkouts_per_phone_hour: int = Field(default=20, description="Website checkouts per buyer phone an hour.")
    api_calls_per_key_minute: int = Field(default=600, description="REST API calls per API key a minute.")
    api_calls_per_org_minute: int = Field(default=1200, description="REST API calls per organisation a minute (all its keys).")
    login_max_attempts: int = Field(default=5, description="Failed logins per e-mail and IP before throttling.")
    login_window_seconds: int = Field(default=900, description="Window of the login throttle.")
    login_account_max_attempts: int = Field(
        default=20, description="Failed logins per e-mail from any address within the window before throttling.")
    trusted_proxies: str = Field(
        default="", description="Comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed. Empty: none; the client address is the TCP peer's.")
    default_locale: str = Field(default="en", description="UI language for visitors with no choice yet (en or id).")
    default_timezone: str = Field(default="Asia/Jakarta", description="Time zone of new organisations.")
    default_currency: str = Field(default="IDR", description="Currency of new organisations.")
    page_cache: bool = Field(
        default=True, description="Keep rendered logged-in pages (dashboard, orders, products, an order) per session "
        "until the organisation's data changes (app/core/page_cache.py). false: every page is rendered afresh.")
    page_cache_max_age: float = Field(
        default=10.0, ge=0, description="Seconds a kept page is served at most, even if no change was announced "
        "(the safety net for changes no write request, event or job reports).")

    # -- jobs ------------------------------------------------------------------------------
    worker_concurrency: int = Field(default=10, description="Jobs one worker process runs at once.")
    run_worker_in_web: bool = Field(
        default=False,
        description="`storesync serve` also runs a job worker in its own process (make run sets it).",
    )
    job_heartbeat_seconds: int = Field(
        default=30,
        description="A running job tells Redis it is alive every third of this; a job silent for longer "
        "(its worker process died) is taken back by the next sweep and run again.",
    )
    worker_sweep_seconds: int = Field(
        default=10, description="How often one of the workers looks for jobs whose worker died (SAQ's sweep).",
    )
    job_retry_delay_seconds: float = Field(
        default=2.0, description="Base of the exponential backoff (with jitter, at most 5 minutes) between "
        "attempts of a failed job.",
    )

    # -- e-mail ----------------------------------------------------------------------------
    smtp_host: str = Field(default="", description="SMTP server. Empty: e-mail is not sent (links are shown on screen).")
    smtp_port: int = Field(default=25, description="SMTP port.")
    smtp_user: str = Field(default="", description="SMTP login, if the server wants one.")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS.")
    mail_from: str = Field(default="StoreSync <no-reply@storesync.local>", description="From address of e-mails.")

    # -- secrets at rest -------------------------------------------------------------------
    encryption_keys: str = Field(
        default="",
        description="Comma-separated Fernet keys, newest first; old keys still decrypt (rotation). "
        "Empty: a key derived from SECRET_KEY.",
    )

    # -- marketplaces ----------------------------------------------------------------------
    # Empty hosts mean: the mounted sandbox when SANDBOX_ENABLED, else the platform's live host.
    # The credential defaults are the sandbox's; real ones come from the platforms' consoles.
    shopee_partner_id: int = Field(default=1000001, description="Shopee Open Platform partner id.")
    shopee_partner_key: str = Field(default="storesync-sandbox-shopee-partner-key",
                                    description="Shopee partner key (signs requests and verifies pushes).")
    shopee_api_base: str = Field(default="", description="Shopee API host, e.g. https://partner.shopeemobile.com. "
                                 "Empty: BASE_URL/sandbox/shopee with the sandbox, else the live host.")
    tiktok_app_key: str = Field(default="storesync-sandbox-app", description="TikTok Shop app key.")
    tiktok_app_secret: str = Field(default="storesync-sandbox-app-secret",
                                   description="TikTok Shop app secret (signs requests and verifies webhooks).")
    tiktok_service_id: str = Field(default="7000000000000000001",
                                   description="TikTok Shop service id, used in the authorization link.")
    tiktok_api_base: str = Field(default="", description="TikTok Shop API host, e.g. https://open-api.tiktokglobalshop.com. "
                                 "Empty: BASE_URL/sandbox/tiktok with the sandbox, else the live host.")
    tiktok_auth_base: str = Field(default="", description="TikTok Shop token host, e.g. https://auth.tiktok-shops.com. "
                                  "Empty: BASE_URL/sandbox/tiktok-auth with the sandbox, else the live host.")
    tiktok_authorize_url: str = Field(default="", description="TikTok Shop consent page. Empty: the sandbox's with "
                                      "the sandbox, else https://services.tiktokshop.com/open/authorize.")
    lazada_app_key: str = Field(default="storesync-sandbox-lazada-app", description="Lazada Open Platform app key.")
    lazada_app_secret: str = Field(default="storesync-sandbox-lazada-app-secret",
                                   description="Lazada app secret (signs requests and verifies pushes).")
    lazada_api_base: str = Field(default="", description="Lazada API host, e.g. https://api.lazada.co.id/rest. "
                                 "Empty: BASE_URL/sandbox/lazada/rest with the sandbox, else the live host.")
    lazada_auth_base: str = Field(default="", description="Lazada token host, e.g. https://auth.lazada.com/rest. "
                                  "Empty: BASE_URL/sandbox/lazada-auth/rest with the sandbox, else the live host.")
    lazada_authorize_url: str = Field(default="", description="Lazada consent page. Empty: the sandbox's with the "
                                      "sandbox, else https://auth.lazada.com/oauth/authorize.")
    sandbox_enabled: bool = Field(default=True, description="Mount the marketplace sandbox under /sandbox and register "
                                  "the credentials above in it, so stores connect with no internet.")

    # -- `storesync sandbox` on its own: the credentials it accepts (defaults: StoreSync's own sandbox ones)
    sandbox_shopee_partner_id: int = Field(default=1000001, description="Partner id `storesync sandbox` registers.")
    sandbox_shopee_partner_key: str = Field(default="storesync-sandbox-shopee-partner-key",
                                            description="Partner key `storesync sandbox` checks signatures with.")
    sandbox_tiktok_app_key: str = Field(default="storesync-sandbox-app", description="App key `storesync sandbox` registers.")
    sandbox_tiktok_app_secret: str = Field(default="storesync-sandbox-app-secret",
                                           description="App secret `storesync sandbox` checks signatures with.")
    sandbox_lazada_app_key: str = Field(default="storesync-sandbox-lazada-app",
                                        description="Lazada app key `storesync sandbox` registers.")
    sandbox_lazada_app_secret: str = Field(default="storesync-sandbox-lazada-app-secret",
                                           description="Lazada app secret `storesync sandbox` checks signatures with.")

    def marketplace_host(self, name: str) -> str:
        """The configured host ``name`` (shopee_api_base, tiktok_api_base, ...) with its default resolved."""
        from app.integrations.lazada import client as lazada
        from app.integrations.tiktok.client import LIVE_API_BASE, LIVE_AUTH_BASE, LIVE_AUTHORIZE_URL

        configured = getattr(self, name)
        if configured:
            return configured.rstrip("/")
        sandbox = {"shopee_api_base": "/shopee", "tiktok_api_base": "/tiktok", "tiktok_auth_base": "/tiktok-auth",
                   "tiktok_authorize_url": "/tiktok-services/open/authorize", "lazada_api_base": "/lazada/rest",
                   "lazada_auth_base": "/lazada-auth/rest", "lazada_authorize_url": "/lazada-auth/oauth/authorize"}
        live = {"shopee_api_base": "https://partner.shopeemobile.com", "tiktok_api_base": LIVE_API_BASE,
                "tiktok_auth_base": LIVE_AUTH_BASE, "tiktok_authorize_url": LIVE_AUTHORIZE_URL,
                "lazada_api_base": lazada.LIVE_API_BASE, "lazada_auth_base": lazada.LIVE_AUTH_BASE,
                "lazada_authorize_url": lazada.LIVE_AUTHORIZE_URL}
        if self.sandbox_enabled:
            return self.base_url.rstrip("/") + "/sandbox" + sandbox[name]
        return live[name]

    # -- payment gateways ------------------------------------------------------------------
    # Empty hosts mean: the mounted payment sandbox when SANDBOX_ENABLED, else the gateway's live host.
    midtrans_snap_base: str = Field(default="", description="Midtrans Snap API base. Empty: BASE_URL/sandbox/midtrans/"
                                    "snap/v1 with the sandbox, else https://app.midtrans.com/snap/v1.")
    midtrans_api_base: str = Field(default="", description="Midtrans Core API base (status, expire, refund). Empty: "
                                   "BASE_URL/sandbox/midtrans with the sandbox, else https://api.midtrans.com.")
    xendit_api_base: str = Field(default="", description="Xendit API base. Empty: BASE_URL/sandbox/xendit with the "
                                 "sandbox, else https://api.xendit.co.")
    sandbox_midtrans_server_key: str = Field(default="SB-Mid-server-storesync-sandbox",
                                             description="Server key the payment sandbox accepts and signs Midtrans "
                                             "notifications with; the demo organisation uses it.")
    sandbox_midtrans_client_key: str = Field(default="SB-Mid-client-storesync-sandbox",
                                             description="Client key of the demo organisation's sandbox Midtrans.")
    sandbox_xendit_secret_key: str = Field(default="xnd_development_storesync_sandbox",
                                           description="Secret key the payment sandbox accepts for Xendit invoices.")
    sandbox_xendit_callback_token: str = Field(default="storesync-sandbox-xendit-callback-token",
                                               description="x-callback-token the payment sandbox sends with Xendit "
                                               "callbacks; the demo organisation expects it.")

    # -- couriers --------------------------------------------------------------------------
    biteship_api_base: str = Field(default="", description="Courier aggregator (Biteship-shaped) API base. Empty: "
                                   "BASE_URL/sandbox/biteship with the sandbox, else https://api.biteship.com.")
    sandbox_biteship_api_key: str = Field(default="biteship_test.storesync-sandbox",
                                          description="API key the courier sandbox accepts; the demo organisation "
                                          "uses it.")

    def courier_host(self) -> str:
        """The courier aggregator's API base with its default resolved."""
        if self.biteship_api_base:
            return self.biteship_api_base.rstrip("/")
        if self.sandbox_enabled:
            return self.base_url.rstrip("/") + "/sandbox/biteship"
        return "https://api.biteship.com"

    def payment_host(self, name: str) -> str:
        """midtrans_snap_base, midtrans_api_base or xendit_api_base with its default resolved."""
        configured = getattr(self, name)
        if configured:
            return configured.rstrip("/")
        sandbox = {"midtrans_snap_base": "/midtrans/snap/v1", "midtrans_api_base": "/midtrans",
                   "xendit_api_base": "/xendit"}
        live = {"midtrans_snap_base": "https://app.midtrans.com/snap/v1", "midtrans_api_base": "https://api.midtrans.com",
                "xendit_api_base": "https://api.xendit.co"}
        if self.sandbox_enabled:
            return self.base_url.rstrip("/") + "/sandbox" + sandbox[name]
        return live[name]

    # -- demo ------------------------------------------------------------------------------
    demo_email: str = Field(default="owner@tokodemo.id", description="Login of the demo owner.")
    demo_password: str = Field(default="tokodemo123", description="Password of the demo owner.")
    demo_courier_webhook_token: str = Field(
        default="demo-courier-webhooks-toko-demo", description="The demo organisation's courier webhook URL token "
        "(/shipping/webhooks/<token>, header x-storesync-token): the mounted sandbox's courier account sends there.")
    demo_courier_webhook_secret: str = Field(default="storesync-demo-courier-webhook-secret",
                                             description="The demo organisation's courier webhook header secret.")

    def demo_courier_webhook(self) -> tuple[str, str, str]:
        """The demo organisation's courier webhook as the aggregator is told it: URL, header name, header value."""
        return (f"{self.base_url.rstrip('/')}/shipping/webhooks/{self.demo_courier_webhook_token}", "x-storesync-token",
                self.demo_courier_webhook_secret)

    # -- outbound webhooks -----------------------------------------------------------------
    webhooks_allow_private: bool | None = Field(
        default=None, description="Let webhook endpoints point at private or loopback addresses (SSRF guard off). "
        "Empty: allowed in development (the demo), refused in production.")
    webhooks_timeout_seconds: float = Field(default=10.0, description="How long one webhook POST may take.")

    # -- plans and billing -----------------------------------------------------------------
    billing_enforce_limits: bool = Field(default=True, description="Refuse a new store, member or location (and "
                                         "API calls) past the organisation's plan limits. Off: plans only show usage.")
    billing_period_days: int = Field(default=30, description="Length of a paid plan's period (one invoice each).")
    billing_grace_days: int = Field(default=7, description="Days an unpaid renewal keeps the plan before it "
                                    "falls back to Free.")
    billing_xendit_secret_key: str = Field(default="xnd_development_storesync_sandbox",
                                           description="The platform's own Xendit secret key: subscription invoices "
                                           "are paid through it (the default is the payment sandbox's).")

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "storesync.sqlite"

    @property
    def https(self) -> bool:
        """The public URL is HTTPS: cookies are Secure and browsers are told to stay on HTTPS (HSTS)."""
        return self.base_url.lower().startswith("https://")

    @property
    def cookies_secure(self) -> bool:
        return self.secure_cookies or self.https

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    def child_env(self) -> dict[str, str]:
        """Environment for child processes (workers) so they reach the same database and Redis."""
        import os

        env = dict(os.environ)
        env["DATABASE_URL"] = self.database_url
        env["REDIS_URL"] = self.redis_url
        env["VAR_DIR"] = str(self.var_dir)
        env["QUEUE_NAME"] = self.queue_name
        return env


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
