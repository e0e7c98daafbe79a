"""How a turn ended, read from the actions and responses of its replies.

Derived from actions/ and data/rules/ (2026-12): the two-stage fallback
(``action_default_ask_affirmation``'s "did you mean", ``utter_ask_rephrase``,
``utter_default``), out-of-scope and service-unavailable answers are
fallbacks; ``utter_ask_service``/``utter_ask_location`` (which set
``pending_aspect``) and ``action_handle_inform``'s "which part?" buttons ask
back; the feedback prompt and the personal-data notice decide nothing; every
other reply answers. No handoff action exists yet: an action or response
whose name holds "handoff" counts as one, so the table is ready.
"""
from __future__ import annotations

ANSWERED = "answered"
ASKED_BACK = "asked_back"
FALLBACK = "fallback"
HANDOFF = "handoff"

# A turn with several replies takes the strongest: a fallback after an answer
# is still a fallback.
PRIORITY = {None: 0, ANSWERED: 1, ASKED_BACK: 2, FALLBACK: 3, HANDOFF: 4}

FALLBACK_ACTIONS = frozenset({
    "action_default_ask_affirmation", "action_two_stage_fallback", "action_default_fallback",
    "action_default_ask_rephrase",
})
FALLBACK_RESPONSES = frozenset({
    "utter_default", "utter_ask_rephrase", "utter_out_of_scope", "utter_service_unavailable",
})
ASK_BACK_RESPONSES = frozenset({"utter_ask_service", "utter_ask_location"})
NEUTRAL_RESPONSES = frozenset({"utter_ask_feedback", "utter_personal_data_notice"})
# Actions that never reply: they do not make the turn's "action".
SILENT_ACTIONS = frozenset({
    "action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent",
    "action_restart", "action_back", "action_deactivate_loop",
})


def reply_outcome(action: str | None, response: str | None, has_buttons: bool,
                  has_card: bool) -> str | None:
    """The outcome one bot reply stands for, None when it decides nothing."""
    if "handoff" in (action or "") or "handoff" in (response or ""):
        return HANDOFF
    if response in NEUTRAL_RESPONSES:
        return None
    if action in FALLBACK_ACTIONS or response in FALLBACK_RESPONSES:
        return FALLBACK
    if response in ASK_BACK_RESPONSES:
        return ASKED_BACK
    if action == "action_handle_inform" and has_buttons and not has_card:
        return ASKED_BACK  # "เรื่อง...นะคะ ต้องการทราบข้อมูลส่วนไหนคะ" with the aspects as buttons
    return ANSWERED


def stronger(current: str | None, new: str | None) -> str | None:
    return new if PRIORITY[new] > PRIORITY[current] else current
