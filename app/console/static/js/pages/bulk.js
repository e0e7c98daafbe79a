// CSV import (dry run first: a table of what would change and the bad rows
// with their reasons) and export of offices and FAQs.

import { ApiError, api, query } from "../api.js";
import { announce, clearErrors, field, formSummary, h, input, pageHeading, select, showErrors } from "../ui.js";

const ACTIONS = { create: "เพิ่มใหม่", update: "แก้ไข", unchanged: "ไม่เปลี่ยน" };

function resultTable(result) {
  const rows = Array.isArray(result.rows) ? result.rows : [];
  return h("div", {},
    h("p", { className: result.invalid ? "error-box" : "ok-box" },
      `ถูกต้อง ${result.valid ?? 0} แถว · มีปัญหา ${result.invalid ?? 0} แถว · บันทึกแล้ว ${result.written ?? 0} แถว`),
    h("table", { className: "table import-result" },
      h("caption", {}, "ผลการตรวจไฟล์"),
      h("thead", {}, h("tr", {}, ["แถวที่", "รายการ", "ผล", "ปัญหา"].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows.map((row) => h("tr", { className: row.errors && row.errors.length ? "row-bad" : "" },
        h("th", { scope: "row" }, String(row.row)),
        h("td", { "data-label": "รายการ" }, row.key || "—"),
        h("td", { "data-label": "ผล" }, row.errors && row.errors.length ? "ไม่ผ่าน" : ACTIONS[row.action] || row.action || ""),
        h("td", { "data-label": "ปัญหา" }, row.errors && row.errors.length ? h("ul", {}, row.errors.map((message) => h("li", {}, message))) : "—"))))));
}

export async function bulkPage(container) {
  const kind = select([["offices", "สำนักงาน"], ["faqs", "คำถามที่พบบ่อย"]], "offices");
  const file = input({ type: "file", accept: ".csv,text/csv" });
  const skip = h("input", { type: "checkbox", id: "skip-invalid" });
  const summary = formSummary();
  const output = h("div", { role: "status", "aria-live": "polite" });
  const check = h("button", { type: "submit", className: "button" }, "ตรวจไฟล์ (ยังไม่บันทึก)");
  const write = h("button", { type: "button", className: "button primary", disabled: true }, "นำเข้าข้อมูล");
  let text = null;
  let lastKind = null;
  const send = async (dryRun) => {
    clearErrors(form);
    if (!file.files.length && text === null) {
      showErrors(form, { message: "กรุณาเลือกไฟล์ CSV", fields: { file: "กรุณาเลือกไฟล์ CSV" } });
      return;
    }
    if (file.files.length) text = await file.files[0].text();
    lastKind = kind.value;
    check.disabled = write.disabled = true;
    output.replaceChildren(h("p", { className: "loading" }, dryRun ? "กำลังตรวจไฟล์…" : "กำลังนำเข้าข้อมูล…"));
    try {
      const result = await api("POST", `/api/import/${kind.value}${query({ dry_run: dryRun, skip_invalid: skip.checked })}`, undefined, { text });
      output.replaceChildren(resultTable(result));
      const bad = Number(result.invalid || 0);
      write.disabled = !dryRun || (bad > 0 && !skip.checked) || Number(result.valid || 0) === 0;
      announce(dryRun ? `ตรวจแล้ว: ถูกต้อง ${result.valid ?? 0} แถว มีปัญหา ${bad} แถว` : `นำเข้าแล้ว ${result.written ?? 0} แถว`, bad ? "error" : "ok");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
    } finally {
      check.disabled = false;
    }
  };
  const form = h("form", { className: "form", noValidate: true }, summary,
    field({ label: "ประเภทข้อมูล", name: "kind", control: kind }),
    field({ label: "ไฟล์ CSV (UTF-8)", name: "file", control: file, hint: "ใช้ไฟล์ที่ส่งออกจากหน้านี้เป็นแบบ แล้วแก้ไขในโปรแกรมตารางคำนวณ" }),
    h("div", { className: "check" }, skip, h("label", { htmlFor: "skip-invalid" }, "ข้ามแถวที่มีปัญหา แล้วนำเข้าเฉพาะแถวที่ถูกต้อง")),
    h("div", { className: "actions" }, check, write));
  form.addEventListener("submit", (event) => { event.preventDefault(); send(true); });
  write.addEventListener("click", () => { if (lastKind === kind.value) send(false); });
  file.addEventListener("change", () => { text = null; write.disabled = true; });
  kind.addEventListener("change", () => { write.disabled = true; });
  container.append(
    pageHeading("นำเข้าและส่งออกไฟล์ CSV"),
    h("section", { "aria-labelledby": "export-title" }, h("h2", { id: "export-title" }, "ส่งออก"),
      h("p", {}, h("a", { className: "button", href: "/api/offices.csv", download: "offices.csv" }, "ดาวน์โหลดสำนักงาน (CSV)"), " ",
        h("a", { className: "button", href: "/api/faqs.csv", download: "faqs.csv" }, "ดาวน์โหลดคำถามที่พบบ่อย (CSV)"))),
    h("section", { "aria-labelledby": "import-title" }, h("h2", { id: "import-title" }, "นำเข้า"),
      h("p", {}, "ระบบจะตรวจไฟล์ก่อนเสมอ และจะไม่บันทึกอะไรเลยหากมีแถวที่ไม่ถูกต้อง เว้นแต่เลือกให้ข้ามแถวที่มีปัญหา"), form, output));
}
