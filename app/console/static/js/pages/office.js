// An office: opening hours per weekday with a lunch break, closures and special
// hours for a date range (with the office to go to instead), phone, address, map pin.

import { get, query } from "../api.js";
import { editForm, openDraft, readSource, sourceFieldset, optionalText } from "../editor.js";
import { WEEKDAYS, button, field, fieldset, h, input, pageHeading, select, newId } from "../ui.js";

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** Rows [weekday, "08:30", "12:00"] → per weekday {open, opens, closes, lunchStart, lunchEnd}. */
export function daysFromHours(hours) {
  const days = WEEKDAYS.map(() => ({ open: false, opens: "", closes: "", lunchStart: "", lunchEnd: "" }));
  const byDay = new Map();
  for (const row of Array.isArray(hours) ? hours : []) {
    if (!Array.isArray(row) || row.length < 3) continue;
    const list = byDay.get(Number(row[0])) || [];
    list.push([row[1], row[2]]);
    byDay.set(Number(row[0]), list);
  }
  for (const [weekday, ranges] of byDay) {
    if (!days[weekday]) continue;
    ranges.sort((a, b) => a[0].localeCompare(b[0]));
    const day = days[weekday];
    day.open = true;
    day.opens = ranges[0][0];
    day.closes = ranges[ranges.length - 1][1];
    if (ranges.length > 1) {
      day.lunchStart = ranges[0][1];
      day.lunchEnd = ranges[1][0];
    }
  }
  return days;
}

function timeInput(value, label) {
  return input({ type: "time", value, step: 60, "aria-label": label });
}

function hoursEditor(days) {
  const rows = days.map((day, weekday) => {
    const name = WEEKDAYS[weekday];
    const open = h("input", { type: "checkbox", checked: day.open, id: newId("open") });
    const opens = timeInput(day.opens, `วัน${name} เวลาเปิด`);
    const closes = timeInput(day.closes, `วัน${name} เวลาปิด`);
    const lunchStart = timeInput(day.lunchStart, `วัน${name} เริ่มพักกลางวัน`);
    const lunchEnd = timeInput(day.lunchEnd, `วัน${name} สิ้นสุดพักกลางวัน`);
    const times = h("div", { className: "day-times" },
      h("span", { className: "time-pair" }, h("span", { "aria-hidden": "true" }, "เปิด"), opens, h("span", { "aria-hidden": "true" }, "ถึง"), closes),
      h("span", { className: "time-pair" }, h("span", { "aria-hidden": "true" }, "พักกลางวัน"), lunchStart, h("span", { "aria-hidden": "true" }, "ถึง"), lunchEnd));
    const sync = () => {
      for (const control of [opens, closes, lunchStart, lunchEnd]) control.disabled = !open.checked;
      times.hidden = !open.checked;
    };
    open.addEventListener("change", sync);
    sync();
    const error = h("p", { className: "field-error", hidden: true, id: newId("day-error") });
    const row = h("div", { className: "day", dataset: { field: `hours.${weekday}` } },
      h("div", { className: "day-name" }, open, h("label", { htmlFor: open.id }, `วัน${name} เปิดทำการ`)),
      times, error);
    for (const control of [opens, closes, lunchStart, lunchEnd]) control.setAttribute("aria-describedby", error.id);
    row.read = () => ({ weekday, open: open.checked, opens: opens.value, closes: closes.value, lunchStart: lunchStart.value, lunchEnd: lunchEnd.value });
    row.write = (other) => {
      open.checked = other.open;
      opens.value = other.opens;
      closes.value = other.closes;
      lunchStart.value = other.lunchStart;
      lunchEnd.value = other.lunchEnd;
      sync();
    };
    return row;
  });
  const copy = button("ใช้เวลาของวันจันทร์กับวันอังคาร–ศุกร์", {
    onclick: () => {
      const monday = rows[0].read();
      for (const row of rows.slice(1, 5)) row.write(monday);
    },
  });
  const set = fieldset("เวลาทำการ", "hours", h("p", { className: "field-hint" }, "ติ๊กวันที่เปิด แล้วกรอกเวลาเปิด–ปิด ถ้ามีพักกลางวันให้กรอกช่วงพักด้วย (เว้นว่างได้)"), ...rows, copy);
  set.readDays = () => rows.map((row) => row.read());
  return set;
}

/** Per-weekday values → API rows, with Thai messages keyed "hours.<weekday>". */
export function hoursFromDays(days) {
  const rows = [];
  const errors = {};
  for (const day of days) {
    if (!day.open) continue;
    const key = `hours.${day.weekday}`;
    const name = `วัน${WEEKDAYS[day.weekday]}`;
    if (!TIME.test(day.opens) || !TIME.test(day.closes)) {
      errors[key] = `${name}: กรุณากรอกเวลาเปิดและเวลาปิด`;
      continue;
    }
    if (day.opens >= day.closes) {
      errors[key] = `${name}: เวลาเปิดต้องก่อนเวลาปิด`;
      continue;
    }
    const hasLunch = day.lunchStart || day.lunchEnd;
    if (!hasLunch) {
      rows.push([day.weekday, day.opens, day.closes]);
      continue;
    }
    if (!TIME.test(day.lunchStart) || !TIME.test(day.lunchEnd)) {
      errors[key] = `${name}: กรุณากรอกเวลาพักกลางวันให้ครบทั้งเริ่มและสิ้นสุด หรือเว้นว่างทั้งสองช่อง`;
      continue;
    }
    if (!(day.opens < day.lunchStart && day.lunchStart < day.lunchEnd && day.lunchEnd < day.closes)) {
      errors[key] = `${name}: เวลาพักกลางวันต้องอยู่ระหว่างเวลาเปิดและปิด และเริ่มก่อนสิ้นสุด`;
      continue;
    }
    rows.push([day.weekday, day.opens, day.lunchStart], [day.weekday, day.lunchEnd, day.closes]);
  }
  return { rows, errors };
}

// One row of Office.closures: {starts_on, ends_on, hours: [["HH:MM", "HH:MM"]] (none:
// closed), reason, go_to_office} (app/kb/hours.py Closure).
function closureRow(item, index, officeOptions, remove) {
  const start = input({ type: "date", value: item.starts_on || "" });
  const end = input({ type: "date", value: item.ends_on || "" });
  const range = (Array.isArray(item.hours) && item.hours[0]) || [];
  const kind = select([["closed", "ปิดทำการ"], ["special", "เปิดเวลาพิเศษ"]], range.length ? "special" : "closed");
  const opens = input({ type: "time", value: range[0] || "" });
  const closes = input({ type: "time", value: range[1] || "" });
  const listId = officeOptions.id;
  const alternative = input({ value: item.go_to_office || "", list: listId, autocomplete: "off" });
  const note = input({ value: item.reason || "" });
  const special = h("div", { className: "row" },
    field({ label: "เวลาเปิด", name: `closures.${index}.opens`, control: opens }),
    field({ label: "เวลาปิด", name: `closures.${index}.closes`, control: closes }));
  const sync = () => { special.hidden = kind.value !== "special"; };
  kind.addEventListener("change", sync);
  sync();
  const set = fieldset(`ช่วงวันพิเศษที่ ${index + 1}`, `closures.${index}`,
    h("div", { className: "row" },
      field({ label: "ตั้งแต่วันที่", name: `closures.${index}.starts_on`, control: start }),
      field({ label: "ถึงวันที่", name: `closures.${index}.ends_on`, control: end })),
    field({ label: "ในช่วงนี้", name: `closures.${index}.kind`, control: kind }),
    special,
    field({ label: "สำนักงานที่ให้ไปติดต่อแทน (รหัสสำนักงาน)", name: `closures.${index}.go_to_office`, control: alternative, hint: "พิมพ์ชื่อหรือรหัสเพื่อเลือก" }),
    field({ label: "เหตุผลที่จะแจ้งประชาชน", name: `closures.${index}.reason`, control: note }),
    button("ลบช่วงวันนี้", { className: "button danger", onclick: remove }));
  set.read = () => ({
    starts_on: start.value || null,
    ends_on: end.value || null,
    hours: kind.value === "special" ? [[opens.value || null, closes.value || null]] : [],
    reason: optionalText(note.value),
    go_to_office: optionalText(alternative.value),
  });
  return set;
}

function closuresEditor(closures, officeOptions) {
  const items = closures.map((item) => ({ ...item }));
  const list = h("div", { className: "closures" });
  const set = fieldset("วันปิดทำการและเวลาพิเศษ (เช่น ปิดปรับปรุง ย้ายที่ทำการชั่วคราว)", "closures", list, officeOptions);
  let rows = [];
  const render = () => {
    rows = items.map((item, index) => closureRow(item, index, officeOptions, () => {
      items.splice(index, 1);
      render();
      set.querySelector("button.add-closure").focus();
    }));
    list.replaceChildren(...rows);
  };
  render();
  set.append(button("เพิ่มช่วงวันปิดหรือเวลาพิเศษ", { className: "button add-closure", onclick: () => {
    Object.assign(items, rows.map((row) => row.read()));
    items.push({ starts_on: null, ends_on: null, hours: [], reason: null, go_to_office: null });
    render();
    rows[rows.length - 1].querySelector("input").focus();
  } }));
  set.readClosures = () => rows.map((row) => row.read());
  return set;
}

function validateClosures(closures) {
  const errors = {};
  closures.forEach((item, index) => {
    if (!item.starts_on) errors[`closures.${index}.starts_on`] = "กรุณาระบุวันที่เริ่ม";
    if (!item.ends_on) errors[`closures.${index}.ends_on`] = "กรุณาระบุวันที่สิ้นสุด";
    if (item.starts_on && item.ends_on && item.starts_on > item.ends_on) errors[`closures.${index}.ends_on`] = "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม";
    const [range] = item.hours;
    if (range && !(range[0] && range[1] && range[0] < range[1])) errors[`closures.${index}.opens`] = "เวลาพิเศษ: เวลาเปิดต้องก่อนเวลาปิด";
    if (!item.reason) errors[`closures.${index}.reason`] = "กรุณาระบุเหตุผลที่จะแจ้งประชาชน";
  });
  return errors;
}

function number(value) {
  const text = String(value || "").trim().replace(",", ".");
  if (text === "") return null;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : NaN;
}

function locationFieldset(record) {
  const latitude = input({ inputmode: "decimal", value: record.latitude ?? "" });
  const longitude = input({ inputmode: "decimal", value: record.longitude ?? "" });
  const approximate = h("input", { type: "checkbox", checked: record.location_is_approximate === true, id: newId("approx") });
  const mapLink = h("a", { target: "_blank", rel: "noopener noreferrer" }, "เปิดดูตำแหน่งนี้บนแผนที่ (หน้าต่างใหม่)");
  const updateLink = () => {
    const lat = number(latitude.value);
    const lon = number(longitude.value);
    mapLink.hidden = !(Number.isFinite(lat) && Number.isFinite(lon) && lat !== null && lon !== null);
    if (!mapLink.hidden) mapLink.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  };
  const pinned = () => { approximate.checked = false; updateLink(); };
  latitude.addEventListener("input", pinned);
  longitude.addEventListener("input", pinned);
  updateLink();
  const here = button("ใช้ตำแหน่งปัจจุบันของฉัน (เมื่ออยู่ที่สำนักงาน)", { onclick: () => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((position) => {
      latitude.value = position.coords.latitude.toFixed(6);
      longitude.value = position.coords.longitude.toFixed(6);
      pinned();
    });
  } });
  const set = fieldset("ตำแหน่งบนแผนที่", "location",
    h("div", { className: "row" },
      field({ label: "ละติจูด", name: "latitude", control: latitude, hint: "เช่น 18.7883" }),
      field({ label: "ลองจิจูด", name: "longitude", control: longitude, hint: "เช่น 98.9853" })),
    h("div", { className: "check", dataset: { field: "location_is_approximate" } }, approximate, h("label", { htmlFor: approximate.id }, "ตำแหน่งนี้เป็นตำแหน่งโดยประมาณ")),
    h("p", {}, mapLink), here);
  set.read = () => ({ latitude: number(latitude.value), longitude: number(longitude.value), location_is_approximate: approximate.checked });
  return set;
}

export async function officeEditPage(container, { match }) {
  const code = match[0];
  const record = await get(`/api/offices/${encodeURIComponent(code)}`);
  const draft = await openDraft("office", code);
  const current = draft ? { ...record, ...draft.data } : record;
  const name = current.name_th || current.name || code;
  container.append(pageHeading(`แก้ไขข้อมูล ${name}`), h("p", { className: "lead" }, `รหัสสำนักงาน ${code}`));

  const phone = input({ type: "tel", inputmode: "tel", autocomplete: "off", value: current.phone || "" });
  const address = h("textarea", { rows: 3, value: current.address || "" });
  const holidays = h("input", { type: "checkbox", checked: current.closed_on_public_holidays !== false, id: newId("holidays") });
  const hours = hoursEditor(daysFromHours(current.hours));
  const officeOptions = h("datalist", { id: newId("offices") });
  const closures = closuresEditor(Array.isArray(current.closures) ? current.closures : [], officeOptions);
  fillOffices(officeOptions, current.province_code, code);
  const location = locationFieldset(current);
  const body = [
    hours,
    h("div", { className: "check", dataset: { field: "closed_on_public_holidays" } }, holidays, h("label", { htmlFor: holidays.id }, "ปิดทำการวันหยุดราชการ")),
    closures,
    fieldset("การติดต่อ", "contact",
      field({ label: "เบอร์โทรศัพท์", name: "phone", control: phone, hint: "เช่น 053 112 345 หรือ 02-123-4567 ต่อ 12 (หลายเบอร์คั่นด้วย ,)" }),
      field({ label: "ที่อยู่", name: "address", control: address })),
    location,
    sourceFieldset(current),
  ];
  const collect = (form) => {
    const { rows, errors } = hoursFromDays(hours.readDays());
    const where = location.read();
    if (Number.isNaN(where.latitude)) errors.latitude = "ละติจูดต้องเป็นตัวเลข เช่น 18.7883";
    if (Number.isNaN(where.longitude)) errors.longitude = "ลองจิจูดต้องเป็นตัวเลข เช่น 98.9853";
    if ((where.latitude === null) !== (where.longitude === null)) errors.longitude = "กรุณากรอกทั้งละติจูดและลองจิจูด";
    const data = {
      code,
      hours: rows,
      closed_on_public_holidays: holidays.checked,
      phone: optionalText(phone.value),
      address: optionalText(address.value),
      ...where,
      ...readSource(form),
    };
    data.closures = closures.readClosures();
    Object.assign(errors, validateClosures(data.closures));
    return { data, errors };
  };
  container.append(editForm({ kind: "office", record, draft, keyFields: ["code"], body, collect, readOnly: record.editable === false }));
}

async function fillOffices(datalist, province, own) {
  try {
    const data = await get(`/api/offices${query({ province, limit: 200 })}`);
    for (const office of data.items || []) {
      if (office.code !== own) datalist.append(h("option", { value: office.code }, office.name_th || office.name || office.code));
    }
  } catch {
    // The code can still be typed; the server checks that it exists.
  }
}

