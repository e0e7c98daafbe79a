// The console's analytics dashboard: every table comes from /api/dashboard/<view>
// and is drawn exactly as its CSV (/api/dashboard/<view>.csv) holds it; the
// server applies the signed-in officer's province, the page only shows it.
// Charts: Chart.js from npm (vendor/, built by scripts/build_dashboard.sh).

const VIEWS = [
  { name: "volume", chart: "line", label: "period", values: ["turns", "conversations"] },
  { name: "outcomes", chart: "doughnut", label: "outcome_name", values: ["turns"] },
  { name: "channels", chart: "bar", label: "channel_name", values: ["turns"] },
  { name: "provinces", chart: "bar", label: "province", values: ["turns"], top: 15 },
  { name: "services", chart: "bar", label: "service", values: ["turns"], top: 15 },
  { name: "intents", chart: "bar", label: "intent", values: ["turns"], top: 20 },
  { name: "containment" },
  { name: "satisfaction-services", chart: "bar", label: "service", values: ["satisfaction"] },
  { name: "satisfaction-provinces", chart: "bar", label: "province", values: ["satisfaction"], top: 15 },
  { name: "busiest-hours", chart: "hours" },
  { name: "latency", chart: "bar", label: "channel_name", values: ["p50_ms", "p95_ms", "p99_ms"] },
  { name: "models", chart: "bar", label: "model_version", values: ["answered_rate", "fallback_rate"] },
];
const COLOURS = ["#0b5cad", "#e07b00", "#2e8540", "#a40e26", "#6b4fa0", "#00838f", "#8d6e63"];
const WEEKDAYS = ["จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์"];

const state = { csrf: null, user: null, charts: new Map(), provinces: new Map() };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text, error = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", error);
}

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const error = new Error(body && body.message ? body.message : `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function bangkokToday() {
  // Thailand keeps UTC+7 all year.
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function daysBefore(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

function filterQuery() {
  const form = new FormData($("filters"));
  const params = new URLSearchParams();
  for (const [key, value] of form.entries()) if (value) params.set(key, value);
  if (state.user && state.user.role === "province_officer") params.set("province", state.user.province_code);
  return params;
}

function cellText(value) {
  return value === null || value === undefined ? "" : String(value);
}

function renderTable(table, columns, rows) {
  table.replaceChildren();
  const head = el("tr");
  for (const column of columns) head.append(el("th", { scope: "col", text: column.label }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const column of columns) {
      const value = row[column.key];
      tr.append(el("td", { class: typeof value === "number" ? "num" : "", text: cellText(value) }));
    }
    body.append(tr);
  }
  table.append(body);
}

function chartData(view, rows) {
  if (view.chart === "hours") {
    // Turns per hour of the day, one line per weekday.
    const labels = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`);
    const datasets = WEEKDAYS.map((day, weekday) => ({
      label: day,
      data: labels.map((_, hour) => {
        const cell = rows.find((r) => r.weekday === weekday && r.hour === hour);
        return cell ? cell.turns : 0;
      }),
      borderColor: COLOURS[weekday % COLOURS.length],
      backgroundColor: COLOURS[weekday % COLOURS.length],
    }));
    return { type: "line", labels, datasets };
  }
  const shown = view.top ? rows.slice(0, view.top) : rows;
  const labels = shown.map((r) => cellText(r[view.label]));
  const datasets = view.values.map((key, i) => ({
    label: key,
    data: shown.map((r) => r[key]),
    backgroundColor: view.chart === "doughnut" ? shown.map((_, j) => COLOURS[j % COLOURS.length]) : COLOURS[i],
    borderColor: COLOURS[i],
  }));
  return { type: view.chart, labels, datasets };
}

function drawChart(view, canvas, rows, columns) {
  const old = state.charts.get(view.name);
  if (old) old.destroy();
  if (!window.Chart || !view.chart) return;
  const { type, labels, datasets } = chartData(view, rows);
  const names = Object.fromEntries(columns.map((c) => [c.key, c.label]));
  for (const dataset of datasets) dataset.label = names[dataset.label] || dataset.label;
  const chart = new window.Chart(canvas, {
    type,
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: view.chart === "bar" && view.top ? "y" : "x",
      plugins: { legend: { display: datasets.length > 1 || type === "doughnut" } },
    },
  });
  state.charts.set(view.name, chart);
}

function panel(view) {
  const section = el("section", { class: "panel", id: `view-${view.name}`, "data-view": view.name });
  const title = el("h2", { text: "" });
  const csv = el("a", { class: "csv", download: `dashboard-${view.name}.csv`, text: "ดาวน์โหลด CSV" });
  section.append(el("div", { class: "panel-head" }, title, csv));
  if (view.chart) {
    const canvas = el("canvas", { role: "img" });
    section.append(el("div", { class: "chart" }, canvas));
  }
  section.append(el("div", { class: "table-wrap" }, el("table", {})));
  return section;
}

async function loadView(view, params) {
  const section = $(`view-${view.name}`);
  const query = params.toString();
  const result = await api(`/api/dashboard/${view.name}${query ? `?${query}` : ""}`);
  section.querySelector("h2").textContent = result.title;
  section.querySelector("a.csv").href = `/api/dashboard/${view.name}.csv${query ? `?${query}` : ""}`;
  const table = section.querySelector("table");
  renderTable(table, result.columns, result.rows);
  table.setAttribute("aria-label", result.title);
  const canvas = section.querySelector("canvas");
  if (canvas) {
    canvas.setAttribute("aria-label", `แผนภูมิ${result.title}`);
    drawChart(view, canvas, result.rows, result.columns);
  }
  return result;
}

function rememberProvinces(rows) {
  for (const row of rows) if (row.province_code) state.provinces.set(row.province_code, row.province);
  const select = $("filter-province");
  const chosen = select.value;
  const options = [...state.provinces.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  select.replaceChildren(el("option", { value: "", text: "ทุกจังหวัด" }));
  for (const [code, name] of options) select.append(el("option", { value: code, text: `${name} (${code})` }));
  select.value = chosen;
}

function setKpis(results) {
  const outcomes = results.get("outcomes").rows;
  const turns = outcomes.reduce((sum, r) => sum + r.turns, 0);
  const rate = (name) => {
    const row = outcomes.find((r) => r.outcome === name);
    return row && row.rate !== null ? `${row.rate}%` : "–";
  };
  $("kpi-turns").textContent = turns.toLocaleString("th-TH");
  $("kpi-answered").textContent = rate("answered");
  $("kpi-fallback").textContent = rate("fallback");
  const [containment] = results.get("containment").rows;
  $("kpi-containment").textContent =
    containment && containment.containment_rate !== null ? `${containment.containment_rate}%` : "–";
  const overall = results.get("latency").rows.find((r) => r.channel === null);
  $("kpi-p95").textContent = overall && overall.p95_ms !== null ? `${overall.p95_ms} มิลลิวินาที` : "–";
}

function groupItem(group, params) {
  const item = el("li", { "data-group": group.id });
  item.append(el("strong", { text: `${group.size} ข้อความ` }));
  item.append(el("span", { class: "meta", text: ` · ผู้รับผิดชอบ: ${group.owner}` }));
  const examples = el("ul", { class: "examples" });
  for (const text of group.examples) examples.append(el("li", { text }));
  item.append(examples);
  const where = group.provinces.map((p) => `${p.province} ${p.turns}`).join(", ");
  const trend = group.trend.map((w) => `${w.week}: ${w.turns}`).join(" · ");
  item.append(el("p", { class: "meta", text: `จังหวัด: ${where}` }));
  item.append(el("p", { class: "meta", text: `แนวโน้มรายสัปดาห์: ${trend}` }));
  const button = el("button", { type: "button", text: "ทำเป็นคำถามที่พบบ่อย" });
  if (!group.can_draft) {
    button.disabled = true;
    button.title = "บทบาทของคุณสร้างร่างให้ผู้รับผิดชอบกลุ่มนี้ไม่ได้";
  }
  button.addEventListener("click", () => makeFaq(group, params, button));
  item.append(button);
  return item;
}

async function makeFaq(group, params, button) {
  button.disabled = true;
  const status = $("draft-status");
  try {
    const query = params.toString();
    const draft = await api(
      `/api/dashboard/unanswered/${encodeURIComponent(group.id)}/faq-draft${query ? `?${query}` : ""}`,
      { method: "POST", headers: { "X-CSRF-Token": state.csrf } },
    );
    status.textContent = `สร้างฉบับร่างคำถามที่พบบ่อยหมายเลข ${draft.id} (${draft.key}) แล้ว เขียนคำตอบต่อได้ที่หน้าฉบับร่างของคอนโซล`;
    status.classList.remove("error");
  } catch (error) {
    status.textContent = error.message;
    status.classList.add("error");
    button.disabled = false;
  }
}

async function loadUnanswered(params) {
  const query = params.toString();
  const result = await api(`/api/dashboard/unanswered${query ? `?${query}` : ""}`);
  $("csv-unanswered").href = `/api/dashboard/unanswered.csv${query ? `?${query}` : ""}`;
  const list = $("groups");
  list.replaceChildren();
  if (!result.groups.length) list.append(el("li", { class: "empty", text: "ไม่มีคำถามที่ตอบไม่ได้ในช่วงนี้" }));
  for (const group of result.groups) list.append(groupItem(group, params));
  $("unanswered").hidden = false;
}

async function refresh() {
  const params = filterQuery();
  history.replaceState(null, "", `?${params.toString()}`);
  setStatus("กำลังโหลด…");
  document.body.dataset.loading = "true";
  try {
    const results = new Map();
    await Promise.all(VIEWS.map(async (view) => results.set(view.name, await loadView(view, params))));
    await loadUnanswered(params);
    rememberProvinces(results.get("provinces").rows);
    setKpis(results);
    $("kpis").hidden = false;
    setStatus(`แสดงข้อมูล ${params.get("from") || "ทั้งหมด"} ถึง ${params.get("to") || "ล่าสุด"}`);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    document.body.dataset.loading = "false";
  }
}

async function loadServices() {
  try {
    const services = await api("/api/services?limit=500");
    const select = $("filter-service");
    for (const service of services.items) {
      select.append(el("option", { value: service.code, text: service.name_th || service.code }));
    }
  } catch {
    // The service filter stays at "every service"; the figures still load.
  }
}

async function start() {
  let session;
  try {
    session = await api("/api/session");
  } catch (error) {
    setStatus(error.status === 401 ? "กรุณาเข้าสู่ระบบที่หน้าคอนโซลก่อน" : error.message, true);
    return;
  }
  state.csrf = session.csrf_token;
  state.user = session.user;
  const where = state.user.province_code ? ` จังหวัด ${state.user.province_code}` : " ทั้งประเทศ";
  $("who").textContent = `${state.user.username} · ${state.user.display_role}${where}`;
  const initial = new URLSearchParams(location.search);
  const today = bangkokToday();
  $("filter-from").value = initial.get("from") || daysBefore(today, 29);
  $("filter-to").value = initial.get("to") || today;
  $("filter-channel").value = initial.get("channel") || "";
  await loadServices();
  $("filter-service").value = initial.get("service") || "";
  const province = $("filter-province");
  if (state.user.role === "province_officer") {
    state.provinces.set(state.user.province_code, state.user.province_code);
    rememberProvinces([]);
    province.value = state.user.province_code;
    province.disabled = true;
  } else if (initial.get("province")) {
    state.provinces.set(initial.get("province"), initial.get("province"));
    rememberProvinces([]);
    province.value = initial.get("province");
  }
  // Canvas text needs the Thai font loaded before the first chart is drawn.
  if (window.Chart) window.Chart.defaults.font.family = '"Sarabun", sans-serif';
  await Promise.all([document.fonts.load('16px "Sarabun"', "ก"), document.fonts.load('600 16px "Sarabun"', "ก")]);
  const views = $("views");
  for (const view of VIEWS) views.append(panel(view));
  $("filters").hidden = false;
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  await refresh();
}

// Chart.js loads with `defer`, this module after it: both run before DOMContentLoaded.
start();
