from __future__ import annotations

import math

import pytest

from territorial.errors import InvalidArgumentError
from territorial.format import format_number


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234567.891, {"lang": "en", "decimals": 1}, "1,234,567.9"),
        (1234567.891, {"decimals": 1}, "1\u202f234\u202f567,9"),
        (45, {}, "45"),
        (45.0, {"lang": "en"}, "45"),
        (12.345, {}, "12,3"),
        (0.5, {"unit": "%"}, "0,50\u00a0%"),
        (-0.001, {"decimals": 1}, "0,0"),
        (math.nan, {}, "n.d."),
        (None, {"lang": "en"}, "n/a"),
    ],
)
def test_format_number(value, kwargs, expected):
    assert format_number(value, **kwargs) == expected


def test_format_number_rejects_unknown_language():
    with pytest.raises(InvalidArgumentError) as info:
        format_number(1, lang="de")
    assert str(info.value) == (
        "lang='de' is not valid: expected 'fr' or 'en'. Pass lang='fr' or lang='en'."
    )
