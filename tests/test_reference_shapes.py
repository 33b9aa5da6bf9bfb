"""The official CPSV-AP and DCAT-AP shapes under tests/reference/ are the published files, byte
for byte (their SHA-256 as recorded from the SEMIC repositories, see tests/reference/NOTICE.md),
and carry their CC BY 4.0 notice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parent / "reference"

# Recorded from the releases (CPSV-AP 3.2.0, DCAT-AP 3.0.1), not computed from the copies.
PUBLISHED = {
    "cpsv-ap/shacl/cpsv-ap-SHACL.ttl": (
        "a314fa6bf8e1b613af7ed75fb9f4423d30a16b6fb93b4d3f05168f697bc37b30"
    ),
    "dcat-ap/shacl/dcat-ap-SHACL.ttl": (
        "990d3e42721de6a4be8cc338a7171559f195e62dea89c0b56531356b78cc026f"
    ),
    "dcat-ap/shacl/ranges.ttl": "a6eed0fae8d0f5ca977fe2098ca12081ac60b0efe1ddce802d5c08e49505ebcc",
    "dcat-ap/html/shacl/shapes.ttl": (
        "7fe9815e0f32b10f5cbce74fa6ccd0290aae3ef9e5080fb84e2d8093eb984d1d"
    ),
    "dcat-ap/html/shacl/range.ttl": (
        "24d3bfd0fa17a3d0e877c9ebb91c8174124e5038538e1bf081b2cb679ad0f1b2"
    ),
    "dcat-ap/html/shacl/shapes_recommended.ttl": (
        "9afbf23f1f56d10d6839259684934137e20506a9aedce0249b619bbc593b9abd"
    ),
    "dcat-ap/html/shacl/mdr-vocabularies.shape.ttl": (
        "2362f83971766a15cc20b2b54420022dc10547dd2c483da02080847c61b4b45a"
    ),
    "dcat-ap/html/shacl/deprecateduris.ttl": (
        "30a20a51a487c40ab7ae04f5905f02ef28238ec5cb390e37053334d835021948"
    ),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_a_vendored_shape_file_is_the_published_one(name: str) -> None:
    assert hashlib.sha256((REFERENCE / name).read_bytes()).hexdigest() == PUBLISHED[name]


def test_every_vendored_shape_file_is_recorded() -> None:
    assert sorted(p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*.ttl")) == sorted(
        PUBLISHED
    )


@pytest.mark.parametrize("profile", ["cpsv-ap", "dcat-ap"])
def test_the_licence_travels_with_the_shapes(profile: str) -> None:
    licence = (REFERENCE / profile / "LICENSE").read_text(encoding="utf-8")
    assert "CC-BY 4.0" in licence
    assert "Creative Commons Attribution 4.0 International Public License" in licence
    notice = (REFERENCE / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in notice
    for name, digest in PUBLISHED.items():
        assert f"`{name}`" in notice and digest in notice
