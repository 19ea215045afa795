"""Listings: each store's marketplace items and models, mapped to master variants, and the
channel allocation that decides how many units each store is offered."""
