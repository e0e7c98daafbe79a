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
