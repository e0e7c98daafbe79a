// Conversation state kept in sessionStorage: it survives a reload, and is gone
// when the tab closes, so a shared computer (library, internet shop, district
// office kiosk) does not show one citizen's questions to the next.

const KEY = "thai-assistant.conversation.v1";
const MAX_MESSAGES = 200;

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the chat still works, without history
  }
}

function empty() {
  return { sessionId: null, messages: [] };
}

export function loadConversation() {
  const store = storage();
  if (!store) return empty();
  try {
    const parsed = JSON.parse(store.getItem(KEY) || "null");
    if (!parsed || !Array.isArray(parsed.messages)) return empty();
    return {
      sessionId: typeof parsed.sessionId === "string" ? parsed.sessionId : null,
      messages: parsed.messages,
    };
  } catch {
    return empty();
  }
}

export function saveConversation(conversation) {
  const store = storage();
  if (!store) return;
  const messages = conversation.messages.slice(-MAX_MESSAGES);
  try {
    store.setItem(KEY, JSON.stringify({ sessionId: conversation.sessionId, messages }));
  } catch {
    // Quota exceeded: keep chatting, the history is a convenience.
  }
}

export function clearConversation() {
  const store = storage();
  if (store) store.removeItem(KEY);
}
