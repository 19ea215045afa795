"""Lazada Open Platform (REST): signing, client and adapter."""
