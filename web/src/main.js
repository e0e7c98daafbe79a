import "@fontsource/sarabun/400.css";
import "@fontsource/sarabun/600.css";
import "./styles.css";

import { io } from "socket.io-client";

import { cardOf, textRepeatsCard } from "./cards.js";
import { LOCATION_MESSAGES, requestLocationPayload } from "./location.js";
import { quickRepliesOf, renderMessage, replyLabel } from "./messages.js";
import { clearConversation, loadConversation, saveConversation } from "./session.js";

// After this long without any reply the typing indicator gives way to a
// notice; the Rasa channel itself apologises well before (TURN_TIMEOUT_SECONDS).
const REPLY_WATCHDOG_MS = 30000;

const STATUS_TEXT = {
  connecting: "กำลังเชื่อมต่อ…",
  ready: "เชื่อมต่อแล้ว พิมพ์คำถามได้เลยค่ะ",
  offline: "ขาดการเชื่อมต่อ กำลังลองเชื่อมต่อใหม่…",
};
const NOT_CONNECTED = "ยังเชื่อมต่อกับระบบไม่ได้ค่ะ กรุณารอสักครู่แล้วส่งใหม่อีกครั้ง";
const NO_REPLY =
  "ยังไม่ได้รับคำตอบจากระบบค่ะ กรุณาลองส่งใหม่อีกครั้ง หรือโทรศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน 1111";
const LOCATION_SENT = "ส่งตำแหน่งที่ตั้งของฉัน";
const WELCOME = {
  from: "bot",
  text: "สวัสดีค่ะ ถามเรื่องงานบริการประชาชนได้เลยค่ะ เช่น เอกสารที่ต้องใช้ ค่าธรรมเนียม หรือสำนักงานใกล้บ้าน",
  quickReplies: [
    { title: "ต่อบัตรประชาชนใช้อะไรบ้าง", payload: "ต่อบัตรประชาชนใช้อะไรบ้าง" },
    { title: "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้าง", payload: "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้าง" },
  ],
};

const log = document.getElementById("log");
const typing = document.getElementById("typing");
const statusLine = document.getElementById("connection-status");
const form = document.getElementById("composer");
const input = document.getElementById("message-input");
const locationButton = document.getElementById("share-location");
const newChatButton = document.getElementById("new-chat");

let conversation = loadConversation();
let socket = null;
let ready = false;
let watchdog = null;
// DOM node of each rendered message, kept out of the stored objects.
const nodes = new WeakMap();

function setStatus(state) {
  statusLine.dataset.state = state;
  statusLine.textContent = STATUS_TEXT[state];
  document.body.dataset.connection = state;
}

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function showTyping(on) {
  typing.hidden = !on;
  clearTimeout(watchdog);
  if (on) {
    watchdog = setTimeout(() => {
      typing.hidden = true;
      addMessage({ from: "notice", text: NO_REPLY });
    }, REPLY_WATCHDOG_MS);
    scrollToEnd();
  }
}

function renderAll() {
  // Restored history is not news: screen readers should not read it all again.
  log.setAttribute("aria-busy", "true");
  const suggest = (_, index) => send(WELCOME.quickReplies[index].payload, WELCOME.quickReplies[index].title);
  log.replaceChildren(renderMessage({ ...WELCOME, chosen: null }, suggest));
  for (const message of conversation.messages) {
    if (message.hidden) continue;
    const node = renderMessage(message, choose);
    nodes.set(message, node);
    log.append(node);
  }
  scrollToEnd();
  requestAnimationFrame(() => log.removeAttribute("aria-busy"));
}

function addMessage(message) {
  conversation.messages.push(message);
  saveConversation(conversation);
  const node = renderMessage(message, choose);
  nodes.set(message, node);
  log.append(node);
  scrollToEnd();
  return node;
}

function choose(message, index) {
  if (message.chosen !== undefined && message.chosen !== null) return;
  const reply = message.quickReplies[index];
  message.chosen = index;
  saveConversation(conversation);
  // Re-render the group so the chosen answer stays visible but cannot be sent twice.
  const fresh = renderMessage(message, choose);
  const node = nodes.get(message);
  if (node && node.parentNode) node.replaceWith(fresh);
  nodes.set(message, fresh);
  send(reply.payload, replyLabel(reply));
  input.focus();
}

function send(payload, shownText) {
  if (!ready || !socket) {
    addMessage({ from: "notice", text: NOT_CONNECTED });
    return false;
  }
  addMessage({ from: "user", text: shownText });
  socket.emit("user_uttered", { message: payload, session_id: conversation.sessionId });
  showTyping(true);
  return true;
}

/** Messages of the current bot turn: everything after the citizen's last message. */
function currentTurn() {
  const turn = [];
  for (let i = conversation.messages.length - 1; i >= 0; i -= 1) {
    const message = conversation.messages[i];
    if (message.from === "user") break;
    turn.push(message);
  }
  return turn;
}

function receive(data) {
  if (!data || typeof data !== "object") return;
  showTyping(false);
  const card = cardOf(data);
  const quickReplies = quickRepliesOf(data);
  const text = typeof data.text === "string" ? data.text : "";
  if (card) {
    // A channel may deliver the answer's full text as its own bubble before the
    // card: hide that bubble rather than show the same answer twice.
    for (const earlier of currentTurn()) {
      if (earlier.from === "bot" && !earlier.card && !earlier.hidden && !(earlier.quickReplies || []).length && textRepeatsCard(earlier.text, card)) {
        earlier.hidden = true;
        const node = nodes.get(earlier);
        if (node) node.remove();
      }
    }
    addMessage({ from: "bot", text, card, quickReplies, chosen: null });
    return;
  }
  if (!text && !quickReplies.length) return;
  const previousCard = currentTurn().find((message) => message.card);
  if (previousCard && !quickReplies.length && textRepeatsCard(text, previousCard.card)) return;
  addMessage({ from: "bot", text, quickReplies, chosen: null });
}

function connect(config) {
  setStatus("connecting");
  socket = io(config.socket_url, {
    path: config.socket_path,
    // WebSocket first; long-polling if a proxy on the way blocks WebSockets.
    transports: ["websocket", "polling"],
    reconnectionDelayMax: 10000,
  });
  socket.on("connect", () => {
    ready = false;
    socket.emit("session_request", { session_id: conversation.sessionId });
  });
  socket.on("session_confirm", (sessionId) => {
    const id = typeof sessionId === "string" ? sessionId : sessionId && sessionId.session_id;
    if (id && id !== conversation.sessionId) {
      conversation.sessionId = id;
      saveConversation(conversation);
    }
    ready = true;
    setStatus("ready");
  });
  socket.on("bot_uttered", receive);
  socket.on("disconnect", () => {
    ready = false;
    setStatus("offline");
  });
  socket.on("connect_error", () => {
    ready = false;
    setStatus("offline");
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  if (send(text, text)) input.value = "";
});

locationButton.addEventListener("click", async () => {
  locationButton.disabled = true;
  locationButton.setAttribute("aria-busy", "true");
  try {
    const payload = await requestLocationPayload();
    send(payload, LOCATION_SENT);
  } catch (reason) {
    addMessage({ from: "notice", text: LOCATION_MESSAGES[reason] || LOCATION_MESSAGES.failed });
  } finally {
    locationButton.disabled = false;
    locationButton.removeAttribute("aria-busy");
    locationButton.focus();
  }
});

newChatButton.addEventListener("click", () => {
  clearConversation();
  conversation = { sessionId: null, messages: [] };
  showTyping(false);
  renderAll();
  if (socket) {
    // A new socket id joins only the new session's room.
    socket.disconnect();
    socket.connect();
  }
  input.focus();
});

async function start() {
  renderAll();
  setStatus("connecting");
  try {
    const response = await fetch("/api/config", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`config ${response.status}`);
    connect(await response.json());
  } catch {
    setStatus("offline");
  }
}

start();
