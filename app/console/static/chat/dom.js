// Tiny DOM helpers. Everything from the server goes in as text, never as HTML.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
  return node;
}

/** An http(s) URL as a string, or null: javascript: and data: links never render. */
export function safeHttpUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A tel: link target built from the digits of a Thai phone number, or null. */
export function telHref(phone) {
  if (typeof phone !== "string") return null;
  const digits = phone.replace(/[^0-9+]/g, "");
  return digits.length >= 4 ? `tel:${digits}` : null;
}

export function externalLink(href, text, label) {
  const link = el("a", "card-link", text);
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  if (label) link.setAttribute("aria-label", label);
  return link;
}
