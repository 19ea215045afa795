"""StoreSync: one catalog, one stock ledger and one order queue for every channel a seller sells on."""
