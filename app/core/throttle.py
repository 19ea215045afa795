"""Throttles shared by every web process, kept in Redis through the `limits` library."""

from __future__ import annotations

from limits import RateLimitItemPerHour, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.redis import ensure_redis, per_event_loop
from app.settings import get_settings


@per_event_loop  # its Redis connections belong to the loop that opened them
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    if redis_url.startswith("unix://"):
        uri = "async+redis+unix://" + redis_url.removeprefix("unix://")
    else:
        uri = "async+" + redis_url
    return MovingWindowRateLimiter(storage_from_string(uri, implementation="redispy", key_prefix="storesync-limits"))


def _login_item():
    settings = get_settings()
    return RateLimitItemPerSecond(settings.login_max_attempts, settings.login_window_seconds)


def _account_item():
    settings = get_settings()
    return RateLimitItemPerSecond(settings.login_account_max_attempts, settings.login_window_seconds)


async def login_allowed(email: str, ip: str) -> bool:
    """False once this e-mail has failed too often within the window, from this IP (a few tries) or
    from any address (more tries, so that changing one's address buys only a few more guesses)."""
    limiter = _limiter(ensure_redis())
    return (await limiter.test(_login_item(), "login", email.lower(), ip)
            and await limiter.test(_account_item(), "login-account", email.lower()))


async def record_login_failure(email: str, ip: str) -> None:
    limiter = _limiter(ensure_redis())
    await limiter.hit(_login_item(), "login", email.lower(), ip)
    await limiter.hit(_account_item(), "login-account", email.lower())


async def clear_login_failures(email: str, ip: str) -> None:
    # Only this address's count: a success here does not give an attacker elsewhere fresh tries.
    await _limiter(ensure_redis()).clear(_login_item(), "login", email.lower(), ip)




# Accounts created from one address per hour, and reset e-mails asked for per hour: enough for an
# office behind one NAT, too few to script organisations or flood someone's inbox.
SIGNUPS_PER_IP = RateLimitItemPerHour(30)
RESETS_PER_IP = RateLimitItemPerHour(20)
RESETS_PER_EMAIL = RateLimitItemPerHour(3)


def _namespace() -> str:
    # Limits of one deployment (or one test run) never count another's on a shared Redis.
    return get_settings().queue_name


async def signup_allowed(ip: str) -> bool:
    """Counts this sign-up; False once this address has created too many this hour."""
    return await _limiter(ensure_redis()).hit(SIGNUPS_PER_IP, _namespace(), "signup", ip)


async def reset_request_allowed(email: str, ip: str) -> bool:
    """Counts this reset request; False when the address or the mailbox has asked too often."""
    limiter = _limiter(ensure_redis())
    by_ip = await limiter.hit(RESETS_PER_IP, _namespace(), "reset-ip", ip)
    by_email = await limiter.hit(RESETS_PER_EMAIL, _namespace(), "reset-email", email.lower())
    return by_ip and by_email


# Website checkouts: per address a minute (an office or a carrier's NAT shares one: bursts of 30
# and more pass), per phone an hour (one buyer placing order after order is a script).
def _checkout_items():
    settings = get_settings()
    from limits import RateLimitItemPerMinute

    return (RateLimitItemPerMinute(settings.checkouts_per_ip_minute),
            RateLimitItemPerHour(settings.checkouts_per_phone_hour))


async def checkout_allowed(ip: str, phone: str) -> bool:
    """Counts this checkout; False when this address or this phone has placed too many."""
    per_ip, per_phone = _checkout_items()
    limiter = _limiter(ensure_redis())
    by_ip = await limiter.hit(per_ip, _namespace(), "checkout-ip", ip)
    by_phone = await limiter.hit(per_phone, _namespace(), "checkout-phone", phone)
    return by_ip and by_phone


# Loyalty point codes mailed to a customer: one a minute and five an hour per customer (nobody's
# inbox is flooded), thirty an hour per address (numbers are not probed in bulk).
POINTS_CODES_PER_CUSTOMER_MINUTE = RateLimitItemPerSecond(1, 60)
POINTS_CODES_PER_CUSTOMER_HOUR = RateLimitItemPerHour(5)
POINTS_CODES_PER_IP_HOUR = RateLimitItemPerHour(30)


async def points_code_allowed(organization_id: int, customer: str, ip: str) -> bool:
    """Counts this request for a points code; False when this customer or this address asked too often."""
    limiter = _limiter(ensure_redis())
    ns, who = _namespace(), f"{organization_id}:{customer}"
    if not await limiter.test(POINTS_CODES_PER_IP_HOUR, ns, "points-code-ip", ip):
        return False
    await limiter.hit(POINTS_CODES_PER_IP_HOUR, ns, "points-code-ip", ip)
    if not (await limiter.test(POINTS_CODES_PER_CUSTOMER_MINUTE, ns, "points-code-minute", who)
            and await limiter.test(POINTS_CODES_PER_CUSTOMER_HOUR, ns, "points-code-hour", who)):
        return False
    await limiter.hit(POINTS_CODES_PER_CUSTOMER_MINUTE, ns, "points-code-minute", who)
    await limiter.hit(POINTS_CODES_PER_CUSTOMER_HOUR, ns, "points-code-hour", who)
    return True
