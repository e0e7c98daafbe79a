"""The domain gazetteer: every name a citizen may use for a place, office or service.

Built at training time from the repository data under ``data_root``:

- ``geo/provinces.csv``, ``geo/districts.csv``: all provinces and districts,
  bare and with their administrative prefix (จังหวัด/จ., อำเภอ/อ., เขต);
- ``nlu/lookups/gazetteer.yml``: province nicknames, the prefixes, "อำเภอเมือง",
  district names that need a prefix, form numbers and abbreviations;
- ``nlu/content/terms.yml`` (``common.training_content``), exported from the
  published knowledge base when training: office type codes and service codes
  with the names citizens use (``name_th``, ``name_en``, aliases).

The result is a list of entries ``term → (entity, canonical values)`` for the
extractor and a list of dictionary terms for the tokenizer: names of places
and offices, administrative prefixes and form numbers, which must stay one
token each. Service names and aliases are not dictionary terms (see
``_add_services``). A term with several
values for one entity is ambiguous (จอมทอง is a khet of Bangkok and an amphoe
of Chiang Mai); the extractor decides what to do with it.

Terms are kept as written in the data; the tokenizer and the extractor
normalise them the same way they normalise messages.
"""
from __future__ import annotations

import csv
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rasa.shared.utils.io

from common import service_names
from common.service_names import name_variants
from common.training_content import DOMAIN_TEXTS, OFFICE_TYPES, SERVICES, TERMS_FILE

logger = logging.getLogger(__name__)

PROVINCE = "province"
DISTRICT = "district"
SERVICE = "service"
OFFICE_TYPE = "office_type"
ENTITY_TYPES = (PROVINCE, DISTRICT, SERVICE, OFFICE_TYPE)

BANGKOK = "10"
_CAPITAL_PREFIX = "เมือง"

PROVINCES_CSV = Path("geo/provinces.csv")
DISTRICTS_CSV = Path("geo/districts.csv")
TERMS_YML = Path(TERMS_FILE)
GAZETTEER_YML = Path("nlu/lookups/gazetteer.yml")
NORMALISATION_YML = Path("nlu/lookups/normalisation.yml")


@dataclass(frozen=True)
class GazetteerEntry:
    """One term and what it names.

    Attributes:
        term: the surface form as written in the data.
        entity: one of ``ENTITY_TYPES``.
        values: canonical values, sorted; more than one means ambiguous.
    """

    term: str
    entity: str
    values: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        return len(self.values) > 1


@dataclass(frozen=True)
class Gazetteer:
    """Entries for the extractor and dictionary terms for the tokenizer."""

    entries: tuple[GazetteerEntry, ...]
    dictionary: tuple[str, ...]

    def lookup(self, term: str) -> list[GazetteerEntry]:
        return [entry for entry in self.entries if entry.term == term]

    def values(self, entity: str) -> set[str]:
        return {value for entry in self.entries if entry.entity == entity for value in entry.values}


class _Builder:
    def __init__(self) -> None:
        self._values: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._dictionary: set[str] = set()

    def add(self, term: str, entity: str, value: str, *, dictionary: bool = True) -> None:
        term = term.strip()
        if not term:
            return
        self._values[(term, entity)].add(value)
        if dictionary:
            self._dictionary.add(term)

    def add_dictionary_term(self, term: str) -> None:
        if term.strip():
            self._dictionary.add(term.strip())

    def entries_for(self, term: str) -> list[tuple[str, set[str]]]:
        return [
            (entity, values) for (known, entity), values in self._values.items() if known == term
        ]

    def names(self, term: str, entity: str) -> set[str]:
        return self._values.get((term, entity), set())

    def build(self) -> Gazetteer:
        entries = tuple(
            GazetteerEntry(term, entity, tuple(sorted(values)))
            for (term, entity), values in sorted(self._values.items())
        )
        for entry in entries:
            if entry.ambiguous and entry.entity != DISTRICT:
                logger.warning(
                    "Gazetteer term %r names several %s values %s; it will not be tagged",
                    entry.term,
                    entry.entity,
                    ", ".join(entry.values),
                )
        return Gazetteer(entries=entries, dictionary=tuple(sorted(self._dictionary)))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_yaml(path: Path) -> Any:
    return rasa.shared.utils.io.read_yaml_file(path) if path.is_file() else None


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{where} must be a list of strings, got {value!r}")
    return [str(item).strip() for item in value if str(item).strip()]


def _is_thai_word(term: str) -> bool:
    """Only Thai letters: a name that takes a prefix or "เมือง" in front of it."""
    return all("\u0e01" <= char <= "\u0e4e" and char != "\u0e2f" for char in term)


def _prefixes(lookups: Mapping[str, Any]) -> Mapping[str, Any]:
    prefixes = lookups.get("prefixes") or {}
    if not isinstance(prefixes, Mapping):
        raise ValueError("prefixes must map a kind (province, district, ...) to a list")
    return prefixes


def read_lookups(data_root: Path) -> dict[str, Any]:
    lookups = _read_yaml(data_root / GAZETTEER_YML) or {}
    if not isinstance(lookups, Mapping):
        raise ValueError(f"{data_root / GAZETTEER_YML} must be a mapping")
    return dict(lookups)


def read_normalisation(data_root: str | Path) -> dict[str, Any]:
    """The normalisation rules under ``data_root`` (empty when the file is absent)."""
    rules = _read_yaml(Path(data_root) / NORMALISATION_YML) or {}
    if not isinstance(rules, Mapping):
        raise ValueError(f"{Path(data_root) / NORMALISATION_YML} must be a mapping")
    return dict(rules)


def _add_provinces(
    builder: _Builder, data_root: Path, lookups: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Add provinces; returns the Thai names (official first) of each province code."""
    prefixes = _strings(_prefixes(lookups).get(PROVINCE), "prefixes.province")
    aliases = lookups.get("province_aliases") or {}
    thai_names: dict[str, list[str]] = {}
    for row in _read_csv(data_root / PROVINCES_CSV):
        code = row["CODE"].strip()
        thai_names[code] = [row["PROVINCE_THAI"].strip()]
        english = row.get("PROVINCE_ENGLISH", "").strip()
        if english:
            builder.add(english, PROVINCE, code)
    for code, names in aliases.items():
        code = str(code).zfill(2)
        if code not in thai_names:
            raise ValueError(f"province_aliases: unknown province code {code!r}")
        thai_names[code] += _strings(names, f"province_aliases.{code}")
    needs_prefix = set(
        _strings(lookups.get("province_requires_prefix"), "province_requires_prefix")
    )
    unknown = needs_prefix - {name for names in thai_names.values() for name in names}
    if unknown:
        raise ValueError(f"province_requires_prefix: not province names: {sorted(unknown)}")
    for code, names in thai_names.items():
        for name in names:
            if name not in needs_prefix:
                builder.add(name, PROVINCE, code)
            if _is_thai_word(name):
                for prefix in prefixes:
                    builder.add(prefix + name, PROVINCE, code, dictionary=False)
    return thai_names


def _add_districts(
    builder: _Builder,
    data_root: Path,
    lookups: Mapping[str, Any],
    province_names: Mapping[str, list[str]],
) -> None:
    prefix_table = _prefixes(lookups)
    upcountry = _strings(prefix_table.get(DISTRICT), "prefixes.district")
    bangkok = _strings(prefix_table.get("bangkok_district"), "prefixes.bangkok_district")
    needs_prefix = set(
        _strings(lookups.get("district_requires_prefix"), "district_requires_prefix")
    )
    province_surfaces = {name for names in province_names.values() for name in names}

    rows = _read_csv(data_root / DISTRICTS_CSV)
    known = {row["DISTRICT_THAI"].strip() for row in rows}
    unknown = needs_prefix - known
    if unknown:
        raise ValueError(f"district_requires_prefix: not district names: {sorted(unknown)}")

    capitals: dict[str, str] = {}
    for row in rows:
        code, name = row["DISTRICT_CODE"].strip(), row["DISTRICT_THAI"].strip()
        province = code[:2]
        builder.add_dictionary_term(name)
        # A bare name that is also a province (พระนครศรีอยุธยา) means the province.
        if name not in needs_prefix and name not in province_surfaces:
            builder.add(name, DISTRICT, code)
        for prefix in bangkok if province == BANGKOK else upcountry:
            builder.add(prefix + name, DISTRICT, code, dictionary=False)
        if name == _CAPITAL_PREFIX + province_names.get(province, [""])[0]:
            capitals[province] = code

    # "เมืองโคราช" is เมืองนครราชสีมา: the capital district under a province nickname.
    for province, code in capitals.items():
        for alias in province_names[province][1:]:
            surface = _CAPITAL_PREFIX + alias
            if not _is_thai_word(alias) or surface in known:
                continue
            builder.add(surface, DISTRICT, code)
            for prefix in upcountry:
                builder.add(prefix + surface, DISTRICT, code, dictionary=False)

    for term in _strings(lookups.get("capital_district_terms"), "capital_district_terms"):
        for code in capitals.values():
            builder.add(term, DISTRICT, code, dictionary=False)


def read_terms(data_root: str | Path) -> dict[str, Any]:
    """The content terms exported from the knowledge base (``common.training_content``).

    Raises:
        FileNotFoundError: the file was not exported; training without it would
            give a model that knows no service.
        ValueError: it is not a mapping.
    """
    path = Path(data_root) / TERMS_YML
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: export it from the knowledge base with "
            "`python -m app.kb.export_training` (make model does)"
        )
    terms = _read_yaml(path)
    if not isinstance(terms, Mapping):
        raise ValueError(f"{path} must be a mapping")
    return dict(terms)


def _names_by_code(terms: Mapping[str, Any], kind: str) -> dict[str, list[str]]:
    table = terms.get(kind) or {}
    if not isinstance(table, Mapping):
        raise ValueError(f"{TERMS_YML}: {kind} must map a code to its names")
    return {str(code): _strings(names, f"{kind}.{code}") for code, names in table.items()}


def domain_texts_of(terms: Mapping[str, Any]) -> list[str]:
    """The knowledge base's texts, for the domain vocabulary."""
    return _strings(terms.get(DOMAIN_TEXTS), f"{TERMS_YML}: {DOMAIN_TEXTS}")


def _add_office_types(builder: _Builder, terms: Mapping[str, Any]) -> None:
    for code, names in _names_by_code(terms, OFFICE_TYPES).items():
        for name in names:
            builder.add(name, OFFICE_TYPE, code)


def _add_services(builder: _Builder, terms: Mapping[str, Any]) -> None:
    for code, names in _names_by_code(terms, SERVICES).items():
        # Service names are phrases of ordinary words ("บัตรประชาชน" + "หาย"): the
        # tokenizer keeps their words apart for the intent classifier and the
        # extractor matches them as token sequences, longest first.
        for name in names:
            for variant in name_variants(name):
                builder.add(variant, SERVICE, code, dictionary=False)


def _add_abbreviations(builder: _Builder, lookups: Mapping[str, Any]) -> None:
    for term in _strings(lookups.get("keep_whole"), "keep_whole"):
        builder.add_dictionary_term(term)
    abbreviations = lookups.get("abbreviations") or {}
    if not isinstance(abbreviations, Mapping):
        raise ValueError("abbreviations must map an abbreviation to its expansion")
    for abbreviation, expansion in abbreviations.items():
        abbreviation = str(abbreviation)
        builder.add_dictionary_term(abbreviation)
        for entity, values in builder.entries_for(str(expansion)):
            for value in sorted(values):
                builder.add(abbreviation, entity, value)


def build_gazetteer(data_root: str | Path) -> Gazetteer:
    """Read every gazetteer source under ``data_root``.

    Raises:
        FileNotFoundError: the province or district table, or the exported
            content terms, are missing.
        ValueError: a lookup names an unknown province code or district.
    """
    root = Path(data_root)
    lookups = read_lookups(root)
    terms = read_terms(root)
    builder = _Builder()
    for kind, prefixes in _prefixes(lookups).items():
        for prefix in _strings(prefixes, f"prefixes.{kind}"):
            builder.add_dictionary_term(prefix)
    province_names = _add_provinces(builder, root, lookups)
    _add_districts(builder, root, lookups, province_names)
    _add_office_types(builder, terms)
    _add_services(builder, terms)
    _add_abbreviations(builder, lookups)
    return builder.build()


def source_files(data_root: str | Path) -> list[Path]:
    """Every file the gazetteer, the normaliser and the domain vocabulary read."""
    root = Path(data_root)
    return [
        root / path
        for path in (PROVINCES_CSV, DISTRICTS_CSV, GAZETTEER_YML, NORMALISATION_YML, TERMS_YML)
    ]


def sources_fingerprint(data_root: str | Path) -> str:
    """Hash of the gazetteer sources, so Rasa retrains when any of them changes.

    Content reaches training only through the exported ``TERMS_YML`` (and the
    FAQ training data, which Rasa fingerprints itself): a change to published
    content that training uses retrains; an unchanged export, or a change to
    what training does not use (an office's phone number), does not.
    """
    digest = hashlib.sha256()
    root = Path(data_root)
    for path in source_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    # Rasa fingerprints a component's class, not this module's rules: the way
    # names are also spelt changes what the components match, so it counts too.
    digest.update(Path(service_names.__file__).read_bytes())
    return digest.hexdigest()
