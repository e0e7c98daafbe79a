"""Rasa bot messages of one turn -> LINE Messaging API message objects.

Pure functions, standard library only. Cards follow the contract in
``common/card.schema.json``. It lives in ``common`` because both the LINE
connector (``bot/channels/line.py``) and the staff console's preview
(``app/console``) render with it. The official SDK is only in the app
environment, so tests/bot/channels/test_line_golden.py keeps what these builders make in
tests/fixtures/line/, and the app environment checks those files against the
official ``line-bot-sdk`` models (tests/channels_schema/test_line_schema.py).

Lengths are counted in UTF-16 code units, which is never less than the number
of code points, so a label that fits here fits however LINE counts.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_LENGTH = 5000
MAX_ALT_TEXT_LENGTH = 1500
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL_LENGTH = 20
MAX_POSTBACK_DATA_LENGTH = 300
MAX_DISPLAY_TEXT_LENGTH = 300
MAX_URI_LENGTH = 1000
MAX_CAROUSEL_BUBBLES = 12
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
# A service card with more lines than this lists the first ones and a count.
MAX_CARD_LINES = 15

LOCATION_LABEL = "ส่งตำแหน่งของฉัน"
# Responses that ask where the citizen is: LINE can answer them with one tap.
LOCATION_PROMPTS = frozenset({"utter_ask_location", "utter_offer_office_lookup"})
MEDIA_NOT_SUPPORTED_TEXT = (
    "กรุณาพิมพ์คำถามเป็นข้อความนะคะ ดิฉันยังอ่านรูปภาพ สติกเกอร์ เสียง วิดีโอ และไฟล์ไม่ได้ค่ะ "
    "หากต้องการหาสำนักงานใกล้คุณ กดปุ่ม \"ส่งตำแหน่งของฉัน\" ได้เลยค่ะ"
)

_ELLIPSIS = "…"
# Thai marks that belong to the character before them, and leading vowels
# that belong to the one after: a cut never separates them.
_ATTACHED_TO_PREVIOUS = frozenset("ะาำๅๆ")
_ATTACHED_TO_NEXT = frozenset("เแโใไ")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_PHONE_START = re.compile(r"\+?\d[\d\s\-]{1,20}")

_GREEN, _RED, _GREY, _BLUE = "#1E8E3E", "#C5221F", "#6B7280", "#1A56DB"


def line_length(text: str) -> int:
    """Length as UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _can_cut_at(text: str, index: int) -> bool:
    """True if ``text[:index]`` ends on a whole Thai syllable part."""
    if index <= 0 or index >= len(text):
        return index > 0
    following, previous = text[index], text[index - 1]
    if unicodedata.category(following) in {"Mn", "Me"} or following in _ATTACHED_TO_PREVIOUS:
        return False
    return previous not in _ATTACHED_TO_NEXT and following != "\u200d"


def _prefix_within(text: str, limit: int) -> int:
    """Longest cut index whose prefix fits ``limit`` and is a safe cut."""
    end, used = 0, 0
    for index, char in enumerate(text):
        used += line_length(char)
        if used > limit:
            break
        end = index + 1
    safe = end
    while safe > 0 and not _can_cut_at(text, safe):
        safe -= 1
    # A run of marks with no safe cut at all is cut anyway: progress beats beauty.
    return safe or end


def truncate(text: str, limit: int) -> str:
    """``text`` if it fits, else its longest safe prefix plus an ellipsis."""
    text = text.strip()
    if line_length(text) <= limit:
        return text
    end = _prefix_within(text, limit - line_length(_ELLIPSIS))
    return text[:end].rstrip() + _ELLIPSIS


def shorten_label(title: str, limit: int = MAX_LABEL_LENGTH) -> str:
    """A button title as an action label of at most ``limit`` characters.

    Drops text in parentheses first, then cuts at the last space in the second
    half of the allowance, else at a syllable boundary, and marks the cut.
    """
    label = " ".join(title.split())
    if line_length(label) <= limit:
        return label
    without_notes = " ".join(_PARENTHESES.sub("", label).split())
    if without_notes and line_length(without_notes) <= limit:
        return without_notes
    label = without_notes or label
    room = limit - line_length(_ELLIPSIS)
    end = _prefix_within(label, room)
    space = label.rfind(" ", 0, end + 1)
    if space >= room // 2:
        end = space
    return label[:end].rstrip() + _ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Split text into parts of at most ``limit``, at paragraphs, lines or spaces."""
    text = text.strip()
    parts: list[str] = []
    while line_length(text) > limit:
        end = _prefix_within(text, limit)
        for separator in ("\n\n", "\n", " "):
            at = text.rfind(separator, 0, end + 1)
            if at > limit // 4:
                end = at
                break
        parts.append(text[:end].rstrip())
        text = text[end:].strip()
    if text:
        parts.append(text)
    return parts


def _valid_uri(uri: str, schemes: Iterable[str] = ("https", "http")) -> bool:
    if not uri or line_length(uri) > MAX_URI_LENGTH or any(c.isspace() for c in uri):
        return False
    parts = urlsplit(uri)
    return parts.scheme in set(schemes) and bool(parts.netloc)


def tel_uri(phone: str | None) -> str | None:
    """``tel:`` URI for the first number in ``phone``; None if there is none.

    "053 112 345 ต่อ 12" -> "tel:053112345": extensions and second numbers are
    left out, because a tap can dial only one number.
    """
    if not phone:
        return None
    match = _PHONE_START.search(phone)
    if not match:
        return None
    number = match.group(0).strip()
    digits = re.sub(r"\D", "", number)
    if len(digits) < 3:
        return None
    return "tel:" + ("+" if number.startswith("+") else "") + digits


# --- messages and actions -------------------------------------------------


def text_messages(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": part} for part in split_text(text)]


def location_quick_reply_item() -> dict[str, Any]:
    return {"type": "action", "action": {"type": "location", "label": LOCATION_LABEL}}


def button_quick_reply_item(button: Mapping[str, Any]) -> dict[str, Any] | None:
    """A Rasa button as a quick reply item; None if LINE cannot carry it.

    Payload buttons become postbacks (``data`` = payload) that show the full
    title in the chat; URL buttons become URI actions.
    """
    title = " ".join(str(button.get("title") or "").split())
    payload = str(button.get("payload") or "").strip()
    url = str(button.get("url") or "").strip()
    if not title:
        return None
    label = shorten_label(title)
    if url or button.get("type") == "web_url":
        if not _valid_uri(url or payload):
            logger.warning("dropping a URL button with an invalid URI")
            return None
        return {"type": "action", "action": {"type": "uri", "label": label, "uri": url or payload}}
    if not payload or line_length(payload) > MAX_POSTBACK_DATA_LENGTH:
        logger.warning("dropping a button whose payload is empty or over %d characters",
                       MAX_POSTBACK_DATA_LENGTH)
        return None
    return {
        "type": "action",
        "action": {
            "type": "postback",
            "label": label,
            "data": payload,
            "displayText": truncate(title, MAX_DISPLAY_TEXT_LENGTH),
        },
    }


def image_message(url: str) -> dict[str, Any] | None:
    if not _valid_uri(url, ("https",)):
        return None
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}


def flex_message(alt_text: str, contents: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "flex",
        "altText": truncate(alt_text, MAX_ALT_TEXT_LENGTH) or "ข้อความจากผู้ช่วย",
        "contents": contents,
    }


# --- Flex building blocks ---------------------------------------------------


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text, "wrap": True, **style}


def _row(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            _text(label, size="sm", color=_GREY, flex=2),
            _text(value, size="sm", flex=5),
        ],
    }


def _uri_button(label: str, uri: str, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "height": "sm",
        "style": "primary" if primary else "secondary",
        "action": {"type": "uri", "label": shorten_label(label), "uri": uri},
    }
    if primary:
        button["color"] = _BLUE
    return button


def _bubble(body: list[dict[str, Any]], buttons: list[dict[str, Any]]) -> dict[str, Any]:
    bubble: dict[str, Any] = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": body},
    }
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": buttons,
        }
    return bubble


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# --- cards (contract: common/card.schema.json) ------------------------------


def service_bubble(card: Mapping[str, Any]) -> dict[str, Any]:
    """Flex bubble of a service answer: title, lines, fee, time, source, hotline."""
    title = _clean(card.get("title")) or _clean(card.get("name"))
    if not title:
        raise ValueError("a service card needs a title or a name")
    body: list[dict[str, Any]] = []
    name = _clean(card.get("name"))
    if name and name != title:
        body.append(_text(truncate(name, 200), size="xs", color=_GREY))
    body.append(_text(truncate(title, 200), size="lg", weight="bold"))
    lines = [_clean(line) for line in card.get("lines") or [] if _clean(line)]
    if lines:
        shown = lines[:MAX_CARD_LINES]
        items = [_text(f"• {truncate(line, 500)}", size="sm") for line in shown]
        if len(lines) > len(shown):
            items.append(_text(f"…และอีก {len(lines) - len(shown)} รายการ", size="sm", color=_GREY))
        body.append({"type": "separator"})
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "contents": items})
    facts = [
        _row(label, truncate(value, 300))
        for label, value in (
            ("ค่าธรรมเนียม", _clean(card.get("fee"))),
            ("ระยะเวลา", _clean(card.get("processing_time"))),
        )
        if value
    ]
    if facts:
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "contents": facts})
    source = _clean(card.get("source"))
    if source:
        if not source.startswith("ที่มา"):
            source = f"ที่มา: {source}"
        body.append(_text(truncate(source, 300), size="xxs", color=_GREY))
    buttons: list[dict[str, Any]] = []
    source_url = _clean(card.get("source_url"))
    if _valid_uri(source_url):
        buttons.append(_uri_button("ดูข้อมูลจากหน่วยงาน", source_url))
    hotline = _clean(card.get("hotline"))
    hotline_uri = tel_uri(hotline)
    if hotline_uri:
        buttons.insert(0, _uri_button(f"โทร {hotline}", hotline_uri, primary=True))
    return _bubble(body, buttons)


def _approximate(office: Mapping[str, Any]) -> bool:
    return office.get("location_is_approximate") is True


def _distance_text(office: Mapping[str, Any]) -> str:
    distance = office.get("distance_km")
    if distance is None:
        return ""
    prefix = "ประมาณ " if _approximate(office) else ""
    return f"{prefix}{float(distance):.1f} กม."


def _status_badge(office: Mapping[str, Any]) -> dict[str, Any] | None:
    open_now = office.get("open_now")
    status = _clean(office.get("status"))
    if open_now is None and not status:
        return None
    if open_now is None:
        return _text(truncate(status, 100), size="sm", color=_GREY)
    badge = {
        "type": "box",
        "layout": "vertical",
        "flex": 0,
        "backgroundColor": _GREEN if open_now else _RED,
        "cornerRadius": "md",
        "paddingStart": "8px",
        "paddingEnd": "8px",
        "paddingTop": "2px",
        "paddingBottom": "2px",
        "contents": [_text("เปิดอยู่" if open_now else "ปิดอยู่", size="xs", color="#FFFFFF",
                           weight="bold", wrap=False)],
    }
    row: list[dict[str, Any]] = [badge]
    if status:
        row.append(_text(truncate(status, 100), size="xs", color=_GREY, gravity="center"))
    return {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": row}


def office_bubble(office: Mapping[str, Any]) -> dict[str, Any]:
    """Flex bubble of one office: name, distance, hours, open-now badge, call/map."""
    name = _clean(office.get("name"))
    if not name:
        raise ValueError("an office needs a name")
    body: list[dict[str, Any]] = [_text(truncate(name, 200), size="md", weight="bold")]
    type_label = _clean(office.get("type_label"))
    if type_label:
        body.append(_text(truncate(type_label, 100), size="xs", color=_GREY))
    badge = _status_badge(office)
    if badge:
        body.append(badge)
    facts = [
        _row(label, truncate(value, 300))
        for label, value in (("ระยะทาง", _distance_text(office)),
                             ("เวลาทำการ", _clean(office.get("hours"))),
                             ("ที่อยู่", _clean(office.get("address"))))
        if value
    ]
    if facts:
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "contents": facts})
    buttons: list[dict[str, Any]] = []
    phone_uri = tel_uri(_clean(office.get("phone")))
    if phone_uri:
        buttons.append(_uri_button("โทร", phone_uri, primary=True))
    map_url = _clean(office.get("map_url"))
    if _valid_uri(map_url):
        # The pin may be the district's middle, not the office: say so on the button.
        label = "แผนที่ (โดยประมาณ)" if _approximate(office) else "แผนที่"
        buttons.append(_uri_button(label, map_url))
    return _bubble(body, buttons)


def offices_carousel(card: Mapping[str, Any]) -> dict[str, Any]:
    """Flex carousel of at most 12 offices, nearest first as the card lists them."""
    offices = list(card.get("offices") or [])
    if not offices:
        raise ValueError("an offices card needs at least one office")
    bubbles: list[dict[str, Any]] = []
    for office in offices[:MAX_CAROUSEL_BUBBLES]:
        candidate = bubbles + [office_bubble(office)]
        if _json_bytes({"type": "carousel", "contents": candidate}) > MAX_CAROUSEL_BYTES:
            break
        bubbles = candidate
    return {"type": "carousel", "contents": bubbles}


def _card_alt_text(card: Mapping[str, Any]) -> str:
    if card.get("type") == "offices":
        title = _clean(card.get("title")) or "สำนักงาน"
        return f"{title} {len(card.get('offices') or [])} แห่ง"
    return _clean(card.get("title")) or _clean(card.get("name")) or "ข้อมูลงานบริการ"


def card_message(card: Any, text: str = "") -> dict[str, Any] | None:
    """Flex message of a ``custom`` card, or None if the card cannot be shown.

    ``text`` (the full plain answer) becomes the alt text that LINE shows in
    notifications and chat lists.
    """
    if not isinstance(card, Mapping):
        return None
    try:
        if card.get("type") == "service":
            contents = service_bubble(card)
            too_big = _json_bytes(contents) > MAX_BUBBLE_BYTES
        elif card.get("type") == "offices":
            contents = offices_carousel(card)
            too_big = not contents["contents"]
        else:
            return None
    except (TypeError, ValueError, AttributeError) as exc:
        logger.warning("card of type %r cannot be rendered: %s", card.get("type"), exc)
        return None
    if too_big:
        logger.warning("card of type %r is over LINE's size limit", card.get("type"))
        return None
    return flex_message(text.strip() or _card_alt_text(card), contents)


def asks_for_location(message: Mapping[str, Any]) -> bool:
    """True for a bot message that a "send my location" button would answer."""
    if message.get("utter_action") in LOCATION_PROMPTS:
        return True
    custom = message.get("custom")
    card = custom.get("card") if isinstance(custom, Mapping) else None
    return isinstance(card, Mapping) and card.get("type") == "offices"


# --- one turn ---------------------------------------------------------------


def _convert(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    text = str(message.get("text") or "").strip()
    custom = message.get("custom")
    card = custom.get("card") if isinstance(custom, Mapping) else None
    converted: list[dict[str, Any]] = []
    flex = card_message(card, text) if card is not None else None
    if flex is not None:
        converted.append(flex)
    elif text:
        converted.extend(text_messages(text))
    for key in ("image", "attachment"):
        value = message.get(key)
        image = image_message(str(value)) if isinstance(value, str) else None
        if image is not None:
            converted.append(image)
    return converted


def _quick_reply_items(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    wanted_location = False
    for message in messages:
        wanted_location = wanted_location or asks_for_location(message)
        for button in list(message.get("buttons") or []) + list(message.get("quick_replies") or []):
            item = button_quick_reply_item(button) if isinstance(button, Mapping) else None
            key = json.dumps(item, sort_keys=True)
            if item is not None and key not in seen:
                seen.add(key)
                items.append(item)
    if wanted_location:
        items.insert(0, location_quick_reply_item())
    if len(items) > MAX_QUICK_REPLY_ITEMS:
        logger.warning("keeping %d of %d quick replies", MAX_QUICK_REPLY_ITEMS, len(items))
    return items[:MAX_QUICK_REPLY_ITEMS]


def merge_texts(messages: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Join neighbouring text messages until at most ``limit`` remain, if they fit."""
    merged = [dict(m) for m in messages]
    index = 0
    while len(merged) > limit and index < len(merged) - 1:
        first, second = merged[index], merged[index + 1]
        if first["type"] == second["type"] == "text":
            joined = f"{first['text']}\n\n{second['text']}"
            if line_length(joined) <= MAX_TEXT_LENGTH:
                merged[index : index + 2] = [{"type": "text", "text": joined}]
                continue
        index += 1
    return merged


def build_turn(bot_messages: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """All LINE messages of one turn, in API calls of at most five messages.

    The first call is meant for the reply token, the rest for push. Buttons of
    every bot message become quick replies on the very last message, the only
    place LINE shows them.
    """
    messages: list[dict[str, Any]] = []
    for message in bot_messages:
        messages.extend(_convert(message))
    messages = merge_texts(messages, MAX_MESSAGES_PER_CALL)
    items = _quick_reply_items(bot_messages)
    if messages and items:
        messages[-1]["quickReply"] = {"items": items}
    return [
        messages[start : start + MAX_MESSAGES_PER_CALL]
        for start in range(0, len(messages), MAX_MESSAGES_PER_CALL)
    ]


def media_not_supported_turn() -> list[list[dict[str, Any]]]:
    """The fixed answer to stickers, images, audio, video and files."""
    message = {
        "type": "text",
        "text": MEDIA_NOT_SUPPORTED_TEXT,
        "quickReply": {"items": [location_quick_reply_item()]},
    }
    return [[message]]
