"""`UNSET`: "not given", so that an edit can tell "leave as is" from "set to empty"."""

from __future__ import annotations

from enum import Enum


class _Unset(Enum):
    UNSET = 0


#: "Not given": lets `measure_update` tell "leave as is" from "set to empty".
UNSET = _Unset.UNSET
