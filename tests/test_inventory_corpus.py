"""The corpus of other institutions' inventories (tests/inventories/): its files are what make.py
writes from the hand-written sources, every facts file is well-formed and speaks of rows its
source has, and the facts checker finds what a graph says and what it does not."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from envanter.cli import main

from .inventories import facts as F
from .inventories import make

INVENTORIES = make.HERE
SOURCES = make.sources()
FACT_FILES = F.all_facts()


def _source(name: str) -> dict[str, object]:
    return make.load(make.SOURCES / name)


def test_the_corpus_has_eight_inventories_in_every_published_format() -> None:
    assert len(SOURCES) >= 8
    formats = {make.load(s)["format"] for s in SOURCES}
    assert formats == {"csv", "xlsx", "xls", "ods", "docx", "pdf"}
    for source in SOURCES:
        data = make.load(source)
        assert 6 <= len(data["rows"]) <= 15, source.name
        assert (INVENTORIES / data["file"]).is_file(), data["file"]
        assert (F.FACTS / f"{Path(data['file']).stem}.facts.yaml").is_file(), source.name
    assert len(FACT_FILES) == len(SOURCES)


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.name)
def test_facts_are_well_formed_and_speak_of_rows_their_source_has(path: Path) -> None:
    facts = F.load(path)
    assert facts.path.name == f"{Path(facts.inventory).stem}.facts.yaml"
    source = next(make.load(s) for s in SOURCES if make.load(s)["file"] == facts.inventory)
    rows = {r["number"]: r["name"] for r in source["rows"]}
    assert facts.services == len(rows)
    # Every row has its facts, under the name the source gives it.
    assert {f.row: f.name for f in facts.facts} == rows


def test_a_malformed_facts_file_is_refused_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.facts.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "inventory": "x.csv",
                "services": 1,
                "facts": [
                    {"row": 1, "name": "A", "laws": [{"law": "S.K."}], "online": "evet"},
                    {"row": 1, "name": "B", "average_time": {"value": 3, "unit": "hafta"}},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.raises(F.FactsError) as e:
        F.load(path)
    text = "\n".join(e.value.problems)
    assert "law 'S.K.' is not a number" in text
    assert "online is 'evet'" in text
    assert "unit 'hafta'" in text
    assert "a row appears twice" in text
    assert "missing keys" in text


def test_make_writes_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    # The CSVs as text and bytes; the binary files are deterministic too (fixed timestamps).
    make.main(["--out", str(tmp_path)])
    for source in SOURCES:
        name = make.load(source)["file"]
        assert (tmp_path / name).read_bytes() == (INVENTORIES / name).read_bytes(), name


def test_the_turkish_excel_csv_is_windows_1254_with_semicolons() -> None:
    raw = (INVENTORIES / "ankara-il-milli-egitim.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1254")
    assert text.startswith("ANKARA İL MİLLİ EĞİTİM MÜDÜRLÜĞÜ")
    assert "\r\nSıra No;Kurum Kodu;" in text
    assert ";Merkezi İdare;Taşra Birimleri;Mahalli İdare;" in text
    utf8 = (INVENTORIES / "kadikoy-tapu-mudurlugu.csv").read_bytes()
    assert utf8.startswith(b"\xef\xbb\xbfS\xc4\xb1ra No,")


# --- the checker, on a graph written by hand -----------------------------------------------------

GRAPH = """
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix env: <https://envanter.example/def/envanter#> .
@prefix id: <https://envanter.example/id/> .
@prefix def: <https://envanter.example/def/> .

id:hizmet\\/ruhsat a cpsv:PublicService ; env:rowNumber 1 ;
    dct:title "Yapı Ruhsatı"@tr , "Building permit"@en ;
    cv:hasLegalResource id:mevzuat\\/kanun-3194 , id:mevzuat\\/kanun-2464-madde-80-84 ,
        id:mevzuat\\/kanun-3194-madde-21 , id:mevzuat\\/yonetmelik ;
    env:offeredOnline false ;
    env:annualVolume id:hizmet\\/ruhsat\\#islem-sayisi-1 ;
    env:legalCompletionTime id:hizmet\\/ruhsat\\#sure-1 ;
    cv:processingTime "P30D"^^xsd:duration ;
    cpsv:hasInput id:belge\\/dilekce ;
    cv:hasCompetentAuthority id:kurum\\/imar .
id:mevzuat\\/kanun-3194 eli:id_local "3194" .
id:mevzuat\\/kanun-2464 eli:id_local "2464" .
id:mevzuat\\/kanun-2464-madde-80-84 eli:is_part_of id:mevzuat\\/kanun-2464 ; eli:number "80-84" .
id:mevzuat\\/kanun-3194-madde-21 eli:is_part_of id:mevzuat\\/kanun-3194 ; eli:number "21" .
id:mevzuat\\/yonetmelik dct:title "Planlı Alanlar İmar Yönetmeliği"@tr .
id:hizmet\\/ruhsat\\#islem-sayisi-1 rdf:value 1250 ; env:countUnit def:birim\\/islem .
id:hizmet\\/ruhsat\\#sure-1 a env:Duration ; env:value 15 ; env:unit def:sure-birimi\\/is-gunu .
id:belge\\/dilekce dct:title "Dilekçe"@tr .
id:kurum\\/imar skos:prefLabel "İmar ve Şehircilik Müdürlüğü"@tr .

id:hizmet\\/cenaze a cpsv:PublicService ; env:rowNumber 2 ;
    dct:title "Cenaze Nakli"@tr ;
    env:averageCompletionTime id:hizmet\\/cenaze\\#sure-1 .
id:hizmet\\/cenaze\\#sure-1 a env:Duration ; env:kind def:sure-turu\\/ayni-gun .
"""


def _facts(tmp_path: Path, **changes: object) -> F.Facts:
    first: dict[str, object] = {
        "row": 1,
        "name": "yapı ruhsatı",
        "laws": [
            {"law": "3194", "articles": ["21"]},
            {"law": "2464", "articles": [80, 81, "82-84"]},
        ],
        "regulations": ["Planlı Alanlar İmar Yönetmeliği"],
        "online": False,
        "count": {"value": 1250, "unit": "işlem"},
        "legal_time": {"value": 15, "unit": "iş günü"},
        "average_time": {"value": 30, "unit": "gün"},
        "documents": ["DİLEKÇE."],
        "units": ["İmar ve Şehircilik Müdürlüğü"],
    }
    second: dict[str, object] = {
        "row": 2,
        "name": "Cenaze Nakli",
        "laws": [],
        "online": "unknown",
        "count": "none",
        "legal_time": "none",
        "average_time": {"kind": "same day"},
        "documents": "none",
        "units": "none",
    }
    first.update(changes)
    path = tmp_path / "x.facts.yaml"
    data = {"inventory": "x.csv", "services": 2, "facts": [first, second]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return F.load(path)


@pytest.fixture(scope="module")
def view() -> F.GraphView:
    store = ox.Store()
    store.load(GRAPH.encode(), format=ox.RdfFormat.TURTLE)
    return F.GraphView(store)


def test_the_checker_finds_facts_that_hold(tmp_path: Path, view: F.GraphView) -> None:
    assert F.check(_facts(tmp_path), view) == []


@pytest.mark.parametrize(
    ("change", "failure"),
    [
        ({"name": "Yapı Kullanma İzni"}, "title: expected 'Yapı Kullanma İzni'"),
        ({"laws": [{"law": "3194", "articles": ["21"]}]}, "laws: expected ['3194'], found"),
        (
            {"laws": [{"law": "3194", "articles": ["22"]}, {"law": "2464", "articles": ["80-84"]}]},
            "law 3194: expected articles ['22'], found ['21']",
        ),
        ({"regulations": ["İmar Yönetmeliği Ek"]}, "regulation 'İmar Yönetmeliği Ek'"),
        ({"online": True}, "offered online: expected true, found false"),
        ({"online": "partly"}, "offered online: expected partly, found false"),
        ({"count": {"value": 1250, "unit": "dosya"}}, "annual count unit: expected 'dosya'"),
        ({"count": "none"}, "annual count: expected none"),
        ({"legal_time": {"value": 15, "unit": "gün"}}, "legal time: expected 15 gün"),
        ({"legal_time": "none"}, "legal time: expected none"),
        ({"average_time": {"min": 7, "max": 10, "unit": "gün"}}, "average time: expected 7-10"),
        ({"documents": "none"}, "documents: expected [], found ['dilekçe']"),
        ({"units": ["Fen İşleri Müdürlüğü"]}, "competent units: expected ['fen işleri"),
    ],
)
def test_the_checker_reports_a_fact_that_does_not_hold(
    tmp_path: Path, view: F.GraphView, change: dict[str, object], failure: str
) -> None:
    failures = F.check(_facts(tmp_path, **change), view)
    assert len(failures) == 1, failures
    assert failures[0].startswith("x.facts.yaml: row 1 (")
    assert failure in failures[0]


def test_unknown_online_and_a_missing_service_are_reported(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(GRAPH.encode(), format=ox.RdfFormat.TURTLE)
    store.update(
        "DELETE WHERE { ?s <https://envanter.example/def/envanter#offeredOnline> ?o }; "
        "DELETE WHERE { <https://envanter.example/id/hizmet/cenaze> ?p ?o }"
    )
    failures = F.check(_facts(tmp_path), F.GraphView(store))
    assert failures == [
        "x.facts.yaml: 1 services in the graph, expected 2",
        "x.facts.yaml: row 1 (yapı ruhsatı): offered online: expected false, found unknown",
        "x.facts.yaml: row 2 (Cenaze Nakli): no service with this row number",
    ]


def test_a_count_unit_kept_as_text_is_read(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(GRAPH.encode(), format=ox.RdfFormat.TURTLE)
    volume = "<https://envanter.example/id/hizmet/ruhsat#islem-sayisi-1>"
    store.update(
        f"DELETE WHERE {{ {volume} <https://envanter.example/def/envanter#countUnit> ?u }}; "
        f"INSERT DATA {{ {volume} <https://envanter.example/def/envanter#countUnitText> 'Dosya'@tr }}"
    )
    view = F.GraphView(store)
    assert F.check(_facts(tmp_path, count={"value": 1250, "unit": "dosya"}), view) == []
    failures = F.check(_facts(tmp_path), view)
    assert len(failures) == 1 and "annual count unit: expected 'işlem'" in failures[0]


def test_articles_and_slugs_are_read_the_way_sources_write_them() -> None:
    assert F.articles("134-144") == {str(n) for n in range(134, 145)}
    assert F.articles("Mükerrer 44") == {"mükerrer 44"}
    assert F.articles("5/A") == {"5/a"}
    assert F.slug("İş Günü") == "is-gunu"
    assert F.fold("  BELGE  İSTENMEMEKTEDİR. ") == "belge istenmemektedir"


# --- end to end: every inventory builds on its own, and its facts hold ---------------------------

# Facts that do not hold yet, each with why. The test fails when one of them starts to hold (take
# it off this list) as well as when any other fact fails.
KNOWN_GAPS: list[tuple[str, str]] = []


def _known(failure: str) -> bool:
    return any(failure.startswith(where) and what in failure for where, what in KNOWN_GAPS)


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.name.removesuffix(".facts.yaml"))
def test_every_inventory_builds_alone_and_its_facts_hold(path: Path, tmp_path: Path) -> None:
    facts = F.load(path)
    out = tmp_path / "dist"
    args = ["build", "-q", "--source", str(INVENTORIES / facts.inventory), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    failures = F.check(facts, F.GraphView(F.load_graph(out)))
    assert [f for f in failures if not _known(f)] == []
    # Every known gap of this inventory is still there.
    gaps = [(where, what) for where, what in KNOWN_GAPS if where.startswith(path.name)]
    closed = [g for g in gaps if not any(f.startswith(g[0]) and g[1] in f for f in failures)]
    assert closed == []


# The line breaks of the PDF's cells that nothing on the page tells from a typed one, where the
# column's items depend on it: each 'the column: the item so far | the next line', read off the
# PDF by hand. The paraf roles 'Şube Müdürü' / 'Vali Yardımcısı' are two in the source; 'İl Sivil
# Toplumla' / 'İlişkiler' is one unit; the page looks the same for both. Breaks the page does
# tell ('Bilgi Edinme' / 'Birimi', numbered documents) are not here.
GUESSED_BREAKS = {
    1: {
        "İlk Başvuru Makamı: Valilik Bilgi | Edinme Birimi",
        "Paraf Listesi: Şube Müdürü | Vali Yardımcısı",
    },
    2: {
        "Görevli Birim: Taşra Birimleri: İl Sivil Toplumla | İlişkiler",
        "İlk Başvuru Makamı: İl Sivil Toplumla | İlişkiler",
        "Paraf Listesi: İl Sivil Toplumla | İlişkiler Müdürü",
    },
    3: {
        "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası: 2911 Sayılı Toplantı ve Gösteri "
        "Yürüyüşleri Kanunu Madde 10 | Toplantı ve Gösteri Yürüyüşleri",
    },
    5: {
        "Görevli Birim: Taşra Birimleri: İl Sivil Toplumla | İlişkiler",
        "İlk Başvuru Makamı: İl Sivil Toplumla | İlişkiler",
        "Paraf Listesi: İl Sivil Toplumla | İlişkiler Müdürü",
        "Paraf Listesi: İl Sivil Toplumla İlişkiler Müdürü | Vali Yardımcısı",
    },
    6: {"Paraf Listesi: Şube Müdürü | Vali Yardımcısı"},
}


def test_a_pdf_line_break_read_on_a_guess_is_in_the_build_log_graph_and_report(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dist"
    source = INVENTORIES / "eskisehir-valiligi.pdf"
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    # The console groups the warnings of one wording; the output lists each cell's.
    assert (
        "paraf: 'Şube Müdürü' and 'Vali Yardımcısı' were read as one item, 'Şube Müdürü Vali "
        "Yardımcısı'"
    ) in result.output
    assert (
        "eskisehir-valiligi.pdf:3: paraf: service 1: 'Şube Müdürü' and 'Vali Yardımcısı' were "
        "read as one item, 'Şube Müdürü Vali Yardımcısı'"
    ) in (out / "validation" / "warnings.txt").read_text(encoding="utf-8")
    store = F.load_graph(out)
    env = "https://envanter.example/def/envanter#"
    found: dict[int, set[str]] = {}
    query = f"SELECT ?n ?text {{ ?s <{env}rowNumber> ?n ; <{env}lineBreakGuessed> ?text }}"
    for row in store.query(query):
        assert row["text"].language == "tr"
        found.setdefault(int(row["n"].value), set()).add(row["text"].value)
    assert found == GUESSED_BREAKS
    report = (out / "validation" / "report.ttl").read_text(encoding="utf-8")
    assert report.count("sekil:line-break-guessed") == len(GUESSED_BREAKS)
