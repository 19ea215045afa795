"""Fulfillment: the warehouse tablet flow — pick lists, scan-to-pack, shipping through the store's
adapter (or a typed tracking number), labels, packing slips and the courier handover manifest."""
