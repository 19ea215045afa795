"""The marketing domain's errors."""

from __future__ import annotations

from app.core.errors import ValidationFailed
from app.domains.marketing.statuses import VoucherRefusal


class VoucherRefused(ValidationFailed):
    """A code cannot be used on this order; `reason` says why, `message` says it to the buyer."""

    def __init__(self, code: str, reason: VoucherRefusal, message: str) -> None:
        super().__init__({"voucher": message})
        self.code = code
        self.reason = reason
