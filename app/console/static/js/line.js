// A LINE message drawn the way LINE shows it: text bubbles, Flex bubbles and
// carousels (box, text, button, separator), and quick-reply chips. Only what
// the API returns is drawn; nothing is interpreted as HTML.

import { h } from "./ui.js";

function isColour(value) {
  return typeof value === "string" && /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(value);
}

const SIZES = new Set(["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl"]);

function flexText(node) {
  const spans = Array.isArray(node.contents) ? node.contents.filter((span) => span && span.type === "span") : [];
  const text = spans.length ? spans.map((span) => span.text || "").join("") : node.text || "";
  const classes = ["lf-text"];
  if (node.weight === "bold") classes.push("lf-bold");
  if (SIZES.has(node.size)) classes.push(`lf-size-${node.size}`);
  if (node.wrap === false) classes.push("lf-nowrap");
  const element = h("p", { className: classes.join(" ") }, text);
  if (isColour(node.color)) element.style.color = node.color;
  return element;
}

function flexButton(node) {
  const action = node.action || {};
  const label = action.label || action.text || "ปุ่ม";
  const target = action.type === "uri" && typeof action.uri === "string" ? ` → ${action.uri}` : "";
  return h("span", { className: `lf-button lf-button-${node.style === "primary" ? "primary" : "link"}`, title: `${label}${target}` }, label);
}

function flexNode(node) {
  if (!node || typeof node !== "object") return null;
  switch (node.type) {
    case "box": {
      const layout = ["horizontal", "baseline"].includes(node.layout) ? "horizontal" : "vertical";
      const box = h("div", { className: `lf-box lf-${layout}` }, (node.contents || []).map(flexNode));
      // Badges are boxes with a background (LINE draws white text on it).
      if (isColour(node.backgroundColor)) box.classList.add("lf-filled");
      if (isColour(node.backgroundColor)) box.style.backgroundColor = node.backgroundColor;
      return box;
    }
    case "text":
      return flexText(node);
    case "button":
      return flexButton(node);
    case "separator":
      return h("hr", { className: "lf-separator" });
    case "image":
      return h("span", { className: "lf-image" }, "[รูปภาพ]");
    case "icon":
    case "spacer":
    case "filler":
      return null;
    default:
      return null;
  }
}

function flexBubble(bubble) {
  const root = h("div", { className: "lf-bubble" });
  for (const part of ["header", "hero", "body", "footer"]) {
    if (bubble[part]) root.append(h("div", { className: `lf-${part}` }, flexNode(bubble[part])));
  }
  return root;
}

function lineMessage(message) {
  if (!message || typeof message !== "object") return null;
  if (message.type === "text") return h("p", { className: "line-bubble" }, message.text || "");
  if (message.type === "flex") {
    const contents = message.contents || {};
    const bubbles = contents.type === "carousel" ? contents.contents || [] : [contents];
    return h("div", { className: "line-flex" },
      h("p", { className: "line-alt" }, `ข้อความแจ้งเตือน: ${message.altText || ""}`),
      h("div", { className: bubbles.length > 1 ? "lf-carousel" : "" }, bubbles.map(flexBubble)));
  }
  if (message.type === "sticker") return h("p", { className: "line-bubble" }, "[สติกเกอร์]");
  return h("pre", { className: "line-raw" }, JSON.stringify(message, null, 2));
}

/** The LINE preview: `line` is one message object, a list of them, or {messages: [...]}. */
export function renderLine(line) {
  // Replies may come in batches (a list of lists of messages): draw them in order.
  const list = Array.isArray(line) ? line : Array.isArray(line && line.messages) ? line.messages : [line];
  const messages = list.flat(2);
  const root = h("div", { className: "line-chat" });
  for (const message of messages) {
    root.append(h("div", { className: "line-row" }, lineMessage(message)));
    const items = message && message.quickReply && Array.isArray(message.quickReply.items) ? message.quickReply.items : [];
    if (items.length) {
      root.append(h("div", { className: "line-quick" }, items.map((item) => h("span", { className: "line-chip" }, (item.action && item.action.label) || ""))));
    }
  }
  return root;
}
