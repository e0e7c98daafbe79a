// What the three edit forms share: finding an open draft of the record, the
// source and reason fields, and saving a draft (then on to preview and publish).

import { ApiError, get, post, put, query } from "./api.js";
import { announce, clearErrors, field, fieldset, formSummary, h, input, showErrors, textarea } from "./ui.js";

/** The natural key the API uses for drafts: "thaid_what@10" for a province's FAQ. */
export function recordKey(kind, data) {
  if (kind === "faq") return data.province_code ? `${data.key}@${data.province_code}` : data.key;
  if (kind === "service_note") return `${data.service_code}@${data.province_code}`;
  return data.code;
}

/** An open draft of this record, if anybody left one (one draft per record). */
export async function openDraft(kind, key) {
  try {
    const data = await get(`/api/drafts${query({ kind })}`);
    const items = Array.isArray(data.items) ? data.items : [];
    return items.find((draft) => draft.key === key && (!draft.status || draft.status === "draft")) || null;
  } catch {
    return null;
  }
}

export function sourceFieldset(record) {
  return fieldset(
    "ที่มาของข้อมูล (ทุกข้อมูลต้องมีแหล่งอ้างอิง)",
    "source",
    field({ label: "หน่วยงานเจ้าของข้อมูล", name: "source_agency", control: input({ value: record.source_agency || "" }) }),
    field({ label: "ชื่อเอกสารหรือหน้าเว็บที่อ้างอิง", name: "source_title", control: input({ value: record.source_title || "" }) }),
    field({ label: "ลิงก์แหล่งข้อมูล", name: "source_url", control: input({ type: "url", inputmode: "url", value: record.source_url || "", placeholder: "https://" }) }),
    field({ label: "วันที่ตรวจสอบข้อมูล", name: "checked_on", control: input({ type: "date", value: record.checked_on || "" }) }),
  );
}

export function readSource(form) {
  const value = (name) => {
    const control = form.querySelector(`[data-field="${name}"] input`);
    const text = control ? control.value.trim() : "";
    return text === "" ? null : text;
  };
  return {
    source_agency: value("source_agency"),
    source_title: value("source_title"),
    source_url: value("source_url"),
    checked_on: value("checked_on"),
  };
}

export function reasonField() {
  return field({
    label: "เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)",
    name: "reason",
    control: textarea({ rows: 2, required: true, placeholder: "เช่น สำนักงานแจ้งเปลี่ยนเวลาทำการ ตามหนังสือที่ …" }),
  });
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Fields of `next` that differ from `base` (the natural key's fields always included). */
export function changes(base, next, keyFields) {
  const out = {};
  for (const [name, value] of Object.entries(next)) {
    if (keyFields.includes(name) || !same(base[name], value)) out[name] = value;
  }
  return out;
}

/**
 * The edit form's frame: summary box, body, reason, buttons. `collect()` returns
 * {data, errors} (client-side checks in Thai); saving goes to the draft page.
 */
export function editForm({ kind, record, draft, keyFields, body, collect, readOnly }) {
  const summary = formSummary();
  const reason = reasonField();
  const submit = h("button", { type: "submit", className: "button primary" }, "บันทึกร่างและดูตัวอย่าง");
  const form = h(
    "form",
    { className: "form edit", noValidate: true },
    summary,
    draft ? h("p", { className: "notice" }, `กำลังแก้ไขร่างเลขที่ ${draft.id} ที่ยังไม่ได้เผยแพร่ (ประชาชนยังเห็นข้อมูลเดิม)`) : null,
    ...body,
    readOnly ? null : reason,
    readOnly ? null : h("div", { className: "actions" }, submit, draft ? h("a", { className: "button", href: `#/drafts/${draft.id}` }, "ดูตัวอย่างร่าง") : null),
  );
  if (readOnly) {
    for (const control of form.querySelectorAll("input, textarea, select, button")) control.disabled = true;
    form.prepend(h("p", { className: "notice" }, "คุณดูข้อมูลนี้ได้อย่างเดียว ไม่มีสิทธิ์แก้ไข"));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const { data, errors } = collect(form);
    const reasonText = reason.control.value.trim();
    if (!reasonText) errors.reason = "กรุณาระบุเหตุผลที่แก้ไข";
    if (Object.keys(errors).length) {
      showErrors(form, { message: "กรุณาแก้ไขข้อมูลที่มีข้อความแจ้ง", fields: errors });
      return;
    }
    const base = draft ? draft.data : record;
    const changed = changes(base, data, keyFields);
    if (Object.keys(changed).length <= keyFields.length && !draft) {
      showErrors(form, { message: "ยังไม่มีการเปลี่ยนแปลง จึงยังไม่บันทึกร่าง", fields: {} });
      return;
    }
    submit.disabled = true;
    try {
      const saved = draft
        ? await put(`/api/drafts/${draft.id}`, { data: changed, reason: reasonText })
        : await post("/api/drafts", {
            kind,
            key: recordKey(kind, data),
            data: changed,
            base_version: record && record.version !== undefined ? record.version : null,
            reason: reasonText,
          });
      announce("บันทึกร่างแล้ว กรุณาตรวจตัวอย่างก่อนเผยแพร่", "ok");
      window.location.hash = `#/drafts/${saved.id}`;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
      if (error.status === 409) {
        // Someone published a newer version (or left a draft): start again from it.
        summary.append(h("p", {}, h("button", {
          type: "button",
          className: "button",
          onclick: () => window.dispatchEvent(new HashChangeEvent("hashchange")),
        }, "เปิดข้อมูลล่าสุด (สิ่งที่พิมพ์ในหน้านี้จะหายไป)")));
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Lines of a textarea as a list; empty stays `null` ("not known") when it was unknown before. */
export function listFrom(text, before) {
  const items = String(text || "").split("\n").map((line) => line.trim()).filter(Boolean);
  return items.length === 0 && (before === null || before === undefined) ? null : items;
}

export function optionalText(value) {
  const text = String(value ?? "").trim();
  return text === "" ? null : text;
}
