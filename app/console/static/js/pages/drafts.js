// A draft: what changes, the preview (web card and LINE message as citizens
// will see them), then publish now or at a set time; approval for content editors.

import { ApiError, del, get, post, query } from "../api.js";
import { cardOf } from "../../chat/cards.js";
import { quickRepliesOf, renderMessage } from "../../chat/messages.js";
import { renderLine } from "../line.js";
import { KIND_NAMES, STATUS_NAMES, WEEKDAYS, announce, button, clearErrors, errorBox, field, fieldset, formSummary, h, input, loading, newId, pageHeading, select, showErrors, textarea, thaiDateTime } from "../ui.js";

const EDIT_PATH = { office: "#/offices/", faq: "#/faqs/", service: "#/services/", service_note: "#/service-notes/" };
const FIELD_NAMES = {
  hours: "เวลาทำการ", phone: "เบอร์โทรศัพท์", address: "ที่อยู่", latitude: "ละติจูด", longitude: "ลองจิจูด",
  location_is_approximate: "ตำแหน่งโดยประมาณ", closed_on_public_holidays: "ปิดวันหยุดราชการ", closures: "วันปิดทำการและเวลาพิเศษ",
  title: "หัวข้อคำถาม", question_variants: "คำถามแบบต่าง ๆ", answer: "คำตอบ", documents: "เอกสารที่ต้องใช้", fees: "ค่าธรรมเนียม",
  deadline: "กำหนดเวลา", penalty: "ค่าปรับ", processing_time: "ระยะเวลาดำเนินการ", steps: "ขั้นตอน", eligibility: "คุณสมบัติ",
  legal_basis: "กฎหมายที่เกี่ยวข้อง", where_note: "ยื่นได้ที่ใด", source_agency: "หน่วยงานเจ้าของข้อมูล", source_title: "เอกสารอ้างอิง",
  source_url: "ลิงก์แหล่งข้อมูล", checked_on: "วันที่ตรวจสอบ", note: "หมายเหตุของจังหวัด", hotline: "สายด่วน", online_name: "ช่องทางออนไลน์", online_url: "ลิงก์ช่องทางออนไลน์",
};

function editHash(draft) {
  const [key, province] = String(draft.key).split("@");
  const base = `${EDIT_PATH[draft.kind] || "#/"}${encodeURIComponent(key)}`;
  return province ? `${base}?province=${encodeURIComponent(province)}` : base;
}

function showHours(rows) {
  const byDay = new Map();
  for (const [weekday, opens, closes] of rows) {
    byDay.set(weekday, [...(byDay.get(weekday) || []), `${opens}–${closes}`]);
  }
  if (!byDay.size) return "ปิดทุกวัน";
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([weekday, ranges]) => `${WEEKDAYS[weekday] || weekday} ${ranges.join(", ")}`).join(" · ");
}

function show(value, name) {
  if (name === "hours" && Array.isArray(value)) return showHours(value);
  if (name === "question_variants" && Array.isArray(value)) return value.join(" / ");
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "ใช่" : "ไม่ใช่";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

async function publishedOf(draft) {
  const [key, province] = String(draft.key).split("@");
  const path = { office: "/api/offices/", faq: "/api/faqs/", service: "/api/services/", service_note: "/api/service-notes/" }[draft.kind];
  if (!path) return null;
  try {
    const record = await get(`${path}${encodeURIComponent(key)}${query({ province })}`);
    // A FAQ read for a province may be the national answer: that is not this draft's record.
    if (draft.kind === "faq" && (record.province_code || null) !== (province || null)) return null;
    return record;
  } catch {
    return null;
  }
}

function changeTable(draft, published) {
  const rows = [];
  for (const [name, value] of Object.entries(draft.data || {})) {
    const before = published ? published[name] : undefined;
    if (published && JSON.stringify(before ?? null) === JSON.stringify(value ?? null)) continue;
    if (["code", "key", "province_code", "service_code"].includes(name)) continue;
    rows.push(h("tr", {}, h("th", { scope: "row" }, FIELD_NAMES[name] || name), h("td", { "data-label": "เดิม" }, published ? show(before, name) : "—"), h("td", { "data-label": "ใหม่" }, show(value, name))));
  }
  if (!rows.length) return h("p", {}, "ไม่มีข้อมูลที่เปลี่ยน");
  return h("table", { className: "table changes" },
    h("caption", {}, published ? "ข้อมูลที่เปลี่ยน" : "ข้อมูลของรายการใหม่"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "ช่อง"), h("th", { scope: "col" }, "เดิม"), h("th", { scope: "col" }, "ใหม่"))),
    h("tbody", {}, rows));
}

/** The web preview: the same renderMessage and card code as the chat page. */
export function webPreview(preview) {
  const web = preview.web || null;
  let card = null;
  if (web && typeof web === "object") card = cardOf(web) || cardOf({ custom: web }) || cardOf({ custom: { card: web } });
  const message = { from: "bot", text: preview.text || (web && web.text) || "", card, quickReplies: web ? quickRepliesOf(web) : [] };
  return h("div", { className: "chat-preview log", "aria-label": "ตัวอย่างบนหน้าเว็บแชต" }, renderMessage(message, () => {}));
}

const ASPECTS = [
  ["overview", "ข้อมูลโดยสรุป"], ["documents", "เอกสารที่ต้องใช้"], ["fee", "ค่าธรรมเนียม"],
  ["deadline", "กำหนดเวลา"], ["processing_time", "ระยะเวลาดำเนินการ"], ["steps", "ขั้นตอน"],
  ["eligibility", "คุณสมบัติผู้ยื่นคำขอ"], ["where_to_apply", "สถานที่ยื่นคำขอ"], ["online", "ช่องทางออนไลน์"],
];

function previewSection(draft) {
  const title = () => h("h2", { id: "preview-title" }, "ตัวอย่างสิ่งที่ประชาชนจะเห็น");
  const body = h("div", {}, loading());
  // A service answers one question at a time: choose which answer to preview.
  const aspect = ["service", "service_note"].includes(draft.kind) ? select(ASPECTS, "overview") : null;
  let latest = 0;
  const load = () => {
    body.replaceChildren(loading());
    const asked = (latest += 1);
    get(`/api/drafts/${draft.id}/preview${query({ aspect: aspect ? aspect.value : "" })}`).then((preview) => {
      // Only the answer to the latest choice: an earlier, slower one must not overwrite it.
      if (asked !== latest) return;
      body.replaceChildren(
        h("div", { className: "preview-grid" },
          h("div", { className: "preview-pane", id: "preview-web" }, h("h3", {}, "หน้าเว็บแชต"), webPreview(preview)),
          h("div", { className: "preview-pane", id: "preview-line" }, h("h3", {}, "LINE"), preview.line ? renderLine(preview.line) : h("p", {}, "—"))),
        preview.text ? h("details", {}, h("summary", {}, "ข้อความตอบแบบตัวอักษร"), h("p", { className: "preview-text" }, preview.text)) : null,
      );
    }).catch((error) => {
      if (asked === latest) body.replaceChildren(errorBox(error));
    });
  };
  if (aspect) aspect.addEventListener("change", load);
  load();
  return h("section", { className: "preview", "aria-labelledby": "preview-title" },
    title(), aspect ? field({ label: "ดูตัวอย่างคำตอบเรื่อง", name: "aspect", control: aspect }) : null, body);
}

function publishForm(draft) {
  const summary = formSummary();
  const reason = textarea({ rows: 2 });
  const nowId = newId("when");
  const laterId = newId("when");
  const now = h("input", { type: "radio", name: "when", id: nowId, value: "now", checked: true });
  const later = h("input", { type: "radio", name: "when", id: laterId, value: "later" });
  const date = input({ type: "date" });
  const time = input({ type: "time", value: "08:00" });
  const schedule = h("div", { className: "row", hidden: true },
    field({ label: "วันที่เผยแพร่", name: "publish_at", control: date }),
    field({ label: "เวลา", name: "publish_time", control: time }));
  const sync = () => { schedule.hidden = !later.checked; };
  now.addEventListener("change", sync);
  later.addEventListener("change", sync);
  const submit = h("button", { type: "submit", className: "button primary" }, "เผยแพร่");
  const result = h("div", { className: "result", role: "status" });
  const form = h("form", { className: "form", noValidate: true },
    summary,
    fieldset("เผยแพร่เมื่อใด", "when",
      h("div", { className: "check" }, now, h("label", { htmlFor: nowId }, "เผยแพร่ทันที")),
      h("div", { className: "check" }, later, h("label", { htmlFor: laterId }, "ตั้งเวลาเผยแพร่ (เช่น เวลาทำการช่วงวันหยุดที่เริ่มสัปดาห์หน้า)")),
      schedule),
    field({ label: "เหตุผล (บันทึกในประวัติการแก้ไข)", name: "reason", control: reason }),
    h("div", { className: "actions" }, submit),
    result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { reason: reason.value.trim() || (draft.reason || "") };
    const errors = {};
    if (!body.reason) errors.reason = "กรุณาระบุเหตุผล";
    if (later.checked) {
      if (!date.value || !time.value) errors.publish_at = "กรุณาเลือกวันและเวลาที่จะเผยแพร่";
      else {
        const at = new Date(`${date.value}T${time.value}`);
        if (at.getTime() <= Date.now()) errors.publish_at = "เวลาเผยแพร่ต้องเป็นเวลาในอนาคต";
        else body.publish_at = at.toISOString();
      }
    }
    if (Object.keys(errors).length) {
      showErrors(form, { message: "กรุณาแก้ไขข้อมูลที่มีข้อความแจ้ง", fields: errors });
      return;
    }
    submit.disabled = true;
    try {
      const answer = await post(`/api/drafts/${draft.id}/publish`, body);
      const message = answer.status === "published"
        ? "เผยแพร่แล้ว ผู้ช่วยจะตอบด้วยข้อมูลใหม่ภายในไม่กี่วินาที"
        : answer.status === "scheduled"
          ? `ตั้งเวลาเผยแพร่แล้ว: ${thaiDateTime(answer.publish_at)}`
          : "ส่งให้ผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติแล้ว จะเผยแพร่เมื่อได้รับอนุมัติ";
      result.replaceChildren(h("p", { className: "ok-box" }, message));
      form.querySelectorAll("input, textarea, button").forEach((control) => { control.disabled = true; });
      announce(message, "ok");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
      if (error.status === 409) {
        result.replaceChildren(h("p", { className: "error-box" }, error.message, " ", h("a", { href: editHash(draft) }, "เปิดข้อมูลล่าสุด")));
      }
      submit.disabled = false;
    }
  });
  return h("section", { "aria-labelledby": "publish-title" }, h("h2", { id: "publish-title" }, "เผยแพร่"), form);
}

function approveForm(draft) {
  const reason = textarea({ rows: 2 });
  const summary = formSummary();
  const result = h("div", { role: "status" });
  const submit = h("button", { type: "submit", className: "button primary" }, "อนุมัติและเผยแพร่");
  const form = h("form", { className: "form", noValidate: true }, summary,
    field({ label: "ความเห็นในการอนุมัติ", name: "reason", control: reason }), h("div", { className: "actions" }, submit), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!reason.value.trim()) {
      showErrors(form, { message: "กรุณาระบุความเห็น", fields: { reason: "กรุณาระบุความเห็นในการอนุมัติ" } });
      return;
    }
    submit.disabled = true;
    try {
      await post(`/api/drafts/${draft.id}/approve`, { reason: reason.value.trim() });
      result.replaceChildren(h("p", { className: "ok-box" }, "อนุมัติและเผยแพร่แล้ว"));
      announce("อนุมัติและเผยแพร่แล้ว", "ok");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
      submit.disabled = false;
    }
  });
  return h("section", { "aria-labelledby": "approve-title" }, h("h2", { id: "approve-title" }, "อนุมัติ"),
    h("p", {}, `ร่างนี้เขียนโดย ${draft.created_by || "—"} ผู้อนุมัติต้องเป็นผู้ดูแลเนื้อหาคนอื่น`), form);
}

export async function draftPage(container, { match, user }) {
  const draft = await get(`/api/drafts/${match[0]}`);
  const published = await publishedOf(draft);
  const status = draft.status || "draft";
  container.append(
    pageHeading(`ร่าง${KIND_NAMES[draft.kind] || ""}: ${(draft.data && (draft.data.title || draft.data.name_th)) || draft.key}`),
    h("p", { className: "lead" }, `สถานะ: ${STATUS_NAMES[status] || status} · ร่างเลขที่ ${draft.id} · รหัส ${draft.key} · โดย ${draft.created_by || "—"}`),
    status === "draft" ? h("p", { className: "notice" }, "ประชาชนยังเห็นข้อมูลเดิมจนกว่าจะกดเผยแพร่") : null,
    changeTable(draft, published),
    previewSection(draft),
  );
  if (status === "draft") {
    container.append(publishForm(draft),
      h("div", { className: "actions" },
        h("a", { className: "button", href: editHash(draft) }, "กลับไปแก้ไข"),
        button("ยกเลิกร่างนี้", { className: "button danger", onclick: async (event) => {
          if (!window.confirm("ยกเลิกร่างนี้ใช่หรือไม่ ข้อมูลที่เผยแพร่อยู่จะไม่เปลี่ยน")) return;
          event.target.disabled = true;
          try {
            await del(`/api/drafts/${draft.id}`);
            announce("ยกเลิกร่างแล้ว", "ok");
            window.location.hash = editHash(draft);
          } catch (error) {
            announce(error.message, "error");
            event.target.disabled = false;
          }
        } })));
  } else if (status === "awaiting_approval") {
    const authors = [draft.created_by, draft.requested_by];
    const mayApprove = ["content_editor", "admin"].includes(user.role) && !authors.includes(user.username);
    container.append(mayApprove
      ? approveForm(draft)
      : h("p", { className: "notice" }, "ร่างนี้รอผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติ (ผู้เขียนร่างอนุมัติเองไม่ได้)"));
  } else if (status === "scheduled") {
    container.append(h("p", { className: "notice" }, `ตั้งเวลาเผยแพร่ไว้ ${thaiDateTime(draft.publish_at)}`));
  }
}

export async function draftListPage(container, { params, user }) {
  const status = params.get("status") || "";
  const heading = pageHeading("ร่างและรายการรออนุมัติ");
  const filter = h("nav", { className: "tabs", "aria-label": "กรองตามสถานะ" },
    [["", "ทั้งหมด"], ["draft", "ร่าง"], ["awaiting_approval", "รออนุมัติ"], ["scheduled", "ตั้งเวลาแล้ว"]].map(([value, label]) =>
      h("a", { href: value ? `#/drafts?status=${value}` : "#/drafts", "aria-current": value === status ? "page" : null }, label)));
  container.append(heading, ["content_editor", "admin"].includes(user.role) ? h("p", { className: "lead" }, "รายการ \"รออนุมัติ\" คือการแก้ไขข้อมูลบริการระดับประเทศที่ต้องมีผู้ดูแลเนื้อหาคนที่สองอนุมัติ") : null, filter);
  const data = await get(`/api/drafts${query({ status })}`);
  const items = Array.isArray(data.items) ? data.items : [];
  if (!items.length) {
    container.append(h("p", { role: "status" }, "ไม่มีรายการ"));
    return;
  }
  container.append(h("table", { className: "table" },
    h("caption", { className: "visually-hidden" }, "รายการร่าง"),
    h("thead", {}, h("tr", {}, ["รายการ", "ประเภท", "สถานะ", "ผู้แก้ไข"].map((label) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, items.map((draft) => h("tr", {},
      h("th", { scope: "row" }, h("a", { href: `#/drafts/${draft.id}` }, draft.key)),
      h("td", { "data-label": "ประเภท" }, KIND_NAMES[draft.kind] || draft.kind),
      h("td", { "data-label": "สถานะ" }, STATUS_NAMES[draft.status] || draft.status || "ร่าง"),
      h("td", { "data-label": "ผู้แก้ไข" }, draft.created_by || "—"))))));
}
