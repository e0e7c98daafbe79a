// Retraining the assistant (needed for new FAQs and question variants) and its progress.

import { ApiError, get, post } from "../api.js";
import { announce, errorBox, h, pageHeading } from "../ui.js";

const STATUS = {
  queued: "รอคิว",
  validating: "กำลังตรวจข้อมูลฝึก",
  training: "กำลังฝึกผู้ช่วย",
  evaluating: "กำลังวัดความแม่นยำ",
  published: "ใช้งานผู้ช่วยรุ่นใหม่แล้ว",
  rejected: "ไม่ใช้รุ่นใหม่ (ความแม่นยำไม่ผ่านเกณฑ์)",
  failed: "ล้มเหลว",
};
const DONE = new Set(["published", "rejected", "failed"]);
const POLL_MS = 3000;

// The figures an editor needs to see why a model was or was not used; hashes and ids are not for them.
const METRICS = [
  ["intent_accuracy", "ความแม่นยำของรุ่นใหม่ (เข้าใจคำถามถูก)", "percent"],
  ["current_intent_accuracy", "ความแม่นยำของรุ่นที่ใช้อยู่", "percent"],
  ["floor", "เกณฑ์ขั้นต่ำ", "percent"],
  ["intent_macro_f1", "ค่า F1 เฉลี่ยของทุกคำถาม", "percent"],
  ["entity_f1", "ค่า F1 ของข้อมูลที่ดึงจากข้อความ", "percent"],
  ["examples", "จำนวนประโยคทดสอบ", "count"],
  ["train_seconds", "เวลาที่ใช้ฝึก (วินาที)", "count"],
];

function metricText(value, format) {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number") return String(value);
  return format === "percent" ? `${(value * 100).toFixed(1)}%` : value.toLocaleString("th-TH");
}

function metricsList(metrics) {
  const rows = METRICS.filter(([name]) => metrics && name in metrics);
  if (!rows.length) return null;
  return h("dl", { className: "metrics" }, rows.map(([name, label, format]) =>
    h("div", {}, h("dt", {}, label), h("dd", {}, metricText(metrics[name], format)))));
}

function statusView(job) {
  const progress = Math.max(0, Math.min(1, Number(job.progress) || 0));
  return h("div", { className: "training-status" },
    h("p", {}, h("strong", {}, "สถานะ: "), STATUS[job.status] || job.status),
    h("progress", { max: 100, value: Math.round(progress * 100), "aria-label": "ความคืบหน้าการฝึก" }, `${Math.round(progress * 100)}%`),
    job.message ? h("p", { className: job.status === "rejected" || job.status === "failed" ? "error-box" : "" }, job.message) : null,
    metricsList(job.metrics));
}

export async function trainingPage(container, { match }) {
  const jobId = match[0];
  const status = h("div", { role: "status", "aria-live": "polite" });
  const start = h("button", { type: "button", className: "button primary" }, "เริ่มฝึกผู้ช่วยด้วยข้อมูลที่เผยแพร่แล้ว");
  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      const job = await post("/api/training", {});
      announce("เริ่มฝึกผู้ช่วยแล้ว", "ok");
      window.location.hash = `#/training/${job.id}`;
    } catch (error) {
      status.replaceChildren(errorBox(error instanceof ApiError ? error : String(error)));
      start.disabled = false;
    }
  });
  container.append(pageHeading("ฝึกผู้ช่วย"),
    h("p", { className: "lead" }, "คำถามใหม่และคำถามแบบใหม่ต้องฝึกผู้ช่วยก่อนจึงจะเข้าใจ การฝึกใช้เวลาหลายนาที ระบบจะตรวจความแม่นยำ และใช้รุ่นใหม่เฉพาะเมื่อดีกว่าหรือเท่ากับรุ่นเดิม"),
    start, status);
  if (!jobId) return;
  start.hidden = true;
  let lastStatus = null;
  const poll = async () => {
    if (!container.isConnected) return;
    try {
      const job = await get(`/api/training/${encodeURIComponent(jobId)}`);
      status.replaceChildren(statusView(job));
      if (job.status !== lastStatus) {
        lastStatus = job.status;
        announce(STATUS[job.status] || job.status);
      }
      if (DONE.has(job.status)) {
        start.hidden = false;
        start.disabled = false;
        return;
      }
    } catch (error) {
      status.replaceChildren(errorBox(error));
      return;
    }
    window.setTimeout(poll, POLL_MS);
  };
  await poll();
}
