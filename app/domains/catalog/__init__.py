"""Catalog: the master products and their variants (SKUs), bundles, and search over them."""
