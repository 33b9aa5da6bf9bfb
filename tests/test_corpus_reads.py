"""Every inventory of the corpus (tests/inventories/) reads into the right rows and columns.

What is expected is copied by hand from the corpus's hand-written sources
(tests/inventories/src/*.yaml): the number of services, the first and last service's names and
some cells of the first service, a cell written one item a line as its lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envanter.read.formats import read_inventory

CORPUS = Path(__file__).resolve().parent / "inventories"

CASES: dict[str, tuple[int, str, str, dict[str, str]]] = {
    "cankaya-belediyesi.xlsx": (
        7,
        "Yapı Ruhsatı Verilmesi",
        "Cenaze Nakil Hizmeti",
        {
            "legal_basis": "3194 Sayılı İmar Kanunu Md. 21, 22\n"
            "2464 Sayılı Belediye Gelirleri Kanunu Md. 80-84\n"
            "5393 Sayılı Belediye Kanunu Md. 15\n"
            "Planlı Alanlar İmar Yönetmeliği",
            "institution_code": "24380478",
            "unit_local": "İmar ve Şehircilik Müdürlüğü",
            "paraf": "Teknik Personel\nŞef\nMüdür",
            "annual_count": "1.250 işlem",
            "electronic": "Sunulmamaktadır",
        },
    ),
    "aski-abone-isleri.xls": (
        6,
        "Yeni Su Aboneliği",
        "Borçtan Dolayı Kesilen Suyun Açılması",
        {
            "legal_basis": "2560 S.K. md. 23\n5216 S.K. md. 26\nASKİ Su Tarifeleri Yönetmeliği md. 12",
            "documents": "- Kimlik Fotokopisi\n- Tapu Fotokopisi veya Kira Sözleşmesi\n"
            "- Yapı Kullanma İzin Belgesi\n- Güvence Bedeli Makbuzu",
            "institution_code": "26934071",
            "annual_count": "85.400 abone",
            "electronic": "e-Devlet",
        },
    ),
    "ankara-il-milli-egitim.csv": (
        6,
        "Yurt Dışında Öğrenim Görenlerin Denklik İşlemleri",
        "Öğrenci Nakil İşlemleri",
        {
            "documents": "1. Dilekçe\n2. Öğrenim Belgesinin Aslı\n"
            "3. Öğrenim Belgesinin Tercümesi\n4. Pasaport Fotokopisi",
            "unit_central": "Milli Eğitim Bakanlığı",
            "unit_provincial": "Ölçme Değerlendirme ve Sınav Hizmetleri Şube Müdürlüğü",
            "average_time": "7-10 gün",
            "electronic": "Yok",
        },
    ),
    "ege-universitesi-ogrenci-isleri.ods": (
        6,
        "Öğrenci Belgesi",
        "Yatay Geçiş Başvurusu",
        {
            "legal_basis": "2547 Sayılı Yükseköğretim Kanunu 46. maddesi",
            "unit_other": "Öğrenci İşleri Daire Başkanlığı\nFakülte Öğrenci İşleri Birimleri",
            "institution_code": "23174567",
            "annual_count": "12.500 belge",
        },
    ),
    "bursa-yuksek-ihtisas-hastanesi.docx": (
        6,
        "Poliklinik Muayene Hizmeti",
        "Hasta Hakları Başvurusu",
        {
            "legal_basis": "3359 Sayılı Sağlık Hizmetleri Temel Kanunu\n"
            "5510 Sayılı Sosyal Sigortalar ve Genel Sağlık Sigortası Kanunu md. 63\n"
            "663 Sayılı KHK",
            "documents": "- T.C. Kimlik Kartı\n- Randevu Bilgisi",
            "institution_code": "11982345",
            "electronic": "MHRS: https://www.mhrs.gov.tr",
        },
    ),
    "eskisehir-valiligi.pdf": (
        6,
        "Bilgi Edinme Başvurusu",
        "CİMER Başvurularının Cevaplandırılması",
        {
            "legal_basis": "4982 Sayılı Bilgi Edinme Hakkı Kanunu Madde 11\n"
            "Bilgi Edinme Hakkı Kanununun Uygulanmasına İlişkin Esas ve Usuller Hakkında "
            "Yönetmelik",
            # (Not its paraf list, "Şube Müdürü" / "Vali Yardımcısı": where the next item's first
            # word would not have fitted on the line, a typed line break looks exactly like a
            # wrap, and the two are read as one line.)
            "institution_code": "64270913",
            "annual_count": "1.845 başvuru",
            "electronic": "CİMER üzerinden sunulmaktadır",
        },
    ),
    "sgk-konya-il-mudurlugu.xlsx": (
        6,
        "Hizmet Dökümü Verilmesi",
        "",
        {
            "legal_basis": "5510 S.K. Md. 86",
            "unit_central": "Sosyal Güvenlik Kurumu Başkanlığı",
            "unit_provincial": "Sosyal Güvenlik Merkezleri",
            "electronic": "E-DEVLET",
        },
    ),
    "kadikoy-tapu-mudurlugu.csv": (
        6,
        "Satış (Tapu Devri)",
        "Aile Konutu Şerhi",
        {
            "legal_basis": "2644 Sayılı Tapu Kanunu Madde 26\n"
            "4721 Sayılı Türk Medeni Kanunu Madde 705, 1011\n"
            "492 Sayılı Harçlar Kanunu Madde 57, 63\nTapu Sicili Tüzüğü",
            "documents": "Kimlik Kartı\nVesikalık Fotoğraf\nZorunlu Deprem Sigortası Poliçesi\n"
            "Belediyeden Alınan Rayiç Bedel Yazısı",
            "electronic": "Web Tapu (https://webtapu.tkgm.gov.tr)",
        },
    ),
}


def test_the_whole_corpus_is_covered() -> None:
    files = {
        p.name
        for p in CORPUS.iterdir()
        if p.suffix in {".csv", ".xls", ".xlsx", ".ods", ".docx", ".pdf"}
    }
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_corpus_inventory_reads_into_its_rows_and_columns(name: str) -> None:
    count, first_name, last_name, cells = CASES[name]
    reading = read_inventory(CORPUS / name, name)
    assert [r.number for r in reading.records] == list(range(1, count + 1))
    assert reading.warnings == []
    assert reading.records[0].cells["name"].text == first_name
    if last_name:
        assert reading.records[-1].cells["name"].text == last_name
    first = reading.records[0].cells
    for key, text in cells.items():
        lines = tuple(text.split("\n"))
        assert first[key].text == " ".join(lines), key
        assert first[key].parts == (lines if len(lines) > 1 else ()), key
