// Service and office cards from the `custom` payload {"card": {...}} that the
// actions send next to the plain text (schemas: actions/cards.py).

import { el, externalLink, safeHttpUrl, telHref } from "./dom.js";

const CARD_TYPES = new Set(["service", "offices"]);

export function cardOf(data) {
  const card = data && data.custom && typeof data.custom === "object" ? data.custom.card : null;
  return card && typeof card === "object" && CARD_TYPES.has(card.type) ? card : null;
}

function formatFee(fee) {
  if (fee === null || fee === undefined || fee === "") return null;
  if (typeof fee === "number") return fee === 0 ? "ไม่เสียค่าธรรมเนียม" : `${fee.toLocaleString("th-TH")} บาท`;
  return String(fee);
}

function formatSource(source) {
  if (!source) return null;
  if (typeof source === "string") return { text: source, url: null };
  const text = [source.agency, source.title].filter(Boolean).join(" · ");
  return text ? { text, url: safeHttpUrl(source.url) } : null;
}

function fact(list, label, value) {
  if (value === null || value === undefined || value === "") return;
  const row = el("div", "card-fact");
  row.append(el("dt", null, label), el("dd", null, value));
  list.append(row);
}

function phoneLink(phone, className) {
  const href = telHref(phone);
  if (!href) return el("span", className, phone);
  const link = el("a", className, phone);
  link.href = href;
  link.setAttribute("aria-label", `โทร ${phone}`);
  return link;
}

function serviceCard(card) {
  const root = el("article", "card card-service");
  const heading = el("h2", "card-title", card.title || card.name);
  heading.id = `card-${Math.random().toString(36).slice(2, 10)}`;
  root.setAttribute("aria-labelledby", heading.id);
  root.append(heading);
  if (card.title && card.name && card.title !== card.name) root.append(el("p", "card-subtitle", card.name));

  if (Array.isArray(card.lines) && card.lines.length) {
    const list = el("ul", "card-lines");
    for (const line of card.lines) list.append(el("li", null, line));
    root.append(list);
  }
  const facts = el("dl", "card-facts");
  fact(facts, "ค่าธรรมเนียม", formatFee(card.fee));
  fact(facts, "ระยะเวลา", card.processing_time);
  if (facts.childElementCount) root.append(facts);

  if (card.hotline) {
    const hotline = el("p", "card-hotline", "สอบถามเพิ่มเติม: ");
    hotline.append(phoneLink(String(card.hotline), "card-phone"));
    root.append(hotline);
  }
  const source = formatSource(card.source);
  if (source) {
    const line = el("p", "card-source", "ที่มา: ");
    line.append(source.url ? externalLink(source.url, source.text) : document.createTextNode(source.text));
    root.append(line);
  }
  return root;
}

function distanceText(office) {
  if (typeof office.distance_km !== "number") return null;
  const km = office.distance_km < 10 ? office.distance_km.toFixed(1) : Math.round(office.distance_km);
  return office.approximate ? `ห่างประมาณ ${km} กม. (ระยะโดยประมาณ)` : `ห่าง ${km} กม.`;
}

function statusBadge(office) {
  const text = office.status || (office.open_now === true ? "เปิดอยู่" : office.open_now === false ? "ปิดอยู่" : null);
  if (!text) return null;
  const state = office.open_now === true ? "open" : office.open_now === false ? "closed" : "unknown";
  const badge = el("span", `office-status office-status-${state}`, text);
  return badge;
}

function officeItem(office) {
  const item = el("li", "office");
  const header = el("div", "office-header");
  header.append(el("h3", "office-name", office.name));
  const badge = statusBadge(office);
  if (badge) header.append(badge);
  item.append(header);
  if (office.type_label) item.append(el("p", "office-type", office.type_label));
  const facts = el("dl", "card-facts");
  fact(facts, "ระยะทาง", distanceText(office));
  fact(facts, "เวลาทำการ", office.hours);
  if (facts.childElementCount) item.append(facts);

  const actions = el("div", "office-actions");
  if (office.phone) actions.append(phoneLink(String(office.phone), "office-phone"));
  const map = safeHttpUrl(office.map_url);
  if (map) actions.append(externalLink(map, "ดูแผนที่", `ดูแผนที่ ${office.name || ""}`.trim()));
  if (actions.childElementCount) item.append(actions);
  return item;
}

function officesCard(card) {
  const root = el("article", "card card-offices");
  const offices = Array.isArray(card.offices) ? card.offices : [];
  const heading = el("h2", "card-title", card.title || "สำนักงานที่ใกล้คุณ");
  heading.id = `card-${Math.random().toString(36).slice(2, 10)}`;
  root.setAttribute("aria-labelledby", heading.id);
  root.append(heading);
  const list = el("ul", "office-list");
  for (const office of offices) list.append(officeItem(office));
  root.append(list);
  return root;
}

export function renderCard(card) {
  return card.type === "offices" ? officesCard(card) : serviceCard(card);
}

/** Whether a plain-text bubble repeats what a card shows (same answer sent twice). */
export function textRepeatsCard(text, card) {
  if (!text) return false;
  const names =
    card.type === "offices"
      ? (card.offices || []).map((office) => office && office.name)
      : [card.title, card.name, ...(card.lines || []).slice(0, 1)];
  return names.some((name) => typeof name === "string" && name.length > 2 && text.includes(name));
}
