"""The shared Form base reading a submitted form: ticked ids, absent checkboxes, empty numbers."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from app.core.forms import Checkbox, Form, OptionalWholeNumber, TickedIds


class _Submitted:
    """What litestar hands a handler: one or more values per name (an unticked box is absent)."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        self.pairs = pairs

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _v in self.pairs)

    def get(self, key: str) -> object:
        return next((v for k, v in self.pairs if k == key), None)

    def getall(self, key: str) -> list[object]:
        return [v for k, v in self.pairs if k == key]


class _Picked(Form):
    row_id: TickedIds
    everything: Checkbox = False
    limit: OptionalWholeNumber = None


def test_ticked_boxes_become_ids_once_each_in_order():
    form = _Picked.parse_multi(_Submitted([("row_id", "7"), ("row_id", " 3 "), ("row_id", "7"), ("limit", "")]))
    assert form.row_id == [7, 3] and form.everything is False and form.limit is None


def test_nothing_ticked_is_an_empty_selection_and_a_ticked_box_is_true():
    form = _Picked.parse_multi(_Submitted([("everything", "on"), ("limit", "12")]))
    assert form.row_id == [] and form.everything is True and form.limit == 12


def test_a_link_lists_ids_with_commas():
    assert _Picked.parse({"row_id": "4,,5, 6"}).row_id == [4, 5, 6]


@pytest.mark.parametrize("value", ["abc", "1.5", "-2", "1" * 19, "1;drop"])
def test_a_value_that_is_not_an_id_refuses_the_whole_selection(value):
    with pytest.raises(ValidationFailed) as refused:
        _Picked.parse_multi(_Submitted([("row_id", "1"), ("row_id", value)]))
    assert refused.value.errors == {"row_id": "The selection is not valid: reload the page and choose again."}


def test_a_bad_number_names_its_field():
    with pytest.raises(ValidationFailed) as refused:
        _Picked.parse_multi(_Submitted([("limit", "ten")]))
    assert refused.value.errors == {"limit": "Limit is not valid."}


def test_an_upload_in_a_text_field_is_ignored():
    assert _Picked.parse_multi(_Submitted([("limit", object()), ("row_id", "2")])).limit is None
