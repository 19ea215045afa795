from enum import StrEnum


class MappingStatus(StrEnum):
    MAPPED = "mapped"
    UNMAPPED = "unmapped"  # waits in the queue for a person
    IGNORED = "ignored"  # the seller chose not to sync it
