"""The one way a date is written in Chinese: 2026年10月9日.

GB/T 9704-2012 §7.3.5.1 writes the issue date (成文日期) in Arabic numerals with the full
year and neither month nor day padded with a zero; notices, digests, reminders and the
announcement all write dates the same way, so they share this function.
"""

from __future__ import annotations

import datetime as dt


def chinese_date(day: dt.date) -> str:
    """2026年10月9日 — Arabic numerals, no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"
