"""Literals as people read them in the page's language: dates at the precision the data give, numbers with the
locale's separators, ordinals; never a datatype IRI (Unicode CLDR patterns through Babel)."""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph as ox
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from ..namespaces import XSD

LOCALES = {"en": "en_GB", "vi": "vi", "zh": "zh_Hans"}
"""CLDR locale of each page language (British English: day before month, as the articles write dates)."""
_YEAR_MONTH = re.compile(r"(-?\d{4})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_YEAR = re.compile(r"(-?\d{4})(?:Z|[+-]\d{2}:\d{2})?")
_NUMERIC = {XSD[n].value for n in ("integer", "int", "long", "short", "decimal", "double", "float",
                                    "nonNegativeInteger", "positiveInteger")}


def format_literal(literal: ox.Literal, lang: str) -> str:
    """The literal's value for a reader of ``lang``; the lexical form when it is not a valid value."""
    locale = LOCALES.get(lang, "en_GB")
    datatype = literal.datatype.value
    text = literal.value
    try:
        if datatype == XSD.date.value:
            return format_date(dt.date.fromisoformat(text[:10]), "long", locale=locale)
        if datatype == XSD.dateTime.value:
            return format_date(dt.date.fromisoformat(text[:10]), "long", locale=locale)
        if datatype == XSD.gYearMonth.value and (m := _YEAR_MONTH.fullmatch(text)):
            return format_skeleton("yMMMM", dt.date(int(m[1]), int(m[2]), 1), locale=locale)
        if datatype == XSD.gYear.value and (m := _YEAR.fullmatch(text)):
            return m[1]
        if datatype in _NUMERIC:
            return format_decimal(text, locale=locale)
    except ValueError:
        return text
    return text


def ordinal(number: str, lang: str) -> str:
    """The n-th meeting of a series: ``15th``, ``15`` (after "lần thứ"), ``第15次``."""
    if not number.isdigit():
        return number
    if lang == "vi":
        return number  # the row already says "lần thứ"
    if lang == "zh":
        return f"第{number}次"
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{number}{suffix}"
