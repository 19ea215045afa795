"""Shopee Open Platform v2: signing, client and adapter."""
