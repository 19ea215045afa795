"""Stores: the marketplace shops an organisation connected, their encrypted tokens and settings,
the one-time connection attempts, and the webhook events received for them.

The sync engine reaches a store's marketplace through ``app.domains.stores.adapters``
(``open_adapter``, ``connection_for``) and lists stores through ``services``.
"""

# The columns holding Fernet-encrypted secrets (app.core.secrets), as (table, column): a restore
# checks one of them against the current keys.
ENCRYPTED_COLUMNS = (("store", "access_token"), ("store", "refresh_token"))
