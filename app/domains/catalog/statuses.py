from enum import StrEnum


class ProductStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"  # kept because history (orders, ledger) refers to it
