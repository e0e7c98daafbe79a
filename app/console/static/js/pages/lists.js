// Lists of offices, FAQs and services, as the API scopes them to the officer.

import { get, query } from "../api.js";
import { announce, button, errorBox, field, h, input, loading, pageHeading } from "../ui.js";

const PAGE_SIZE = 50;

function searchForm(params, onSearch, withProvince) {
  const text = input({ type: "search", value: params.get("q") || "" });
  const province = input({ inputmode: "numeric", maxlength: 2, pattern: "[0-9]{2}", value: params.get("province") || "" });
  const form = h(
    "form",
    { className: "search", role: "search" },
    field({ label: "ค้นหา", name: "q", control: text }),
    withProvince ? field({ label: "รหัสจังหวัด (2 หลัก)", name: "province", control: province }) : null,
    h("div", { className: "actions" }, h("button", { type: "submit", className: "button" }, "ค้นหา")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSearch({ q: text.value.trim(), province: withProvince ? province.value.trim() : "" });
  });
  return form;
}

function pager(total, offset, go) {
  if (total <= PAGE_SIZE) return null;
  const last = Math.min(total, offset + PAGE_SIZE);
  return h(
    "nav",
    { className: "pager", "aria-label": "เลือกหน้า" },
    button("ก่อนหน้า", { disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }),
    h("span", {}, `${offset + 1}–${last} จาก ${total}`),
    button("ถัดไป", { disabled: last >= total, onclick: () => go(offset + PAGE_SIZE) }),
  );
}

function listPage({ title, path, hashBase, columns, intro, addLink }) {
  return async (container, { user, params }) => {
    const national = !user.province_code && !user.office_code;
    const results = h("div", { className: "results" });
    const go = (changes) => {
      const next = new URLSearchParams(params);
      for (const [name, value] of Object.entries(changes)) {
        if (value === "" || value === null || value === undefined) next.delete(name);
        else next.set(name, String(value));
      }
      const text = next.toString();
      window.location.hash = text ? `${hashBase}?${text}` : hashBase;
    };
    container.append(
      pageHeading(title),
      intro ? h("p", { className: "lead" }, intro(user)) : null,
      addLink && addLink.roles.includes(user.role) ? h("p", {}, h("a", { className: "button", href: addLink.href }, addLink.label)) : null,
      searchForm(params, ({ q, province }) => go({ q, province, offset: "" }), national),
      results,
    );
    results.append(loading());
    const offset = Number(params.get("offset") || 0) || 0;
    try {
      const data = await get(`${path}${query({ q: params.get("q"), province: params.get("province"), limit: PAGE_SIZE, offset })}`);
      const items = Array.isArray(data.items) ? data.items : [];
      const total = typeof data.total === "number" ? data.total : items.length;
      const table = h(
        "table",
        { className: "table" },
        h("caption", { className: "visually-hidden" }, title),
        h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column.label)))),
        h("tbody", {}, items.map((item) => h("tr", {}, columns.map((column, index) => {
          const cell = column.value(item);
          return index === 0 ? h("th", { scope: "row" }, cell) : h("td", { "data-label": column.label }, cell);
        })))),
      );
      results.replaceChildren(
        h("p", { className: "count", role: "status" }, items.length ? `พบ ${total} รายการ` : "ไม่พบรายการ"),
        items.length ? table : null,
        pager(total, offset, (next) => go({ offset: next || "" })),
      );
      announce(items.length ? `พบ ${total} รายการ` : "ไม่พบรายการ");
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  };
}

function link(href, text) {
  return h("a", { href }, text);
}

export function scopeName(provinceCode) {
  return provinceCode ? `เฉพาะจังหวัดรหัส ${provinceCode}` : "ทั้งประเทศ";
}

function officeName(office) {
  return office.name_th || office.name || office.code;
}

export const officeListPage = listPage({
  title: "สำนักงาน",
  path: "/api/offices",
  hashBase: "#/offices",
  intro: (user) => (user.office_code ? "สำนักงานที่คุณดูแล" : user.province_code ? `สำนักงานในจังหวัดรหัส ${user.province_code}` : "สำนักงานทั้งหมด"),
  columns: [
    { label: "ชื่อสำนักงาน", value: (office) => link(`#/offices/${encodeURIComponent(office.code)}`, officeName(office)) },
    { label: "โทรศัพท์", value: (office) => office.phone || "—" },
    { label: "จังหวัด", value: (office) => office.province_code || "—" },
    { label: "แก้ไขได้", value: (office) => (office.editable === false ? "ดูอย่างเดียว" : "แก้ไขได้") },
  ],
});

export function faqHash(faq) {
  const base = `#/faqs/${encodeURIComponent(faq.key)}`;
  return faq.province_code ? `${base}?province=${encodeURIComponent(faq.province_code)}` : base;
}

export const faqListPage = listPage({
  title: "คำถามที่พบบ่อย",
  path: "/api/faqs",
  hashBase: "#/faqs",
  addLink: { href: "#/faqs/new", label: "เพิ่มคำถามใหม่", roles: ["admin", "content_editor", "province_officer"] },
  intro: (user) => (user.province_code ? "คำตอบทั้งประเทศ และคำตอบเฉพาะจังหวัดของคุณ (กดที่คำถามเพื่อแก้ไขคำตอบของจังหวัด)" : "คำถามที่พบบ่อยและคำตอบ"),
  columns: [
    { label: "คำถาม", value: (faq) => link(faqHash(faq), faq.title || faq.key) },
    { label: "ขอบเขต", value: (faq) => scopeName(faq.province_code) },
    { label: "คำตอบ", value: (faq) => (faq.answer && faq.answer.length > 80 ? `${faq.answer.slice(0, 80)}…` : faq.answer || "") },
  ],
});

export const serviceListPage = listPage({
  title: "บริการ",
  path: "/api/services",
  hashBase: "#/services",
  intro: () => "บริการของรัฐ เอกสาร ค่าธรรมเนียม และขั้นตอน",
  columns: [
    { label: "ชื่อบริการ", value: (service) => link(`#/services/${encodeURIComponent(service.code)}`, service.name_th || service.name || service.code) },
    { label: "หมวด", value: (service) => service.category || "—" },
  ],
});
