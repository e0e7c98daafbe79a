// Sign in; the one-time code field appears when the API answers totp_required.

import { ApiError, api } from "../api.js";
import { announce, clearErrors, field, formSummary, h, input, showErrors } from "../ui.js";

const MESSAGES = {
  bad_credentials: "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
  totp_required: "กรุณากรอกรหัสยืนยัน 6 หลักจากแอปยืนยันตัวตนในโทรศัพท์ของคุณ",
  too_many_attempts: "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป บัญชีถูกพักไว้ชั่วคราว กรุณารอสักครู่หรือติดต่อผู้ดูแลระบบ",
};

export function signInPage(onSignedIn) {
  const username = input({ autocomplete: "username", required: true, autocapitalize: "none", spellcheck: false });
  const password = input({ type: "password", autocomplete: "current-password", required: true });
  const totp = input({ inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: 6 });
  const totpField = field({ label: "รหัสยืนยัน 6 หลัก", name: "totp", control: totp, hint: "เปิดแอปยืนยันตัวตน (เช่น Google Authenticator) แล้วกรอกรหัสที่แสดง" });
  totpField.hidden = true;
  const submit = h("button", { type: "submit", className: "button primary" }, "เข้าสู่ระบบ");
  const form = h(
    "form",
    { className: "form signin", noValidate: true },
    formSummary(),
    field({ label: "ชื่อผู้ใช้", name: "username", control: username }),
    field({ label: "รหัสผ่าน", name: "password", control: password }),
    totpField,
    h("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const missing = {};
    if (!username.value.trim()) missing.username = "กรุณากรอกชื่อผู้ใช้";
    if (!password.value) missing.password = "กรุณากรอกรหัสผ่าน";
    if (!totpField.hidden && !/^[0-9]{6}$/.test(totp.value.trim())) missing.totp = "รหัสยืนยันต้องเป็นตัวเลข 6 หลัก";
    if (Object.keys(missing).length) {
      showErrors(form, { message: "กรุณากรอกข้อมูลให้ครบ", fields: missing });
      return;
    }
    const body = { username: username.value.trim(), password: password.value };
    if (!totpField.hidden) body.totp = totp.value.trim();
    submit.disabled = true;
    try {
      const session = await api("POST", "/api/session", body);
      password.value = "";
      announce("เข้าสู่ระบบแล้ว");
      onSignedIn(session);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "totp_required") {
        const firstAsk = totpField.hidden;
        totpField.hidden = false;
        const message = firstAsk ? MESSAGES.totp_required : "รหัสยืนยันไม่ถูกต้องหรือหมดอายุ กรุณากรอกรหัสล่าสุด";
        showErrors(form, { message, fields: { totp: firstAsk ? MESSAGES.totp_required : message, ...error.fields } });
        totp.focus();
      } else {
        // The server tells a lock-out from signing in too fast; its own words say which.
        const message = error.body.message ? error.message : MESSAGES[error.code] || error.message;
        const fields = Object.keys(error.fields).length ? error.fields : error.code === "bad_credentials" ? { password: message } : {};
        showErrors(form, { message, fields });
      }
    } finally {
      submit.disabled = false;
    }
  });
  return h(
    "section",
    { className: "page narrow", "aria-labelledby": "signin-title" },
    h("h1", { className: "page-title", id: "signin-title", tabindex: "-1" }, "เข้าสู่ระบบสำหรับเจ้าหน้าที่"),
    h("p", { className: "lead" }, "แก้ไขเวลาทำการ ที่อยู่ เบอร์โทร และคำตอบของผู้ช่วยตอบคำถาม เฉพาะส่วนที่คุณรับผิดชอบ"),
    form,
  );
}
