"""Inventory: locations, stock per variant per location, and the append-only stock ledger.

Every change of stock goes through `app.domains.inventory.stock` and is one atomic conditional
update plus its ledger row in the same transaction.
"""
