"""Platform API: the REST API under /api/v1 for the seller's other programs, its API keys
(Settings -> API keys), and what each call leaves behind (audit entry, rate-limit windows).

For plans and billing: `on_api_call(counter)` (or subscribe to `ApiCalled`: one per answered call,
after its response) to count calls, and `set_call_allowance(check)` to refuse calls past a plan's
limit (an AppError from `check` answers 429).
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.platform_api.keys import key_names as key_names
    from app.domains.platform_api.usage import ApiCalled as ApiCalled
    from app.domains.platform_api.usage import flush_audit as flush_audit
    from app.domains.platform_api.usage import on_api_call as on_api_call
    from app.domains.platform_api.usage import set_call_allowance as set_call_allowance
else:
    __getattr__ = lazy_exports(__name__, __file__)
