"""Accounts: organisations (the tenant), their members and roles, invitations, password resets.

Identity is Piccolo's BaseUser, so the admin at /admin and the app share one user table.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.accounts.events import OrganisationCreated as OrganisationCreated
    from app.domains.accounts.members import count_members as count_members
    from app.domains.accounts.members import is_member as is_member
    from app.domains.accounts.services import organization_name as organization_name
else:
    __getattr__ = lazy_exports(__name__, __file__)
