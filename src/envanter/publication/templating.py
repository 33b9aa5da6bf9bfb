"""The templates' side of the site: the Jinja environment the pages are rendered in, the
interface strings as templates read them, and where a page sits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

# The templates SiteWriter renders, and those they extend or import: compiled when it is made,
# before the build forks the processes that write pages, which then share them (a process
# forked for each batch would otherwise compile them again).
TEMPLATES = (
    "base.html.j2",
    "macros.html.j2",
    "pager.html.j2",
    "service.html.j2",
    "entity.html.j2",
    "used-by.html.j2",
    "home.html.j2",
    "services.html.j2",
    "standards.html.j2",
    "queries.html.j2",
    "about.html.j2",
    "404.html.j2",
)


class SiteEnvironment(Environment):
    """Jinja with `row.title` read as the dict's key first. Jinja tries an attribute first and
    the key only when that fails, which costs an exception; the rows inside the page views are
    the site queries' solutions, dicts, and a national inventory's pages read tens of millions
    of their keys. (A key named like a dict method, `items` say, is the key here; the templates
    use no dict method.)"""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@dataclass(frozen=True, slots=True)
class Page:
    """The page being written: its language, the way to the site's root and to its language's
    home page (`../../`, `../../en/`)."""

    lang: str
    root: str
    home: str


class Strings:
    """The site's interface strings in one language, as templates use them: `s.key`, or `s[key]`
    for a key held in a variable. Escaped once here, not on each of the hundreds of thousands of
    pages (a missing key is undefined, which StrictUndefined makes an error)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.__dict__.update({key: escape(text) for key, text in texts.items()})

    def __getitem__(self, key: str) -> Markup:
        found: Markup = self.__dict__[key]
        return found
