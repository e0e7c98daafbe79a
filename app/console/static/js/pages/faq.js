// A FAQ: question variants and answer; national, or one province's own answer.

import { ApiError, get, query } from "../api.js";
import { editForm, listFrom, openDraft, readSource, recordKey, sourceFieldset } from "../editor.js";
import { field, h, input, pageHeading, textarea } from "../ui.js";
import { scopeName } from "./lists.js";

async function loadFaq(key, province) {
  try {
    return { record: await get(`/api/faqs/${encodeURIComponent(key)}${query({ province })}`), exists: true };
  } catch (error) {
    // A province's first answer to a national question starts from the national one.
    if (!(error instanceof ApiError) || error.status !== 404 || !province) throw error;
    const national = await get(`/api/faqs/${encodeURIComponent(key)}`);
    return { record: { ...national, province_code: null }, exists: false };
  }
}

export async function faqEditPage(container, { match, params, user }) {
  const key = match[0];
  // A provincial officer always edits their own province's answer.
  const province = user.province_code || params.get("province") || null;
  const { record, exists } = await loadFaq(key, province);
  const isOverride = Boolean(province);
  // When the province has no answer of its own yet, GET may return the national one.
  const base = exists && (record.province_code || null) === province ? record : { ...record, province_code: province, version: null };
  const draftKey = recordKey("faq", { key, province_code: province });
  const draft = await openDraft("faq", draftKey);
  const current = draft ? { ...base, ...draft.data } : base;

  container.append(
    pageHeading(`แก้ไขคำถาม: ${current.title || key}`),
    h("p", { className: "lead" }, `ขอบเขต: ${scopeName(province)}`),
    isOverride && base.version === null
      ? h("p", { className: "notice" }, "จังหวัดนี้ยังไม่มีคำตอบของตนเอง ข้อความด้านล่างคือคำตอบทั้งประเทศ เมื่อเผยแพร่แล้ว ประชาชนในจังหวัดนี้จะเห็นคำตอบของจังหวัดแทน")
      : null,
  );
  const title = input({ value: current.title || "" });
  const variants = textarea({ rows: 6, value: (current.question_variants || []).join("\n") });
  const answer = textarea({ rows: 8, value: current.answer || "" });
  const body = [
    field({ label: "หัวข้อคำถาม", name: "title", control: title }),
    field({ label: "คำถามแบบต่าง ๆ ที่ประชาชนอาจพิมพ์", name: "question_variants", control: variants, hint: "หนึ่งบรรทัดต่อหนึ่งแบบ คำถามแบบใหม่จะใช้ได้หลังฝึกผู้ช่วยใหม่" }),
    field({ label: "คำตอบ", name: "answer", control: answer, hint: "ข้อความนี้คือสิ่งที่ผู้ช่วยจะตอบ ตรวจตัวสะกดและข้อเท็จจริงให้ถูกต้อง" }),
    sourceFieldset(current),
  ];
  const collect = (form) => {
    const errors = {};
    const data = {
      key,
      province_code: province,
      title: title.value.trim(),
      question_variants: listFrom(variants.value, []),
      answer: answer.value.trim(),
      ...readSource(form),
    };
    if (!data.title) errors.title = "กรุณากรอกหัวข้อคำถาม";
    if (!data.answer) errors.answer = "กรุณากรอกคำตอบ";
    if (!data.question_variants.length) errors.question_variants = "กรุณากรอกคำถามอย่างน้อยหนึ่งแบบ";
    return { data, errors };
  };
  const editable = record.editable !== false || (isOverride && user.province_code === province);
  container.append(editForm({ kind: "faq", record: base, draft, keyFields: ["key", "province_code"], body, collect, readOnly: !editable }));
}

const KEY = /^[a-z][a-z0-9_]{2,63}$/;

/** A new question: its key (English, for the training data), scope, variants and answer. */
export async function faqNewPage(container, { user }) {
  const national = !user.province_code && !user.office_code;
  container.append(
    pageHeading("เพิ่มคำถามที่พบบ่อย"),
    h("p", { className: "notice" }, "คำถามใหม่จะตอบได้หลังจากเผยแพร่และฝึกผู้ช่วยใหม่ (เมนู \"ฝึกผู้ช่วย\")"),
  );
  const key = input({ autocapitalize: "none", spellcheck: false, pattern: KEY.source });
  const province = input({ inputmode: "numeric", maxlength: 2, value: user.province_code || "", disabled: !national });
  const title = input();
  const variants = textarea({ rows: 6 });
  const answer = textarea({ rows: 8 });
  const body = [
    field({ label: "รหัสคำถาม (ภาษาอังกฤษตัวเล็ก ตัวเลข และ _)", name: "key", control: key, hint: "เช่น school_registration ใช้อ้างอิงในระบบ ประชาชนไม่เห็น" }),
    field({ label: "รหัสจังหวัด (เว้นว่าง = ทั้งประเทศ)", name: "province_code", control: province }),
    field({ label: "หัวข้อคำถาม", name: "title", control: title }),
    field({ label: "คำถามแบบต่าง ๆ ที่ประชาชนอาจพิมพ์", name: "question_variants", control: variants, hint: "หนึ่งบรรทัดต่อหนึ่งแบบ ควรมีอย่างน้อย 3 แบบ เพื่อให้ผู้ช่วยเข้าใจ" }),
    field({ label: "คำตอบ", name: "answer", control: answer }),
    sourceFieldset({}),
  ];
  const collect = (form) => {
    const errors = {};
    const data = {
      key: key.value.trim(),
      province_code: national ? province.value.trim() || null : user.province_code,
      title: title.value.trim(),
      question_variants: listFrom(variants.value, []),
      answer: answer.value.trim(),
      ...readSource(form),
    };
    if (!KEY.test(data.key)) errors.key = "รหัสคำถามต้องขึ้นต้นด้วยตัวอักษรภาษาอังกฤษตัวเล็ก ใช้ได้เฉพาะ a–z 0–9 และ _ ยาว 3–64 ตัว";
    if (data.province_code && !/^[0-9]{2}$/.test(data.province_code)) errors.province_code = "รหัสจังหวัดต้องเป็นตัวเลข 2 หลัก";
    if (!data.title) errors.title = "กรุณากรอกหัวข้อคำถาม";
    if (!data.question_variants.length) errors.question_variants = "กรุณากรอกคำถามอย่างน้อยหนึ่งแบบ";
    if (!data.answer) errors.answer = "กรุณากรอกคำตอบ";
    return { data, errors };
  };
  container.append(editForm({ kind: "faq", record: { version: null }, draft: null, keyFields: ["key", "province_code"], body, collect, readOnly: false }));
}
