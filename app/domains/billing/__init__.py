"""Plans and billing: the plans (Free, Growth, Pro) and their limits, each organisation's
subscription and usage, the check that blocks new additions at a limit (never incoming orders or
stock pushes), invoices paid through the platform's payment gateway, PDF invoices, the grace
period and the fall back to Free on non-payment.

For the REST API (another domain): `check_api_call(org_id)` refuses (LimitReached, a Conflict) once
the month's calls reach the plan's limit (`check_limit(org_id, "api_calls")` without the query on
most calls), and `count_api_call(org_id, calls)` counts them.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.billing.demo import seed_demo_billing as seed_demo_billing
    from app.domains.billing.limits import LimitReached as LimitReached
    from app.domains.billing.limits import check_api_call as check_api_call
    from app.domains.billing.limits import check_limit as check_limit
    from app.domains.billing.limits import count_api_call as count_api_call
    from app.domains.billing.limits import plan_of as plan_of
    from app.domains.billing.limits import refuse_over_limit as refuse_over_limit
    from app.domains.billing.limits import usage as usage
    from app.domains.billing.subscriptions import check_payment as check_payment
    from app.domains.billing.subscriptions import run_cycle as run_cycle
else:
    __getattr__ = lazy_exports(__name__, __file__)
