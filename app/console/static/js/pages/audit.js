// The audit log: who changed what, before and after, when and why; search,
// filter, and restore an earlier version (as a new draft to check and publish).

import { ApiError, get, post, query } from "../api.js";
import { KIND_NAMES, announce, button, errorBox, field, h, input, loading, pageHeading, select, thaiDateTime } from "../ui.js";

const PAGE_SIZE = 50;

function changed(before, after) {
  const names = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const rows = [];
  for (const name of names) {
    const a = JSON.stringify((before || {})[name] ?? null);
    const b = JSON.stringify((after || {})[name] ?? null);
    if (a !== b) rows.push(h("li", {}, h("strong", {}, `${name}: `), h("del", {}, a), " → ", h("ins", {}, b)));
  }
  return rows.length ? h("ul", { className: "diff" }, rows) : h("p", {}, "—");
}

export async function auditPage(container, { params, user }) {
  const values = Object.fromEntries(["kind", "key", "account", "province", "since", "until", "offset"].map((name) => [name, params.get(name) || ""]));
  const kind = select([["", "ทุกประเภท"], ["office", "สำนักงาน"], ["faq", "คำถามที่พบบ่อย"], ["service", "บริการ"]], values.kind);
  const key = input({ value: values.key });
  const account = input({ value: values.account });
  const province = input({ inputmode: "numeric", maxlength: 2, value: values.province });
  const since = input({ type: "date", value: values.since });
  const until = input({ type: "date", value: values.until });
  const national = !user.province_code && !user.office_code;
  const form = h("form", { className: "search filters", role: "search" },
    field({ label: "ประเภท", name: "kind", control: kind }),
    field({ label: "รหัสหรือคีย์ของรายการ", name: "key", control: key }),
    field({ label: "ผู้แก้ไข", name: "account", control: account }),
    national ? field({ label: "รหัสจังหวัด", name: "province", control: province }) : null,
    field({ label: "ตั้งแต่วันที่", name: "since", control: since }),
    field({ label: "ถึงวันที่", name: "until", control: until }),
    h("div", { className: "actions" }, h("button", { type: "submit", className: "button" }, "ค้นหา")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = { kind: kind.value, key: key.value.trim(), account: account.value.trim(), province: national ? province.value.trim() : "", since: since.value, until: until.value };
    window.location.hash = `#/audit${query(next)}`;
  });
  const results = h("div", {}, loading());
  container.append(pageHeading("ประวัติการแก้ไข"), form, results);
  const offset = Number(values.offset) || 0;
  try {
    const data = await get(`/api/audit${query({ ...values, offset, limit: PAGE_SIZE })}`);
    const items = Array.isArray(data.items) ? data.items : [];
    const total = typeof data.total === "number" ? data.total : items.length;
    const list = h("ol", { className: "audit-list" }, items.map((item) => {
      const restore = button("กู้คืนฉบับนี้", { onclick: () => restoreRevision(item, restore) });
      return h("li", { className: "audit-item" },
        h("p", { className: "audit-head" }, h("strong", {}, `${KIND_NAMES[item.kind] || item.kind} ${item.key}`), ` · ${thaiDateTime(item.at)} · โดย ${item.account || "—"}`),
        item.reason ? h("p", {}, `เหตุผล: ${item.reason}`) : null,
        h("details", {}, h("summary", {}, "ดูสิ่งที่เปลี่ยน"), changed(item.before, item.after)),
        item.after ? restore : null);
    }));
    const more = [];
    if (offset > 0) more.push(h("a", { className: "button", href: `#/audit${query({ ...values, offset: Math.max(0, offset - PAGE_SIZE) })}` }, "ก่อนหน้า"));
    if (offset + items.length < total) more.push(h("a", { className: "button", href: `#/audit${query({ ...values, offset: offset + PAGE_SIZE })}` }, "ถัดไป"));
    results.replaceChildren(h("p", { role: "status" }, items.length ? `พบ ${total} รายการ` : "ไม่พบรายการ"), list, h("nav", { className: "pager", "aria-label": "เลือกหน้า" }, more));
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}

async function restoreRevision(item, control) {
  const reason = window.prompt("เหตุผลที่กู้คืนฉบับนี้ (บันทึกในประวัติการแก้ไข)");
  if (!reason || !reason.trim()) return;
  control.disabled = true;
  try {
    const draft = await post(`/api/revisions/${item.id}/restore`, { reason: reason.trim() });
    announce("สร้างร่างจากฉบับเดิมแล้ว กรุณาตรวจตัวอย่างแล้วเผยแพร่", "ok");
    window.location.hash = `#/drafts/${draft.id}`;
  } catch (error) {
    announce(error instanceof ApiError ? error.message : "กู้คืนไม่สำเร็จ", "error");
    control.disabled = false;
  }
}
