// The console page: session, menu and a hash router (#/offices/…): a reload or
// the browser's back button keeps the officer where they were.

import { ApiError, api, setCsrfToken, whenUnauthorized } from "./api.js";
import { announce, h } from "./ui.js";
import { signInPage } from "./pages/signin.js";
import { officeListPage, faqListPage, serviceListPage } from "./pages/lists.js";
import { officeEditPage } from "./pages/office.js";
import { faqEditPage, faqNewPage } from "./pages/faq.js";
import { serviceEditPage } from "./pages/service.js";
import { noteEditPage, noteListPage } from "./pages/notes.js";
import { draftPage, draftListPage } from "./pages/drafts.js";
import { auditPage } from "./pages/audit.js";
import { bulkPage } from "./pages/bulk.js";
import { trainingPage } from "./pages/training.js";
import { accountsPage } from "./pages/accounts.js";

const EDITORS = new Set(["admin", "content_editor"]);

const MENU = [
  { path: "#/offices", label: "สำนักงาน", roles: null },
  { path: "#/faqs", label: "คำถามที่พบบ่อย", roles: null },
  { path: "#/services", label: "บริการ", roles: null },
  { path: "#/service-notes", label: "หมายเหตุของจังหวัด", roles: ["admin", "content_editor", "province_officer"] },
  { path: "#/drafts", label: "ร่างและรออนุมัติ", roles: ["admin", "content_editor", "province_officer", "district_officer"] },
  { path: "#/audit", label: "ประวัติการแก้ไข", roles: null },
  { path: "#/bulk", label: "นำเข้า/ส่งออก CSV", roles: ["admin", "content_editor", "province_officer"] },
  { path: "#/training", label: "ฝึกผู้ช่วย", roles: [...EDITORS] },
  { path: "#/accounts", label: "บัญชีผู้ใช้", roles: ["admin"] },
  // The dashboard is its own page (dashboard/), with its charts.
  { path: "/dashboard/index.html", label: "สถิติการใช้งาน", roles: ["admin", "analyst", "content_editor", "province_officer"] },
];

const ROUTES = [
  [/^#\/offices\/(.+)$/, officeEditPage],
  [/^#\/offices$/, officeListPage],
  [/^#\/faqs\/new$/, faqNewPage],
  [/^#\/faqs\/(.+)$/, faqEditPage],
  [/^#\/faqs$/, faqListPage],
  [/^#\/services\/(.+)$/, serviceEditPage],
  [/^#\/services$/, serviceListPage],
  [/^#\/service-notes\/(.+)$/, noteEditPage],
  [/^#\/service-notes$/, noteListPage],
  [/^#\/drafts\/(\d+)$/, draftPage],
  [/^#\/drafts$/, draftListPage],
  [/^#\/audit$/, auditPage],
  [/^#\/bulk$/, bulkPage],
  [/^#\/training(?:\/(.+))?$/, trainingPage],
  [/^#\/accounts$/, accountsPage],
];

const state = { user: null };

export function currentUser() {
  return state.user;
}

function homePath(user) {
  return user.role === "content_editor" ? "#/faqs" : "#/offices";
}

function renderChrome() {
  const nav = document.getElementById("nav");
  const who = document.getElementById("who");
  const signOut = document.getElementById("sign-out");
  const user = state.user;
  nav.hidden = who.hidden = signOut.hidden = !user;
  nav.replaceChildren();
  if (!user) return;
  const where = user.office_code ? ` · สำนักงาน ${user.office_code}` : user.province_code ? ` · จังหวัดรหัส ${user.province_code}` : "";
  who.textContent = `${user.username} (${user.display_role || user.role}${where})`;
  const list = h("ul", {});
  for (const item of MENU) {
    if (item.roles && !item.roles.includes(user.role)) continue;
    list.append(h("li", {}, h("a", { href: item.path, className: "nav-link" }, item.label)));
  }
  nav.append(list);
  markCurrent();
}

function markCurrent() {
  const hash = window.location.hash || "";
  for (const link of document.querySelectorAll(".nav-link")) {
    const here = hash === link.getAttribute("href") || hash.startsWith(`${link.getAttribute("href")}/`);
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

export function signedIn(session) {
  setCsrfToken(session.csrf_token);
  state.user = session.user;
  renderChrome();
}

let renderCount = 0;

async function route() {
  const main = document.getElementById("main");
  const count = (renderCount += 1);
  // A message belongs to the page that said it; a new page starts without an old one
  // (one said just now, "draft saved" on the way to the draft, stays).
  const live = document.getElementById("live");
  if (Date.now() - Number(live.dataset.at || 0) > 1500) live.textContent = "";
  if (!state.user) {
    main.replaceChildren(signInPage(async (session) => {
      signedIn(session);
      if (!window.location.hash || window.location.hash === "#/signin") window.location.hash = homePath(session.user);
      else route();
    }));
    focusHeading(main);
    return;
  }
  const hash = window.location.hash || "";
  if (!hash || hash === "#/" || hash === "#/signin") {
    window.location.hash = homePath(state.user);
    return;
  }
  markCurrent();
  const [path] = hash.split("?");
  const params = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
  for (const [pattern, page] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    const container = h("div", { className: "page" });
    main.replaceChildren(container);
    try {
      await page(container, { user: state.user, params, match: match.slice(1).map((part) => part && decodeURIComponent(part)) });
    } catch (error) {
      if (count !== renderCount) return;
      container.append(h("p", { className: "error-box", role: "alert" }, error instanceof ApiError ? error.message : "เกิดข้อผิดพลาด กรุณาลองใหม่"));
    }
    if (count === renderCount) focusHeading(main);
    return;
  }
  main.replaceChildren(h("h1", { className: "page-title", tabindex: "-1" }, "ไม่พบหน้านี้"), h("p", {}, h("a", { href: homePath(state.user) }, "กลับหน้าแรก")));
  focusHeading(main);
}

function focusHeading(main) {
  const heading = main.querySelector("h1");
  (heading || main).focus();
  if (heading) document.title = `${heading.textContent} · ระบบจัดการข้อมูลผู้ช่วยตอบคำถาม`;
}

async function signOut() {
  try {
    await api("DELETE", "/api/session");
  } catch {
    // Signed out on the server or not: the page forgets the session either way.
  }
  state.user = null;
  setCsrfToken(null);
  renderChrome();
  announce("ออกจากระบบแล้ว");
  window.location.hash = "#/signin";
  route();
}

async function start() {
  whenUnauthorized(() => {
    if (!state.user) return;
    state.user = null;
    renderChrome();
    announce("หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง", "error");
    route();
  });
  document.getElementById("sign-out").addEventListener("click", signOut);
  // "#main" would be read as a route: move the focus without touching the address.
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    document.getElementById("main").focus();
  });
  window.addEventListener("hashchange", route);
  try {
    signedIn(await api("GET", "/api/session"));
  } catch {
    state.user = null;
  }
  route();
}

start();
