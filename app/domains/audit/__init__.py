"""Audit: who changed what, before and after, when and from where."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.audit.readable import label_values as label_values
    from app.domains.audit.readable import name_rows as name_rows
    from app.domains.audit.services import record as record
    from app.domains.audit.services import record_many as record_many
else:
    __getattr__ = lazy_exports(__name__, __file__)
