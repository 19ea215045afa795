"""Rows handed out by services as typed, read-only records instead of bare dicts.

    @dataclass(frozen=True, slots=True)
    class LocationRow:
        id: int
        name: str

    from_rows(LocationRow, await tenant.scoped(Location).select(Location.id, Location.name))

A row may carry more keys than the record names (a `select()` of every column): only the record's
fields are taken, so adding a column to a table does not break a record built from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")

_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def from_row(cls: type[T], row: Mapping[str, Any], **extra: Any) -> T:
    """`cls` (a dataclass) from a query row's keys of the same names, plus `extra` values."""
    return cls(**{name: row[name] for name in _names(cls) if name in row and name not in extra}, **extra)


def from_rows(cls: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
    """`from_row` for every row, in order."""
    return [from_row(cls, row) for row in rows]
