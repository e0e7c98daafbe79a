// The console's JSON API (CONSOLE_API.md): one fetch wrapper that sends the
// CSRF token on every state-changing request and turns error bodies into ApiError.

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

const STATUS_MESSAGES = {
  400: "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบช่องที่มีข้อความแจ้ง",
  401: "กรุณาเข้าสู่ระบบอีกครั้ง",
  403: "คุณไม่มีสิทธิ์ทำรายการนี้",
  404: "ไม่พบข้อมูลที่ต้องการ",
  409: "มีผู้อื่นเผยแพร่ข้อมูลนี้ฉบับใหม่กว่าแล้ว กรุณาโหลดข้อมูลล่าสุดก่อนแก้ไข",
  413: "ไฟล์มีขนาดใหญ่เกินไป",
  429: "ลองหลายครั้งเกินไป กรุณารอสักครู่แล้วลองใหม่",
};
const NETWORK_MESSAGE = "เชื่อมต่อระบบไม่ได้ กรุณาตรวจสอบอินเทอร์เน็ตแล้วลองใหม่";

export class ApiError extends Error {
  constructor(status, body) {
    const data = body && typeof body === "object" ? body : {};
    super(data.message || STATUS_MESSAGES[status] || `เกิดข้อผิดพลาด (รหัส ${status})`);
    this.status = status;
    this.code = data.error || null;
    this.fields = data.fields && typeof data.fields === "object" ? data.fields : {};
    this.body = data;
  }
}

const SAFE = new Set(["GET", "HEAD"]);
let onUnauthorized = null;

/** Called when a request other than signing in gets 401 (the session expired). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * One request. `body` is sent as JSON unless `options.text` is given (CSV uploads).
 * Resolves to the parsed JSON (or text for text responses, null for 204).
 */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: "application/json" };
  if (!SAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let payload;
  if (options.text !== undefined) {
    headers["Content-Type"] = options.contentType || "text/csv; charset=utf-8";
    payload = options.text;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { message: NETWORK_MESSAGE });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && path !== "/api/session" && onUnauthorized) onUnauthorized(error);
    throw error;
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

/** A query string from the non-empty values of `params` ("" when none). */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
