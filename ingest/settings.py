"""Checks shared by the settings objects of every stage (PDF reader, table walk, leads), and
the readers' settings that must not import a reader (:class:`PackageLimits`).

Each settings object is a frozen dataclass whose defaults are named constants; its
``__post_init__`` calls these checks so that a wrong value fails at once, in one line naming
the setting ("PdfSettings.snap_tolerance must be a number >= 0, not -1.0"), instead of as an
odd table hours later. Lives in ``ingest`` (the first stage) so that every stage can use it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_EXPANDED_MB = 200
DEFAULT_MAX_RATIO = 100
DEFAULT_RATIO_CHECK_FROM_MB = 1


@dataclass(frozen=True)
class PackageLimits:
    """How far a .docx or .xlsx may expand before it is refused as a likely zip bomb.

    ``max_expanded_mb`` bounds the sum of the members' uncompressed sizes; ``max_ratio`` bounds
    any one member's compression ratio once it expands beyond ``ratio_check_from_mb`` (Word's
    XML compresses about 5-20:1; a bomb, 1000:1). Python's zipfile never inflates a member
    beyond its declared size, so checking the declared sizes is enough.
    """

    max_expanded_mb: int = DEFAULT_MAX_EXPANDED_MB
    max_ratio: int = DEFAULT_MAX_RATIO
    ratio_check_from_mb: int = DEFAULT_RATIO_CHECK_FROM_MB

    def __post_init__(self) -> None:
        check_field_types(self)
        check_range(self, "max_expanded_mb", 1)
        check_range(self, "max_ratio", 2)
        check_range(self, "ratio_check_from_mb")


def check_field_types(settings: Any) -> None:
    """Every field holds a value of its default's type: a number where the default is a
    number (an int will do for a float; a bool is never a number), a bool, a string, or a
    nested settings object of the default's class. Raises TypeError naming the field."""
    owner = type(settings).__name__
    for item in dataclasses.fields(settings):
        if item.default is not dataclasses.MISSING:
            expected = type(item.default)
        elif item.default_factory is not dataclasses.MISSING:
            expected = type(item.default_factory())
        else:
            continue
        value = getattr(settings, item.name)
        if not _has_type(value, expected):
            raise TypeError(f"{owner}.{item.name} must be {_type_name(expected)}, not {value!r}")


def check_range(settings: Any, name: str, low: float = 0.0, high: float = math.inf) -> None:
    """``settings.name`` is a finite number in [low, high] (high may be infinite)."""
    value = getattr(settings, name)
    if not math.isfinite(value) or not low <= value <= high:
        bounds = (
            f">= {low:g}"
            if math.isinf(high)
            else f"<= {high:g}"
            if math.isinf(low)
            else f"between {low:g} and {high:g}"
        )
        raise ValueError(f"{type(settings).__name__}.{name} must be a number {bounds}, not {value!r}")


def _has_type(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _type_name(expected: type) -> str:
    return {float: "a number", int: "a whole number", bool: "True or False", str: "text"}.get(
        expected, f"a {expected.__name__}"
    )
