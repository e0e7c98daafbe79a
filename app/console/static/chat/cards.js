// Service and office cards from the `custom` payload {"card": {...}} that the
// actions send next to the plain text (contract: common/card.schema.json).

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

function fact(list, label, value) {
  if (value === null || value === undefined || value === "") return;
  const row = el("div", "card-fact");
  row.append(el("dt", null, label), el("dd", null, value));
  list.append(row);
}

function headingId() {
  return `card-${Math.random().toString(36).slice(2, 10)}`;
}

function phoneLink(phone, className) {
  const href = telHref(phone);
  if (!href) return el("span", className, phone);
  const link = el("a", className, phone);
  link.href = href;
  link.setAttribute("aria-label", `โทร ${phone}`);
  return link;
}

// Facts the card lists under their own heading when its lines do not already say them.
const FEE_IN_LINES = new Set(["fee", "overview"]);

function serviceCard(card) {
  const root = el("article", "card card-service");
  const heading = el("h2", "card-title", card.name || card.title);
  heading.id = headingId();
  root.setAttribute("aria-labelledby", heading.id);
  root.append(heading);
  if (card.title && card.name) root.append(el("p", "card-aspect", card.title));

  if (Array.isArray(card.lines) && card.lines.length) {
    const list = el(card.aspect === "steps" ? "ol" : "ul", "card-lines");
    for (const line of card.lines) list.append(el("li", null, line));
    root.append(list);
  }
  const facts = el("dl", "card-facts");
  if (!FEE_IN_LINES.has(card.aspect)) fact(facts, "ค่าธรรมเนียม", formatFee(card.fee));
  if (card.aspect !== "processing_time") fact(facts, "ระยะเวลา", card.processing_time);
  if (facts.childElementCount) root.append(facts);

  if (card.hotline) {
    const hotline = el("p", "card-hotline", "สอบถามเพิ่มเติม โทร ");
    hotline.append(phoneLink(String(card.hotline), "card-phone"));
    root.append(hotline);
  }
  if (card.source) {
    const text = String(card.source);
    const line = el("p", "card-source", text.startsWith("ที่มา") ? text : `ที่มา: ${text}`);
    const url = safeHttpUrl(card.source_url);
    if (url) {
      line.append(" ");
      line.append(externalLink(url, "เว็บไซต์หน่วยงาน", "เปิดเว็บไซต์หน่วยงานที่เป็นที่มาของข้อมูล"));
    }
    root.append(line);
  }
  return root;
}

function distanceText(office) {
  if (typeof office.distance_km !== "number") return null;
  const km = office.distance_km < 10 ? office.distance_km.toFixed(1) : String(Math.round(office.distance_km));
  return `ประมาณ ${km} กม.`;
}

function isApproximate(office) {
  return office.location_is_approximate === true;
}

function statusBadge(office) {
  const text = office.status || (office.open_now === true ? "เปิดอยู่" : office.open_now === false ? "ปิดอยู่" : null);
  if (!text) return null;
  const state = office.open_now === true ? "open" : office.open_now === false ? "closed" : "unknown";
  return el("span", `office-status office-status-${state}`, text);
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
  fact(facts, "ที่อยู่", office.address);
  if (facts.childElementCount) item.append(facts);

  const actions = el("div", "office-actions");
  if (office.phone) actions.append(phoneLink(String(office.phone), "office-phone"));
  const map = safeHttpUrl(office.map_url);
  if (map) {
    actions.append(externalLink(map, "ดูแผนที่", `ดูแผนที่ ${office.name || ""}`.trim()));
    // The pin of a generated office is the district's estimated middle.
    if (isApproximate(office)) actions.append(el("span", "office-approximate", "ตำแหน่งโดยประมาณ"));
  }
  if (actions.childElementCount) item.append(actions);
  return item;
}

function officesCard(card) {
  const root = el("article", "card card-offices");
  const heading = el("h2", "card-title", card.title || "สำนักงานที่ใกล้คุณ");
  heading.id = headingId();
  root.setAttribute("aria-labelledby", heading.id);
  root.append(heading);
  const list = el("ul", "office-list");
  for (const office of Array.isArray(card.offices) ? card.offices : []) {
    if (office && typeof office === "object") list.append(officeItem(office));
  }
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
      : [card.name, ...(card.lines || []).slice(0, 1)];
  return names.some((name) => typeof name === "string" && name.length > 2 && text.includes(name));
}
