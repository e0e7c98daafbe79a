// Rendering of one stored message: a bubble, a card, quick-reply buttons.
// Stored shape: {from: "user"|"bot"|"notice", text, card, quickReplies, chosen, hidden}.

import { renderCard } from "./cards.js";
import { el } from "./dom.js";
import { icon, withoutLeadingEmoji } from "./icons.js";

const FEEDBACK_PREFIX = "/feedback";

/** "yes" or "no" for a /feedback{"helpful": ...} payload, else null. */
function helpfulness(payload) {
  if (!payload.startsWith(FEEDBACK_PREFIX)) return null;
  try {
    const helpful = JSON.parse(payload.slice(FEEDBACK_PREFIX.length) || "{}").helpful;
    return helpful === "yes" || helpful === "no" ? helpful : null;
  } catch {
    return null;
  }
}

export function replyLabel(reply) {
  return withoutLeadingEmoji(reply.title);
}

export function quickRepliesOf(data) {
  const raw = Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [];
  return raw
    .filter((button) => button && typeof button.title === "string" && typeof button.payload === "string")
    .map((button) => ({ title: button.title, payload: button.payload }));
}

function quickReplyGroup(message, onChoose) {
  const feedback = message.quickReplies.every((reply) => reply.payload.startsWith(FEEDBACK_PREFIX));
  const group = el("div", feedback ? "quick-replies feedback" : "quick-replies");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", feedback ? "ให้คะแนนคำตอบนี้" : "ตัวเลือกตอบกลับ");
  message.quickReplies.forEach((reply, index) => {
    const button = el("button", "quick-reply");
    button.type = "button";
    const helpful = helpfulness(reply.payload);
    if (helpful) button.append(icon("thumbUp", helpful === "no"));
    button.append(el("span", null, replyLabel(reply)));
    if (message.chosen !== undefined && message.chosen !== null) {
      button.disabled = true;
      if (message.chosen === index) {
        button.classList.add("chosen");
        button.setAttribute("aria-pressed", "true");
      }
    }
    button.addEventListener("click", () => onChoose(message, index));
    group.append(button);
  });
  return group;
}

export function renderMessage(message, onChoose) {
  const row = el("div", `message message-${message.from}`);
  if (message.from === "user") {
    row.append(el("span", "visually-hidden", "คุณ: "));
    row.append(el("p", "bubble", message.text));
    return row;
  }
  if (message.from === "notice") {
    row.append(el("p", "bubble", message.text));
    return row;
  }
  row.append(el("span", "visually-hidden", "ผู้ช่วย: "));
  if (message.card) {
    row.append(renderCard(message.card));
  } else if (message.text) {
    row.append(el("p", "bubble", message.text));
  }
  if (message.quickReplies && message.quickReplies.length) row.append(quickReplyGroup(message, onChoose));
  return row;
}
