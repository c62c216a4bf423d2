// The specmock dashboard: plain JavaScript over the admin API (same origin), no build step.
"use strict";

const ADMIN = "/__specmock";
const POLL_MS = 1000;
const SHOWN = 200; // journal rows kept on the page

const state = { lastId: 0, entries: new Map(), selected: null, records: null, reloadAt: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function admin(path, options) {
  const response = await fetch(ADMIN + path, {
    headers: { Accept: "application/json", ...(options && options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  const text = await response.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch (_) { body = text; }
  }
  return { ok: response.ok, status: response.status, body };
}

function problemText(result) {
  const body = result.body;
  if (body && typeof body === "object") {
    const lines = [body.detail || body.title || `HTTP ${result.status}`];
    for (const item of body.errors || body.violations || []) {
      lines.push(typeof item === "string" ? item : JSON.stringify(item));
    }
    return lines.join("\n");
  }
  return `HTTP ${result.status}: ${body || ""}`;
}

// Settings and the last reload -------------------------------------------------------------

function showSettings(settings) {
  const list = document.getElementById("settings");
  list.replaceChildren();
  const items = [
    ["seed", settings.seed],
    ["records", settings.records],
    ["latency", settings.latency || "none"],
    ["chaos", settings.chaos ? `${Math.round(settings.chaos * 1000) / 10} %` : "off"],
    ["max delay", `${settings.max_delay_ms} ms`],
    ["watch", settings.watch ? "on" : "off"],
  ];
  for (const [name, value] of items) {
    list.append(el("div", { "data-setting": name }, el("dt", { text: name }), el("dd", { text: String(value) })));
  }
  const slow = Object.entries(settings.operations || {});
  if (slow.length) {
    list.append(el("div", { "data-setting": "x-specmock-latency", title: slow.map(([k, v]) => `${k}: ${v}`).join("\n") },
      el("dt", { text: "x-specmock-latency" }), el("dd", { text: `${slow.length} operation(s)` })));
  }
  list.append(el("div", { title: `${settings.prefer.delay}\n${settings.prefer.fault}` },
    el("dt", { text: "faults" }), el("dd", { text: "Prefer: " + (settings.faults || []).join(" | ") })));
  const banner = document.getElementById("reload");
  const reload = settings.reload;
  if (!reload) {
    banner.hidden = true;
    return;
  }
  banner.hidden = false;
  banner.className = reload.ok ? "reloaded" : "refused";
  const when = new Date(reload.at * 1000).toLocaleTimeString();
  banner.textContent = reload.ok
    ? `Reloaded at ${when}. ${reload.message}`
    : `Reload refused at ${when}: still serving the last good version.\n${reload.message}`;
  if (state.reloadAt !== null && state.reloadAt !== reload.at && reload.ok) loadApis();
  state.reloadAt = reload.at;
}

async function refreshSettings() {
  const result = await admin("/settings");
  if (result.ok) showSettings(result.body);
}

// APIs, operations and resources -----------------------------------------------------------

async function loadApis() {
  const index = await admin("/");
  const list = document.getElementById("api-list");
  if (!index.ok) {
    list.replaceChildren(el("p", { class: "error", text: problemText(index) }));
    return;
  }
  const cards = [];
  for (const mounted of index.body.apis) {
    const described = await admin(`/apis/${encodeURIComponent(mounted.name)}`);
    if (described.ok) cards.push(apiCard(described.body));
  }
  list.replaceChildren(...cards);
}

function apiCard(api) {
  const operations = el("table", { class: "operations" },
    el("thead", {}, el("tr", {}, ...["method", "path", "store", "summary"].map((h) => el("th", { text: h })))),
    el("tbody", {}, ...api.operations.map((op) => el("tr", { "data-operation": op.key },
      el("td", { class: "method", text: op.method }),
      el("td", { class: "path", text: op.path }),
      el("td", { text: op.role ? `${op.role} ${op.resource}` : "generated" }),
      el("td", {}, op.latency ? el("span", { class: "badge", title: "x-specmock-latency", text: `+${op.latency}` }) : null,
        ` ${op.summary || op.key}`),
    ))));
  const resources = api.resources.map((resource) => el("div", { class: "resource" },
    el("button", {
      type: "button",
      "data-resource": `${api.name}/${resource.name}`,
      onclick: () => showRecords(api.name, resource.name),
      text: "Records",
    }),
    el("span", { title: resource.summary },
      el("b", { text: resource.name }), ` ${resource.kind} at `, el("code", { text: resource.item_path || resource.path })),
  ));
  return el("div", { class: "api", "data-api": api.name },
    el("h3", { text: `${api.title} ` }, el("span", { class: "muted", text: `${api.version} · ${api.base_path}` })),
    el("div", { class: "links" },
      el("a", { href: api.swagger_ui, target: "_blank", text: "Swagger UI" }),
      el("a", { href: api.openapi, target: "_blank", text: "openapi.json" }),
      el("span", { class: "muted", text: api.file })),
    el("details", { open: api.operations.length <= 12 },
      el("summary", { text: `${api.operations.length} operations` }), operations),
    el("div", { class: "resources" },
      el("h3", { text: `${api.resources.length} inferred resources` }), ...resources),
  );
}

// The journal, live ------------------------------------------------------------------------

async function pollJournal() {
  try {
    const result = await admin(`/journal?after=${state.lastId}`);
    if (result.ok) {
      for (const entry of result.body) addEntry(entry);
      document.getElementById("journal-state").textContent = "live";
    }
  } catch (_) {
    document.getElementById("journal-state").textContent = "server unreachable";
  }
  setTimeout(pollJournal, POLL_MS);
}

function injectedText(injected) {
  if (!injected) return "";
  const parts = [];
  if (injected.fault) parts.push(injected.fault === "chaos" ? "chaos" : `fault=${injected.fault}`);
  if (injected.delay_ms) parts.push(`+${injected.delay_ms} ms`);
  return `${parts.join(" ")} (${injected.source})`;
}

function addEntry(entry) {
  state.lastId = Math.max(state.lastId, entry.id);
  state.entries.set(entry.id, entry);
  const rows = document.getElementById("journal-rows");
  const status = entry.status === 0 ? "no answer" : String(entry.status);
  const row = el("tr", {
    "data-id": entry.id,
    "data-path": entry.path,
    "data-status": entry.status,
    onclick: () => showEntry(entry.id),
  },
  el("td", { text: String(entry.id) }),
  el("td", { text: new Date(entry.at * 1000).toLocaleTimeString() }),
  el("td", { class: "method", text: entry.method }),
  el("td", { class: "path", text: entry.path }),
  el("td", { class: `code status-${String(entry.status)[0]}`, text: status },
    entry.violations.length ? el("span", { class: "badge", text: `${entry.violations.length} violation(s)` }) : null),
  el("td", { text: entry.operation || "—" }),
  el("td", {}, entry.injected ? el("span", { class: "badge", text: injectedText(entry.injected) }) : null),
  );
  rows.prepend(row);
  while (rows.children.length > SHOWN) {
    const last = rows.lastElementChild;
    state.entries.delete(Number(last.dataset.id));
    last.remove();
  }
}

function showEntry(id) {
  const entry = state.entries.get(id);
  if (!entry) return;
  state.selected = id;
  for (const row of document.querySelectorAll("#journal-rows tr")) {
    row.classList.toggle("selected", Number(row.dataset.id) === id);
  }
  const detail = document.getElementById("journal-detail");
  detail.hidden = false;
  const heading = entry.status === 0
    ? "No answer was sent (injected fault)."
    : entry.violations.length === 0
      ? `Answered ${entry.status}; nothing was wrong.`
      : entry.status >= 400
        ? `Answered ${entry.status}: the request breaks the spec.`
        : `Answered ${entry.status}, but the answer breaks the spec (a bug in the document or in specmock).`;
  const violations = entry.violations.map((text) => {
    const cut = text.indexOf(": ");
    const where = cut > 0 ? text.slice(0, cut) : "";
    const what = cut > 0 ? text.slice(cut + 2) : text;
    return el("li", { class: "violation" }, where ? el("span", { class: "where", text: where }) : null,
      where ? " — " : "", el("span", { class: "what", text: what }));
  });
  const copy = el("button", { type: "button", text: "Copy curl", onclick: async () => {
    try { await navigator.clipboard.writeText(entry.curl); copy.textContent = "Copied"; } catch (_) { copy.textContent = "Select and copy"; }
  } });
  detail.replaceChildren(
    el("h3", { text: `#${entry.id} ${entry.method} ${entry.path}` }),
    el("p", { class: "summary", text: heading + (entry.operation ? ` Operation ${entry.operation}.` : "") }),
    entry.injected ? el("p", {}, el("span", { class: "badge", text: injectedText(entry.injected) })) : null,
    violations.length ? el("ul", { class: "violations" }, ...violations) : null,
    el("p", { class: "muted", text: "Send it again:" }),
    el("pre", { class: "curl", text: entry.curl }),
    copy,
  );
}

// Records: browse, edit (through the admin API, which validates) ----------------------------

async function showRecords(apiName, resource) {
  const section = document.getElementById("records");
  section.hidden = false;
  document.getElementById("records-title").textContent = `${apiName} / ${resource}`;
  setMessage("", "");
  const result = await admin(`/apis/${encodeURIComponent(apiName)}/state/${encodeURIComponent(resource)}`);
  if (!result.ok) {
    setMessage(problemText(result), "error");
    return;
  }
  state.records = { api: apiName, resource, items: result.body };
  renderRecords();
  section.scrollIntoView({ block: "nearest" });
}

function setMessage(text, kind) {
  const message = document.getElementById("records-message");
  message.textContent = text;
  message.className = kind;
}

function renderRecords() {
  const { items } = state.records;
  document.getElementById("records-count").textContent = `${items.length} stored`;
  const list = document.getElementById("record-list");
  list.replaceChildren(...items.map((item, index) => recordView(item, index)));
}

function recordView(item, index) {
  const view = el("div", { class: "record", "data-index": index });
  const show = () => {
    const compact = JSON.stringify(item);
    view.replaceChildren(
      el("code", { class: "compact", title: JSON.stringify(item, null, 2), text: compact.length > 240 ? compact.slice(0, 240) + "…" : compact }),
      el("div", { class: "buttons" },
        el("button", { type: "button", class: "edit", text: "Edit", onclick: edit }),
        el("button", { type: "button", class: "delete", text: "Delete", onclick: remove })),
    );
  };
  const edit = () => {
    const editor = el("textarea", { class: "record-editor", spellcheck: "false" });
    editor.value = JSON.stringify(item, null, 2);
    view.replaceChildren(editor, el("div", { class: "buttons" },
      el("button", { type: "button", class: "save", text: "Save", onclick: () => save(index, editor.value) }),
      el("button", { type: "button", class: "cancel", text: "Cancel", onclick: show })));
    editor.focus();
  };
  const remove = () => store(state.records.items.filter((_, i) => i !== index), `record ${index + 1} deleted`);
  show();
  return view;
}

async function save(index, text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    setMessage(`Not saved: the record is not JSON (${error.message}).`, "error");
    return;
  }
  const items = state.records.items.slice();
  items[index] = value;
  await store(items, `record ${index + 1} saved`);
}

async function store(items, done) {
  const { api, resource } = state.records;
  const path = `/apis/${encodeURIComponent(api)}/state/${encodeURIComponent(resource)}`;
  const result = await admin(path, { method: "PUT", body: JSON.stringify(items) });
  if (!result.ok) {
    setMessage(`Not saved: ${problemText(result)}`, "error");
    return;
  }
  const fresh = await admin(path);
  state.records.items = fresh.ok ? fresh.body : items;
  renderRecords();
  setMessage(`Saved: ${done}; the API serves it now.`, "ok");
}

// Actions ------------------------------------------------------------------------------------

document.getElementById("reset").addEventListener("click", async () => {
  const result = await admin("/reset", { method: "POST" });
  if (result.ok) {
    document.getElementById("journal-rows").replaceChildren();
    document.getElementById("journal-detail").hidden = true;
    state.entries.clear();
    if (state.records) await showRecords(state.records.api, state.records.resource);
  }
});

document.getElementById("clear-journal").addEventListener("click", async () => {
  const result = await admin("/journal", { method: "DELETE" });
  if (result.ok) {
    document.getElementById("journal-rows").replaceChildren();
    document.getElementById("journal-detail").hidden = true;
    state.entries.clear();
  }
});

loadApis();
refreshSettings();
setInterval(refreshSettings, 2 * POLL_MS);
pollJournal();
