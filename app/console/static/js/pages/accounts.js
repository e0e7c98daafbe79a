// Accounts (administrators only): list, create with a role and its scope, unlock.

import { ApiError, api, get, post } from "../api.js";
import { announce, button, clearErrors, field, formSummary, h, input, pageHeading, select, showErrors } from "../ui.js";

const ROLES = [
  ["province_officer", "เจ้าหน้าที่จังหวัด"],
  ["district_officer", "เจ้าหน้าที่อำเภอ/สำนักงาน"],
  ["content_editor", "ผู้ดูแลเนื้อหา (กระทรวง)"],
  ["analyst", "นักวิเคราะห์ (ดูอย่างเดียว)"],
  ["admin", "ผู้ดูแลระบบ"],
];
const ROLE_NAMES = Object.fromEntries(ROLES);

function createForm(onCreated) {
  const username = input({ autocomplete: "off", autocapitalize: "none", spellcheck: false });
  const password = input({ type: "password", autocomplete: "new-password" });
  const role = select(ROLES, "province_officer");
  const province = input({ inputmode: "numeric", maxlength: 2 });
  const office = input({ autocapitalize: "none" });
  const provinceField = field({ label: "รหัสจังหวัด (2 หลัก)", name: "province_code", control: province });
  const officeField = field({ label: "รหัสสำนักงาน", name: "office_code", control: office });
  const sync = () => {
    provinceField.hidden = role.value !== "province_officer";
    officeField.hidden = role.value !== "district_officer";
  };
  role.addEventListener("change", sync);
  sync();
  const result = h("div", { role: "status" });
  const form = h("form", { className: "form", noValidate: true }, formSummary(),
    field({ label: "ชื่อผู้ใช้", name: "username", control: username, hint: "ห้ามใช้ชื่อ-นามสกุล อีเมล หรือเบอร์โทร (บันทึกในประวัติการแก้ไข)" }),
    field({ label: "รหัสผ่านเริ่มต้น", name: "password", control: password }),
    field({ label: "บทบาท", name: "role", control: role }),
    provinceField, officeField,
    h("div", { className: "actions" }, h("button", { type: "submit", className: "button primary" }, "สร้างบัญชี")), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { username: username.value.trim(), password: password.value, role: role.value };
    if (role.value === "province_officer") body.province_code = province.value.trim();
    if (role.value === "district_officer") body.office_code = office.value.trim();
    try {
      const created = await post("/api/accounts", body);
      password.value = "";
      result.replaceChildren(h("p", { className: "ok-box" }, `สร้างบัญชี ${body.username} แล้ว`),
        created && created.totp_secret
          ? h("div", { className: "notice" },
            h("p", {}, "บทบาทนี้ต้องใช้รหัสยืนยันตอนเข้าสู่ระบบ ให้ผู้ใช้กรอกรหัสลับนี้ในแอปยืนยันตัวตน (แสดงครั้งเดียว):"),
            h("p", { className: "secret" }, h("code", { id: "totp-secret" }, created.totp_secret)),
            created.totp_uri ? h("p", { className: "field-hint" }, created.totp_uri) : null)
          : null);
      announce(`สร้างบัญชี ${body.username} แล้ว`, "ok");
      onCreated();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
    }
  });
  return form;
}

function lockButton(account, reload) {
  const locking = !account.locked;
  const label = locking ? `ล็อกบัญชี ${account.username}` : `ปลดล็อก ${account.username}`;
  return button(label, { className: locking ? "button danger" : "button", onclick: async (event) => {
    if (locking && !window.confirm(`ล็อกบัญชี ${account.username} ใช่หรือไม่ ผู้ใช้จะเข้าสู่ระบบไม่ได้จนกว่าจะปลดล็อก`)) return;
    event.target.disabled = true;
    try {
      await api("PATCH", `/api/accounts/${encodeURIComponent(account.username)}`, { locked: locking });
      announce(locking ? `ล็อกบัญชี ${account.username} แล้ว` : `ปลดล็อก ${account.username} แล้ว`, "ok");
      await reload();
    } catch (error) {
      announce(error.message, "error");
      event.target.disabled = false;
    }
  } });
}

export async function accountsPage(container) {
  const list = h("div", {});
  const load = async () => {
    const data = await get("/api/accounts");
    const items = Array.isArray(data) ? data : data.items || [];
    list.replaceChildren(h("table", { className: "table" },
      h("caption", { className: "visually-hidden" }, "บัญชีผู้ใช้"),
      h("thead", {}, h("tr", {}, ["ชื่อผู้ใช้", "บทบาท", "ขอบเขต", "สถานะ"].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, items.map((account) => h("tr", {},
        h("th", { scope: "row" }, account.username),
        h("td", { "data-label": "บทบาท" }, account.display_role || ROLE_NAMES[account.role] || account.role),
        h("td", { "data-label": "ขอบเขต" }, account.office_code || account.province_code || "ทั้งประเทศ"),
        h("td", { "data-label": "สถานะ" }, account.locked ? "ถูกล็อก " : "ใช้งานได้ ", lockButton(account, load)))))));
  };
  container.append(pageHeading("บัญชีผู้ใช้"), list,
    h("section", { "aria-labelledby": "new-account" }, h("h2", { id: "new-account" }, "สร้างบัญชีใหม่"), createForm(() => load())));
  await load();
}
