"""The page's language and the interface's words in it: ``?lang=`` or Accept-Language chooses among English,
Vietnamese and Chinese; the words come from gettext catalogues (``locales/*/LC_MESSAGES/messages.po``), read with
Babel and handed to Jinja2's i18n extension (one environment per language, so renders never share state)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from ..publishing.negotiation import negotiate_language
from .representation import LANGUAGE_COOKIE

LANGUAGES = ("en", "vi", "zh")
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt", "zh": "中文"}
"""Each language by its own name, as the switcher shows it."""
_LOCALES = Path(__file__).parent / "locales"
_TEMPLATES = Path(__file__).parent / "templates"


def page_language(request: Request) -> str:
    """``?lang=`` when it names one of ours (the switcher's links), else the choice kept in the ``lang`` cookie,
    else what Accept-Language prefers."""
    for asked in (request.query_params.get("lang", ""), request.cookies.get(LANGUAGE_COOKIE, "")):
        if asked in LANGUAGES:
            return asked
    return negotiate_language(request.headers.get("accept-language"), LANGUAGES)



@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang``, compiled from its .po file when loaded; English is the source language."""
    path = _LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def gettext(lang: str, message: str) -> str:
    """One interface string in ``lang``, for text built outside templates."""
    return translations(lang).gettext(message)
