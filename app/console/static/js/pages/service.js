// A service: documents, fees with their conditions, deadlines, steps,
// eligibility, legal basis and sources. National facts need a second editor's approval.

import { get } from "../api.js";
import { editForm, listFrom, openDraft, optionalText, readSource, sourceFieldset } from "../editor.js";
import { button, field, fieldset, h, input, pageHeading, textarea } from "../ui.js";

function feeRow(fee, index, remove) {
  const amount = input({ inputmode: "decimal", value: fee.amount ?? "" });
  const condition = input({ value: fee.condition || "" });
  const set = fieldset(`ค่าธรรมเนียมรายการที่ ${index + 1}`, `fees.${index}`,
    h("div", { className: "row" },
      field({ label: "จำนวนเงิน (บาท)", name: `fees.${index}.amount`, control: amount, hint: "0 = ไม่เสียค่าธรรมเนียม เว้นว่าง = ยังไม่ทราบ" }),
      field({ label: "กรณี/เงื่อนไข", name: `fees.${index}.condition`, control: condition, hint: "เช่น บัตรหมดอายุ" })),
    button("ลบรายการนี้", { className: "button danger", onclick: remove }));
  set.read = () => {
    const text = amount.value.trim().replace(/,/g, "");
    return { ...fee, amount: text === "" ? null : Number(text), condition: optionalText(condition.value) };
  };
  return set;
}

function feesEditor(fees) {
  const items = Array.isArray(fees) ? fees.map((fee) => ({ ...fee })) : [];
  const list = h("div", {});
  let rows = [];
  const render = () => {
    rows = items.map((fee, index) => feeRow(fee, index, () => {
      Object.assign(items, rows.map((row) => row.read()));
      items.splice(index, 1);
      render();
    }));
    list.replaceChildren(...rows);
  };
  render();
  const set = fieldset("ค่าธรรมเนียม", "fees", list, button("เพิ่มค่าธรรมเนียม", { onclick: () => {
    Object.assign(items, rows.map((row) => row.read()));
    items.push({ amount: null, condition: null });
    render();
    rows[rows.length - 1].querySelector("input").focus();
  } }));
  set.readFees = () => rows.map((row) => row.read());
  return set;
}

export async function serviceEditPage(container, { match }) {
  const code = match[0];
  const record = await get(`/api/services/${encodeURIComponent(code)}`);
  const draft = await openDraft("service", code);
  const current = draft ? { ...record, ...draft.data } : record;
  container.append(
    pageHeading(`แก้ไขบริการ: ${current.name_th || current.name || code}`),
    h("p", { className: "notice" }, "การแก้ไขเอกสาร ค่าธรรมเนียม หรือกำหนดเวลาของบริการระดับประเทศ ต้องได้รับการอนุมัติจากผู้ดูแลเนื้อหาอีกคนหนึ่งก่อนเผยแพร่"),
  );
  const text = (name, label, hint, rows = 3) => {
    const control = textarea({ rows, value: current[name] ?? "" });
    return [name, field({ label, name, control, hint })];
  };
  const list = (name, label, hint) => {
    const control = textarea({ rows: 5, value: (current[name] || []).join("\n") });
    return [name, field({ label, name, control, hint })];
  };
  const fields = [
    list("documents", "เอกสารที่ต้องใช้", "หนึ่งบรรทัดต่อหนึ่งรายการ เว้นว่าง = ยังไม่ทราบ"),
    list("steps", "ขั้นตอน", "หนึ่งบรรทัดต่อหนึ่งขั้นตอน เรียงตามลำดับ"),
    text("deadline", "กำหนดเวลาที่ต้องยื่น", "เช่น ภายใน 60 วันนับแต่วันที่บัตรหมดอายุ"),
    text("penalty", "ค่าปรับหากเกินกำหนด"),
    text("processing_time", "ระยะเวลาดำเนินการ"),
    text("eligibility", "ผู้มีสิทธิ์ยื่น / คุณสมบัติ"),
    text("where_note", "ยื่นได้ที่ใด"),
    text("legal_basis", "กฎหมายที่เกี่ยวข้อง"),
  ];
  const controls = Object.fromEntries(fields.map(([name, node]) => [name, node.control]));
  const fees = feesEditor(current.fees);
  const hotline = input({ type: "tel", value: current.hotline || "" });
  const onlineName = input({ value: current.online_name || "" });
  const onlineUrl = input({ type: "url", value: current.online_url || "", placeholder: "https://" });
  const body = [
    fields[0][1], fees, ...fields.slice(1).map(([, node]) => node),
    fieldset("ช่องทางออนไลน์และสายด่วน", "online",
      field({ label: "ชื่อช่องทางออนไลน์", name: "online_name", control: onlineName }),
      field({ label: "ลิงก์ช่องทางออนไลน์", name: "online_url", control: onlineUrl }),
      field({ label: "สายด่วน", name: "hotline", control: hotline })),
    sourceFieldset(current),
  ];
  const collect = (form) => {
    const errors = {};
    const data = { code };
    for (const name of ["documents", "steps"]) data[name] = listFrom(controls[name].value, record[name]);
    for (const name of ["deadline", "penalty", "processing_time", "eligibility", "where_note", "legal_basis"]) data[name] = optionalText(controls[name].value);
    const feeList = fees.readFees();
    feeList.forEach((fee, index) => {
      if (fee.amount !== null && !(Number.isFinite(fee.amount) && fee.amount >= 0)) errors[`fees.${index}.amount`] = "จำนวนเงินต้องเป็นตัวเลขตั้งแต่ 0 ขึ้นไป";
    });
    data.fees = feeList.length === 0 && (record.fees === null || record.fees === undefined) ? null : feeList;
    data.hotline = optionalText(hotline.value);
    data.online_name = optionalText(onlineName.value);
    data.online_url = optionalText(onlineUrl.value);
    Object.assign(data, readSource(form));
    return { data, errors };
  };
  container.append(editForm({ kind: "service", record, draft, keyFields: ["code"], body, collect, readOnly: record.editable === false }));
}
