"""The site's template environment: compiled once before the page writers are forked, and
reading a row's keys the way the templates mean them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import meta

from envanter.check.report import Report
from envanter.publication import site as site_module
from envanter.publication.site import SiteWriter
from envanter.publication.sitedata import empty_site_data
from envanter.publication.templating import TEMPLATES

from .conftest import ROOT


@pytest.fixture
def writer(tmp_path: Path) -> SiteWriter:
    return SiteWriter(
        empty_site_data("https://envanter.example/"),
        {},
        Report(),
        ROOT / "site",
        tmp_path,
        [],
        [],
        "https://creativecommons.org/licenses/by/4.0/",
    )


def test_every_template_the_site_renders_is_compiled_up_front(writer: SiteWriter) -> None:
    """What SiteWriter renders, and what those templates extend or import, is in TEMPLATES and
    compiled once the writer is made: a process forked afterwards loads no template."""
    source = Path(site_module.__file__).read_text(encoding="utf-8")
    wanted = set(re.findall(r'"([\w-]+\.html\.j2)"', source))
    for name in list(wanted):
        text = (ROOT / "site" / name).read_text(encoding="utf-8")
        wanted |= set(meta.find_referenced_templates(writer.env.parse(text))) - {None}
    assert wanted == set(TEMPLATES)

    def no_loading(*args: object) -> None:
        raise AssertionError(f"template loaded after the writer was made: {args}")

    writer.env.loader.get_source = no_loading  # type: ignore[method-assign, union-attr]
    for name in TEMPLATES:
        assert writer.env.get_template(name).name == name


def test_a_rows_keys_come_before_the_dicts_methods(writer: SiteWriter) -> None:
    """A row is a dict of a query's variables: `row.items` is its variable `items`, and an
    object's attribute is read as Jinja reads it."""
    template = writer.env.from_string("{{ row.items }} {{ row.title }} {{ n.real }} {{ o.x }}")

    class Thing:
        x = "attribute"

    assert template.render(row={"items": "a", "title": "b"}, n=3, o=Thing()) == "a b 3 attribute"
