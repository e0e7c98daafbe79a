"""What the assistant will say once a draft is published, on the web and on LINE.

Rendered by the very code that answers citizens: the actions' text and card
builders (``actions.offices``, ``actions.services``, ``actions.thai``) and the
LINE connector's message builders (``common.line_messages``), on a transient
record made from the draft, never saved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase
from actions.offices import send_offices
from actions.services import ASPECTS, answer_text, aspect_lines, note_line, service_card
from actions.thai import source_line
from app.kb.content import spec
from app.kb.models import Agency, ContentKind, Draft, Office, Service
from common.line_messages import build_turn


def _line(messages: list[dict[str, Any]]) -> dict[str, Any]:
    calls = build_turn(messages)
    return {"messages": [m for call in calls for m in call]}


def _card(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        card = (message.get("custom") or {}).get("card")
        if card is not None:
            return dict(card)
    return None


async def render(
    kb: KnowledgeBase,
    draft: Draft,
    now: datetime,
    *,
    agency: dict[str, Any] | None = None,
    aspect: str = "overview",
    service: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``{"text", "web", "line"}`` of the draft's answer; ``web`` is the card or None.

    A province's note on a service is shown in the answer it joins: the
    published ``service``'s, for a citizen of that province.
    """
    kind = ContentKind(draft.kind)
    record: Any = spec(kind).new(draft.data)
    dispatcher = CollectingDispatcher()
    if kind is ContentKind.OFFICE:
        office: Office = record
        await send_offices(kb, dispatcher, office.name_th, [(office, None)], now)
    elif kind in (ContentKind.SERVICE, ContentKind.SERVICE_NOTE):
        note = None
        if kind is ContentKind.SERVICE_NOTE:
            province = await kb.province(str(record.province_code))
            note = note_line(province, str(record.note))
            record = spec(ContentKind.SERVICE).new(service or {})
        answered: Service = record
        answered.agency = Agency(**spec(ContentKind.AGENCY).values(agency or {}))
        chosen = ASPECTS[aspect]
        lines = await aspect_lines(kb, answered, chosen.key)
        card_lines = [*lines, note] if note else lines
        dispatcher.utter_message(
            text=answer_text(answered, chosen, lines, note),
            json_message={"card": dict(service_card(answered, chosen, card_lines))},
        )
    else:
        # As ActionAnswerFaq says it: the answer, then its source.
        lines = [str(record.answer).strip()]
        if record.source_agency:
            checked = record.checked_on if isinstance(record.checked_on, date) else None
            lines.append(source_line(record.source_agency, checked))
        dispatcher.utter_message(text="\n".join(lines))
    messages = dispatcher.messages
    text = "\n\n".join(str(m.get("text") or "") for m in messages if m.get("text"))
    return {"text": text, "web": _card(messages), "line": _line(messages)}
