// Building blocks of every page: elements, labelled fields with their own
// error line, the live region, and showing the API's per-field messages.

let uid = 0;
export function newId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** h("p", {className: "x"}, "text", child): text children are text nodes, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "value") continue; // set after the children: a <select> needs its options first
    if (name === "className") node.className = value;
    else if (name === "htmlFor") node.setAttribute("for", value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  if (attrs && attrs.value !== undefined && attrs.value !== null) node.value = String(attrs.value);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Announce a message to screen readers and show it in the page's status line. */
export function announce(text, kind = "info") {
  const live = document.getElementById("live");
  if (!live) return;
  live.dataset.kind = kind;
  live.dataset.at = String(Date.now());
  live.textContent = "";
  // A fresh text node after clearing makes screen readers read a repeated message again.
  window.setTimeout(() => {
    live.textContent = text;
  }, 30);
}

/**
 * A labelled control. `name` is the API field name its errors arrive under.
 * Returns the wrapper; the control is `wrapper.control`.
 */
export function field({ label, name, control, hint, className }) {
  const id = control.id || newId(name ? name.replace(/[^a-z0-9]/gi, "-") : "f");
  control.id = id;
  if (name && !control.name) control.name = name;
  const error = h("p", { className: "field-error", id: `${id}-error`, hidden: true });
  const described = [`${id}-error`];
  let hintNode = null;
  if (hint) {
    hintNode = h("p", { className: "field-hint", id: `${id}-hint` }, hint);
    described.unshift(`${id}-hint`);
  }
  control.setAttribute("aria-describedby", described.join(" "));
  const wrapper = h(
    "div",
    { className: `field ${className || ""}`.trim(), dataset: name ? { field: name } : {} },
    h("label", { htmlFor: id }, label),
    hintNode,
    control,
    error,
  );
  wrapper.control = control;
  return wrapper;
}

export function input(attrs = {}) {
  return h("input", { type: "text", ...attrs });
}

export function textarea(attrs = {}) {
  return h("textarea", { rows: 4, ...attrs });
}

export function select(options, value, attrs = {}) {
  const node = h("select", attrs);
  for (const [optionValue, label] of options) {
    node.append(h("option", { value: optionValue, selected: String(optionValue) === String(value ?? "") }, label));
  }
  return node;
}

/** A group of fields with a visible legend; errors for `name` show at its end. */
export function fieldset(legend, name, ...children) {
  const error = h("p", { className: "field-error", hidden: true, id: newId("group-error") });
  const set = h("fieldset", { className: "group", dataset: name ? { field: name } : {} }, h("legend", {}, legend), ...children, error);
  if (name) set.setAttribute("aria-describedby", error.id);
  return set;
}

export function button(text, attrs = {}) {
  return h("button", { type: "button", className: "button", ...attrs }, text);
}

/** Remove every field message a previous attempt left. */
export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) {
    node.textContent = "";
    node.hidden = true;
  }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.replaceChildren();
    summary.hidden = true;
  }
}

// "hours.2.opens", "hours[2]", "closures/0/end" all belong to the field or group "hours"/"closures".
function candidates(name) {
  const parts = String(name).split(/[.[\]/]+/).filter(Boolean);
  const names = [];
  for (let i = parts.length; i > 0; i -= 1) names.push(parts.slice(0, i).join("."));
  if (!names.includes(String(name))) names.unshift(String(name));
  return names;
}

function findField(form, name) {
  for (const candidate of candidates(name)) {
    const node = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (node) return node;
  }
  return null;
}

function labelOf(node, name) {
  const legend = node && node.querySelector(":scope > legend, :scope > label");
  return legend ? legend.textContent : name;
}

/**
 * Show `fields` ({apiField: ThaiMessage}) next to the controls that carry them;
 * anything without a control goes to the form's summary. Focuses the first.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const fields = (error && error.fields) || {};
  const summary = form.querySelector(".form-summary");
  const summaryItems = [];
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const node = findField(form, name);
    if (!node) {
      summaryItems.push(h("li", {}, String(message)));
      continue;
    }
    const line = node.querySelector(":scope > .field-error");
    if (line) {
      line.textContent = line.textContent ? `${line.textContent} ${message}` : String(message);
      line.hidden = false;
    }
    // A field or a weekday row: its value controls are the wrong ones (not the "open" tick box).
    // A whole group (all the hours, say): focus its first control, mark none.
    const values = node.matches("input, select, textarea")
      ? [node]
      : [...node.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea")];
    if (node.matches("input, select, textarea, .field, .day")) values.forEach((c) => c.setAttribute("aria-invalid", "true"));
    const control = values[0] || node.querySelector("input:not([type=hidden]), select, textarea");
    if (!first) first = control || node;
    summaryItems.push(h("li", {}, h("a", { href: `#${control ? control.id : ""}`, onclick: (event) => {
      event.preventDefault();
      (control || node).focus();
    } }, `${labelOf(node, name)}: ${message}`)));
  }
  if (summary) {
    const heading = error && error.message ? error.message : "กรุณาแก้ไขข้อมูลต่อไปนี้";
    summary.replaceChildren(h("p", { className: "summary-title" }, heading));
    if (summaryItems.length) summary.append(h("ul", {}, summaryItems));
    summary.hidden = false;
    if (!first) summary.focus();
  }
  if (first && typeof first.focus === "function") first.focus();
  announce(error && error.message ? error.message : "กรุณาแก้ไขข้อมูลที่มีข้อความแจ้ง", "error");
}

/** The error summary box at the top of a form: focusable, read out when it changes. */
export function formSummary() {
  return h("div", { className: "form-summary", role: "alert", tabindex: "-1", hidden: true });
}

export function lines(text) {
  return String(text || "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

const DATE_TIME = new Intl.DateTimeFormat("th-TH", { dateStyle: "medium", timeStyle: "short" });
export function thaiDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : DATE_TIME.format(date);
}

export const WEEKDAYS = ["จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์"];

export const KIND_NAMES = { office: "สำนักงาน", faq: "คำถามที่พบบ่อย", service: "บริการ", service_note: "หมายเหตุของจังหวัด" };

export const STATUS_NAMES = {
  draft: "ร่าง",
  awaiting_approval: "รออนุมัติ",
  scheduled: "ตั้งเวลาเผยแพร่แล้ว",
  published: "เผยแพร่แล้ว",
  rejected: "ไม่อนุมัติ",
  discarded: "ยกเลิกแล้ว",
};

/** A page heading that takes focus, so keyboard and screen-reader users land on the new page. */
export function pageHeading(text) {
  return h("h1", { className: "page-title", tabindex: "-1" }, text);
}

export function loading() {
  return h("p", { className: "loading", role: "status" }, "กำลังโหลด…");
}

export function errorBox(error) {
  return h("p", { className: "error-box", role: "alert" }, error && error.message ? error.message : String(error));
}
