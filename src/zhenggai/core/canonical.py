"""Canonical JSON: the one text of a value that a hash covers, stable across databases.

Hashes (the audit chain's) must still match after the values have gone through a JSON
column and back, through a PostgreSQL dump or an SQLite copy. `canonical_json` therefore
serialises only values whose JSON text both engines give back unchanged, and callers store
`canonical_value(x)` (the JSON-ready form) so what is read back hashes the same.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

# Why values are refused; the audit service's caller must convert them first.
FLOAT_REFUSED = "审计记录不接受浮点数 {value!r}：请先转换为 Decimal 或字符串"
NAIVE_DATETIME_REFUSED = "审计记录中的时间 {value} 缺少时区"
NUL_REFUSED = "审计记录中的文本含有 NUL 字符（PostgreSQL 无法保存）"
KEY_REFUSED = "审计记录中的键必须是字符串：{key!r}"
TYPE_REFUSED = "审计记录不接受 {type} 类型的值"
DECIMAL_REFUSED = "审计记录不接受非有限的 Decimal：{value}"

JSONValue: TypeAlias = bool | int | str | list["JSONValue"] | dict[str, "JSONValue"] | None


def _utc_text(value: dt.datetime) -> str:
    """One fixed text per instant: UTC, always six fractional digits, a trailing Z."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME_REFUSED.format(value=value.isoformat()))
    # isoformat, unlike strftime("%Y"), pads the year to four digits on every platform.
    utc = value.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value


def canonical_value(value: Any) -> JSONValue:
    """`value` as plain JSON data, ready for a JSON column; what `canonical_json` writes.

    - dict keys must be strings (JSON would turn `1` into `"1"` and change the hash);
    - lists and tuples become lists;
    - aware datetimes become UTC text `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so the same instant in
      Asia/Shanghai and UTC is the same text; naive datetimes are refused (which instant?);
    - dates become `YYYY-MM-DD`; UUIDs their hyphenated text; Decimals `str(d)` (trailing
      zeros kept: `Decimal("1.10")` stays "1.10");
    - floats are refused: PostgreSQL's jsonb keeps numbers as `numeric`, so `1e20` comes
      back as `100000000000000000000` and the text — hence the hash — changes. Money and
      measurements go in as Decimal;
    - strings with NUL are refused: jsonb cannot store them.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # an IntEnum's value, so that its repr cannot leak into the text
    if isinstance(value, str):
        return _text(str(value))
    if isinstance(value, float):
        raise TypeError(FLOAT_REFUSED.format(value=value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(DECIMAL_REFUSED.format(value=value))
        return str(value)
    if isinstance(value, dt.datetime):  # before `date`: a datetime is a date
        return _utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(KEY_REFUSED.format(key=key))
            result[_text(key)] = canonical_value(item)
        return result
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise TypeError(TYPE_REFUSED.format(type=type(value).__name__))


def canonical_json(value: Any) -> str:
    """The one text of `value` that the hash covers (see `canonical_value` for the rules).

    Keys sorted by code point, no whitespace, non-ASCII kept as is (UTF-8 when hashed).
    `canonical_json(json.loads(canonical_json(x))) == canonical_json(x)` for every accepted
    `x`, which is what lets a restored database verify.
    """
    return json.dumps(
        canonical_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


