"""The domain gazetteer built from repository data."""
from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import pytest
import rasa.shared.data
import rasa.shared.utils.io
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.nlu.gazetteer import (
    DISTRICT,
    OFFICE_TYPE,
    PROVINCE,
    SERVICE,
    Gazetteer,
    build_gazetteer,
    service_files,
    sources_fingerprint,
)
from bot.nlu.tokenizer import ThaiTokenizer
from common.paths import DATA
from tests.bot.nlu.support import make_data_root
from tests.conftest import skip_or_fail


@pytest.fixture(scope="module")
def gazetteer(nlu_data_root: Path) -> Gazetteer:
    return build_gazetteer(nlu_data_root)


def names(gazetteer: Gazetteer, term: str) -> dict[str, tuple[str, ...]]:
    return {entry.entity: entry.values for entry in gazetteer.lookup(term)}


def read_codes(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle)}


def test_every_province_and_district_is_named(gazetteer: Gazetteer) -> None:
    assert gazetteer.values(PROVINCE) == read_codes(DATA / "geo/provinces.csv", "CODE")
    assert len(gazetteer.values(PROVINCE)) == 77
    assert gazetteer.values(DISTRICT) == read_codes(DATA / "geo/districts.csv", "DISTRICT_CODE")
    assert len(gazetteer.values(DISTRICT)) == 928


def test_size(gazetteer: Gazetteer) -> None:
    """Fixture knowledge base: 5 services, 9 office types (figures quoted in the report)."""
    assert len(gazetteer.entries) == 3086
    assert len(gazetteer.dictionary) == 1142


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("เชียงใหม่", {PROVINCE: ("50",)}),
        ("จังหวัดเชียงใหม่", {PROVINCE: ("50",)}),
        ("จ.เชียงใหม่", {PROVINCE: ("50",)}),
        ("Chiang Mai", {PROVINCE: ("50",)}),
        ("โคราช", {PROVINCE: ("30",)}),
        ("จ.โคราช", {PROVINCE: ("30",)}),
        ("กทม", {PROVINCE: ("10",)}),
        ("กทม.", {PROVINCE: ("10",)}),
        ("กรุงเทพ", {PROVINCE: ("10",)}),
        ("กรุงเทพฯ", {PROVINCE: ("10",)}),
        ("บางกอก", {PROVINCE: ("10",)}),
        ("อยุธยา", {PROVINCE: ("14",)}),
        # Loei is "เลย" ("at all"): a province only with its prefix.
        ("เลย", {}),
        ("จังหวัดเลย", {PROVINCE: ("42",)}),
        ("จ.เลย", {PROVINCE: ("42",)}),
        ("เมืองเลย", {DISTRICT: ("4201",)}),
        # The capital district of Ayutthaya has the province's name: bare, the province.
        ("พระนครศรีอยุธยา", {PROVINCE: ("14",)}),
        ("อำเภอพระนครศรีอยุธยา", {DISTRICT: ("1401",)}),
        ("บางรัก", {DISTRICT: ("1004",)}),
        ("เขตบางรัก", {DISTRICT: ("1004",)}),
        ("เมืองเชียงใหม่", {DISTRICT: ("5001",)}),
        ("อ.เมืองเชียงใหม่", {DISTRICT: ("5001",)}),
        ("อำเภอเมืองเชียงใหม่", {DISTRICT: ("5001",)}),
        ("เมืองโคราช", {DISTRICT: ("3001",)}),
        # A khet of Bangkok and an amphoe of Chiang Mai share a name.
        ("จอมทอง", {DISTRICT: ("1035", "5002")}),
        ("เขตจอมทอง", {DISTRICT: ("1035",)}),
        ("อำเภอจอมทอง", {DISTRICT: ("5002",)}),
        # Everyday words are districts only after a prefix.
        ("ลอง", {}),
        ("อ.ลอง", {DISTRICT: ("5403",)}),
        ("สอง", {}),
        ("อำเภอสอง", {DISTRICT: ("5406",)}),
        # Khet take เขต, amphoe take อำเภอ.
        ("อำเภอบางรัก", {}),
        ("อำเภอ", {OFFICE_TYPE: ("district_office",)}),
        ("เขต", {OFFICE_TYPE: ("bangkok_district_office",)}),
        ("ศาลากลาง", {OFFICE_TYPE: ("provincial_hall",)}),
        ("บัตรประชาชนหาย", {SERVICE: ("id_card_lost",)}),
        ("Passport", {SERVICE: ("passport",)}),
        # Abbreviation resolved like its expansion (ทะเบียนบ้าน, a fixture alias).
        ("ทร.14", {SERVICE: ("house_registration_copy",)}),
        ("สด.9", {SERVICE: ("military_registration",)}),
    ],
)
def test_terms(gazetteer: Gazetteer, term: str, expected: dict) -> None:
    assert names(gazetteer, term) == expected


def test_amphoe_mueang_is_every_district_named_mueang_province(gazetteer: Gazetteer) -> None:
    # Bangkok has no amphoe; Ayutthaya's capital district is not called เมือง.
    for term in ("อำเภอเมือง", "อ.เมือง"):
        capitals = names(gazetteer, term)[DISTRICT]
        assert len(capitals) == 75
        assert {"5001", "3001", "1101"} <= set(capitals)
        assert not any(code.startswith(("10", "14")) for code in capitals)


def test_dictionary_holds_names_not_phrases(gazetteer: Gazetteer) -> None:
    dictionary = set(gazetteer.dictionary)
    names_and_forms = {"บางรัก", "โคราช", "กทม.", "อ.", "จ.", "เขต", "ทร.14", "สด.43"}
    assert names_and_forms | {"ศาลากลางจังหวัด"} <= dictionary
    # Prefixed forms and service phrases are matched as token sequences.
    assert not {"จังหวัดเชียงใหม่", "เขตบางรัก", "บัตรประชาชนหาย", "ต่อบัตรประชาชน"} & dictionary


def edit_yaml(path: Path, change) -> None:
    data = rasa.shared.utils.io.read_yaml_file(path)
    change(data)
    rasa.shared.utils.io.write_yaml(data, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["province_aliases"].update({"99": ["ไม่มี"]}), "unknown province code '99'"),
        (lambda d: d["district_requires_prefix"].append("ไม่มีอำเภอนี้"), "ไม่มีอำเภอนี้"),
        (lambda d: d["province_requires_prefix"].append("ไม่มีจังหวัดนี้"), "ไม่มีจังหวัดนี้"),
    ],
)
def test_lookup_errors_name_the_bad_entry(tmp_path: Path, change, message: str) -> None:
    root = make_data_root(tmp_path)
    edit_yaml(root / "nlu/lookups/gazetteer.yml", change)
    with pytest.raises(ValueError, match=message):
        build_gazetteer(root)


def test_service_without_code_is_an_error(tmp_path: Path) -> None:
    root = make_data_root(tmp_path)
    (root / "kb/services/broken.yml").write_text("name_th: ไม่มีรหัส\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.yml has no service code"):
        build_gazetteer(root)


def test_alias_of_two_services_is_ambiguous_and_warned(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_data_root(tmp_path)
    edit_yaml(root / "kb/services/passport.yml", lambda d: d["aliases"].append("บัตรหาย"))
    with caplog.at_level(logging.WARNING, logger="bot.nlu.gazetteer"):
        gazetteer = build_gazetteer(root)
    assert names(gazetteer, "บัตรหาย") == {SERVICE: ("id_card_lost", "passport")}
    assert "'บัตรหาย' names several service values id_card_lost, passport" in caplog.text


def test_fingerprint_follows_every_source(tmp_path: Path) -> None:
    root = make_data_root(tmp_path)
    config = {"data_root": str(root)}
    before = ThaiTokenizer.fingerprint_addon(config)
    assert ThaiTokenizer.fingerprint_addon(config) == before
    edit_yaml(root / "kb/services/passport.yml", lambda d: d["aliases"].append("เล่มพาสปอร์ต"))
    after_service = sources_fingerprint(root)
    shutil.copyfile(root / "kb/services/passport.yml", root / "kb/services/passport_copy.yml")
    after_new_file = sources_fingerprint(root)
    assert len({before, after_service, after_new_file}) == 3


def test_lookup_files_are_not_rasa_training_data() -> None:
    for path in (DATA / "nlu/lookups").glob("*.yml"):
        assert not rasa.shared.data.is_nlu_file(path), path
        assert not YAMLStoryReader.is_stories_file(path), path


def test_repository_services_are_distinct_and_apart_from_offices() -> None:
    """Real data/kb: a name claimed twice would never be tagged."""
    if not service_files(DATA):
        skip_or_fail("no service files in data/kb/services yet")
    gazetteer = build_gazetteer(DATA)
    codes = {rasa.shared.utils.io.read_yaml_file(p)["code"] for p in service_files(DATA)}
    assert gazetteer.values(SERVICE) == codes
    assert [e for e in gazetteer.entries if e.ambiguous and e.entity != DISTRICT] == []
    offices = {e.term for e in gazetteer.entries if e.entity == OFFICE_TYPE}
    services = {e.term for e in gazetteer.entries if e.entity == SERVICE}
    assert offices & services == set()
