"""Stores: the marketplace shops an organisation connected, their encrypted tokens and settings,
the one-time connection attempts, and the webhook events received for them.

The sync engine reaches a store's marketplace through ``app.domains.stores.adapters``
(``open_adapter``, ``connection_for``) and lists stores through ``services``.
"""
