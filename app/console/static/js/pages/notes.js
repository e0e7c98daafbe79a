// Province notes on services: what citizens of one province should know besides
// the national facts. The assistant adds the note to its answer about the service
// when it knows the citizen's province. Provincial officers write their own
// province's; the ministry's content editors read them.

import { ApiError, get, query } from "../api.js";
import { editForm, openDraft, readSource, sourceFieldset } from "../editor.js";
import { announce, errorBox, field, h, input, loading, pageHeading, textarea } from "../ui.js";

export const NOTE_MAX_LENGTH = 500;
const PROVINCE = /^[0-9]{2}$/;

function noteHash(code, province) {
  return `#/service-notes/${encodeURIComponent(code)}${query({ province })}`;
}

function provinceForm(province, onChoose) {
  const control = input({ inputmode: "numeric", maxlength: 2, pattern: "[0-9]{2}", value: province || "" });
  const form = h(
    "form",
    { className: "search" },
    field({ label: "รหัสจังหวัด (2 หลัก)", name: "province", control, hint: "เช่น 50 = เชียงใหม่" }),
    h("div", { className: "actions" }, h("button", { type: "submit", className: "button" }, "แสดงหมายเหตุ")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onChoose(control.value.trim());
  });
  return form;
}

/** Every service, with the province's note on it (or none yet). */
export async function noteListPage(container, { user, params }) {
  // A provincial officer always works on their own province.
  const province = user.province_code || params.get("province") || "";
  container.append(
    pageHeading("หมายเหตุของจังหวัดในบริการ"),
    h("p", { className: "lead" }, "ข้อความสั้น ๆ ที่ผู้ช่วยจะต่อท้ายคำตอบเรื่องบริการ เมื่อทราบว่าประชาชนอยู่ในจังหวัดนี้ เช่น สถานที่รับคำขอเพิ่มเติมของจังหวัด"),
  );
  if (!user.province_code) {
    container.append(provinceForm(province, (chosen) => {
      window.location.hash = `#/service-notes${query({ province: chosen })}`;
    }));
  }
  if (!PROVINCE.test(province)) {
    container.append(h("p", {}, "กรุณาระบุรหัสจังหวัด 2 หลัก"));
    return;
  }
  const results = h("div", { className: "results" }, loading());
  container.append(results);
  try {
    const [services, notes] = await Promise.all([
      get(`/api/services${query({ limit: 2000 })}`),
      get(`/api/service-notes${query({ province, limit: 2000 })}`),
    ]);
    const byService = new Map((notes.items || []).map((note) => [note.service_code, note]));
    const rows = (services.items || []).map((service) => {
      const note = byService.get(service.code);
      const label = note ? "แก้ไขหมายเหตุ" : "เขียนหมายเหตุ";
      return h(
        "tr",
        {},
        h("th", { scope: "row" }, service.name_th || service.code),
        h("td", { "data-label": "หมายเหตุของจังหวัด" }, note ? note.note : "ยังไม่มี"),
        h("td", { "data-label": "แก้ไข" }, h("a", { href: noteHash(service.code, province), "aria-label": `${label}: ${service.name_th || service.code}` }, label)),
      );
    });
    results.replaceChildren(
      h("p", { className: "count", role: "status" }, `มีหมายเหตุแล้ว ${byService.size} บริการ จาก ${rows.length} บริการ (จังหวัดรหัส ${province})`),
      h(
        "table",
        { className: "table" },
        h("caption", { className: "visually-hidden" }, `หมายเหตุของจังหวัดรหัส ${province}`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "บริการ"), h("th", { scope: "col" }, "หมายเหตุของจังหวัด"), h("th", { scope: "col" }, "แก้ไข"))),
        h("tbody", {}, rows),
      ),
    );
    announce(`มีหมายเหตุแล้ว ${byService.size} บริการ`);
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}

async function loadNote(code, province) {
  try {
    return await get(`/api/service-notes/${encodeURIComponent(code)}${query({ province })}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** One province's note on one service: write it, then preview the answer and publish. */
export async function noteEditPage(container, { match, params, user }) {
  const code = match[0];
  const province = user.province_code || params.get("province") || "";
  if (!PROVINCE.test(province)) {
    container.append(pageHeading("หมายเหตุของจังหวัด"), h("p", { role: "alert", className: "error-box" }, "กรุณาระบุรหัสจังหวัด 2 หลัก"));
    return;
  }
  const [service, published] = await Promise.all([
    get(`/api/services/${encodeURIComponent(code)}`),
    loadNote(code, province),
  ]);
  const base = published || { service_code: code, province_code: province, version: null };
  const draft = await openDraft("service_note", `${code}@${province}`);
  const current = draft ? { ...base, ...draft.data } : base;
  container.append(
    pageHeading(`หมายเหตุของจังหวัด: ${service.name_th || code}`),
    h("p", { className: "lead" }, `จังหวัดรหัส ${province} · ผู้ช่วยจะต่อท้ายคำตอบเรื่องบริการนี้ด้วยข้อความ "หมายเหตุจังหวัด…: " ตามด้วยข้อความด้านล่าง`),
    published ? null : h("p", { className: "notice" }, "จังหวัดนี้ยังไม่มีหมายเหตุในบริการนี้ เมื่อเผยแพร่แล้ว ประชาชนในจังหวัดจะเห็นหมายเหตุต่อท้ายคำตอบ"),
  );
  const counter = h("p", { className: "field-hint", "aria-live": "polite" });
  const note = textarea({ rows: 5, maxlength: NOTE_MAX_LENGTH, value: current.note || "" });
  const count = () => {
    counter.textContent = `${note.value.trim().length} / ${NOTE_MAX_LENGTH} ตัวอักษร`;
  };
  note.addEventListener("input", count);
  count();
  const body = [
    field({ label: "หมายเหตุของจังหวัด", name: "note", control: note, hint: `ไม่เกิน ${NOTE_MAX_LENGTH} ตัวอักษร เขียนเฉพาะสิ่งที่ต่างจากข้อมูลทั้งประเทศ` }),
    counter,
    sourceFieldset(current),
  ];
  const collect = (form) => {
    const errors = {};
    const data = { service_code: code, province_code: province, note: note.value.trim(), ...readSource(form) };
    if (!data.note) errors.note = "กรุณากรอกหมายเหตุของจังหวัด";
    else if (data.note.length > NOTE_MAX_LENGTH) errors.note = `หมายเหตุของจังหวัดยาวเกิน ${NOTE_MAX_LENGTH} ตัวอักษร`;
    return { data, errors };
  };
  const editable = published ? published.editable !== false : user.role === "admin" || user.province_code === province;
  container.append(editForm({ kind: "service_note", record: base, draft, keyFields: ["service_code", "province_code"], body, collect, readOnly: !editable }));
}
