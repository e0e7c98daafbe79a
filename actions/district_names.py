"""District names that several provinces share (จอมทอง, เฉลิมพระเกียรติ).

The NLU leaves such a name untagged unless the same message names the
province, so no slot gets a guess. Here the conversation settles it: "อำเภอ"
or "เขต" before the name, a province in the message, then the place talked
about before (a province, a district, or the nearest to a shared location).
What is still open is offered as one button per district and province.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rasa_sdk import Tracker

from actions.kb import KnowledgeBase
from actions.places import PLACE_ENTITIES, Place, latest_entity, latest_place
from actions.thai import district_label, province_label
from app.kb.models import District


@dataclass(frozen=True)
class SharedName:
    """The districts a message's shared name may mean, and the one it means if settled."""

    candidates: tuple[District, ...]
    place: Place | None


async def _shared_names(kb: KnowledgeBase) -> dict[str, list[District]]:
    by_name: dict[str, list[District]] = defaultdict(list)
    for district in await kb.districts():
        by_name[district.name_th].append(district)
    return {name: found for name, found in by_name.items() if len(found) > 1}


def _narrowed(candidates: list[District], keep: list[District]) -> list[District]:
    """``keep`` when it leaves something to choose from, else ``candidates``."""
    return keep or candidates


def _nearest(candidates: list[District], latitude: float, longitude: float) -> District:
    def km(district: District) -> float:
        if district.latitude is None or district.longitude is None:
            return math.inf
        return math.hypot(district.latitude - latitude, district.longitude - longitude)

    return min(candidates, key=km)


async def shared_name_in(kb: KnowledgeBase, tracker: Tracker) -> SharedName | None:
    """The shared district name in the latest message, settled when the conversation can.

    None when the message tags a place of its own (the NLU resolved it) or
    names no shared district.
    """
    # A province alone does not settle the name ("ที่เฉลิมพระเกียรติของน่าน"): it narrows it below.
    if any(latest_entity(tracker, e) is not None for e in PLACE_ENTITIES if e != "province"):
        return None
    text = (tracker.latest_message.get("text") or "").replace(" ", "")
    if not text or text.startswith("/"):
        return None
    shared = await _shared_names(kb)
    names = sorted((n for n in shared if n in text), key=len, reverse=True)
    if not names:
        return None
    # (A province-only message without a shared name stays the province's.)
    name = names[0]
    candidates = list(shared[name])
    if f"เขต{name}" in text:
        candidates = _narrowed(candidates, [d for d in candidates if d.is_bangkok_khet])
    elif f"อำเภอ{name}" in text or f"อ.{name}" in text:
        candidates = _narrowed(candidates, [d for d in candidates if not d.is_bangkok_khet])
    if len(candidates) > 1:
        named = {p.code for p in await kb.provinces() if p.name_th in text}
        if (tagged := latest_entity(tracker, "province")) is not None:
            named.add(tagged)
        candidates = _narrowed(candidates, [d for d in candidates if d.province_code in named])
    if len(candidates) > 1:
        before = latest_place(tracker)
        if before is not None and before.kind == "point":
            assert before.latitude is not None and before.longitude is not None
            candidates = [_nearest(candidates, before.latitude, before.longitude)]
        elif before is not None and before.code is not None:
            province = before.code[:2]
            candidates = _narrowed(
                candidates, [d for d in candidates if d.province_code == province]
            )
    place = Place("district", code=candidates[0].code) if len(candidates) == 1 else None
    return SharedName(tuple(candidates), place)


async def candidate_titles(kb: KnowledgeBase, candidates: tuple[District, ...]) -> list[str]:
    """"อำเภอเฉลิมพระเกียรติ จังหวัดสระบุรี", "เขตจอมทอง กรุงเทพมหานคร"."""
    return [
        f"{district_label(d)} {province_label(await kb.province(d.province_code))}"
        for d in candidates
    ]


def which_text(candidates: tuple[District, ...]) -> str:
    return f"ชื่อ{candidates[0].name_th}มีในหลายจังหวัดค่ะ หมายถึงที่ไหนคะ เลือกได้เลยค่ะ"
