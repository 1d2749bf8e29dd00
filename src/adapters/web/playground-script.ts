/**
 * The playground page's script, as text for the page (plain browser JavaScript). Cards are drawn
 * twice: by Microsoft's Adaptive Cards renderer (served from node_modules) with a Teams-like host
 * config, and as Slack draws Block Kit. Presses and form submissions go back to the core as Teams
 * and Slack would send them; failures are said in words in the chat.
 */
export const PLAYGROUND_SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...children) => { const e = document.createElement(tag); const a = Object.assign({}, attrs || {}); if (a.dataset) { Object.assign(e.dataset, a.dataset); delete a.dataset; } if (a.role) { e.setAttribute("role", a.role); delete a.role; } Object.assign(e, a); for (const c of children) if (c != null) e.append(c); return e; };
const params = new URLSearchParams(location.search);
let who = params.get("who") || S.defaultWho;
let state = null;

// Teams' look: Segoe UI, its font sizes and colours, buttons in a row, forms opening inline.
const HOST = new AdaptiveCards.HostConfig({
  fontFamily: "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#E0E0E0" },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: { backgroundColor: "#FFFFFF", foregroundColors: {
      default: { default: "#242424", subtle: "#616161" }, accent: { default: "#5B5FC7", subtle: "#444791" },
      attention: { default: "#C4314B", subtle: "#A72037" }, good: { default: "#237B4B", subtle: "#0E700E" },
      warning: { default: "#835C00", subtle: "#8A5A00" }, dark: { default: "#242424", subtle: "#424242" }, light: { default: "#FFFFFF", subtle: "#F5F5F5" } } },
    emphasis: { backgroundColor: "#F5F5F5", foregroundColors: { default: { default: "#242424", subtle: "#616161" } } },
  },
  actions: { maxActions: 8, spacing: "default", buttonSpacing: 8, showCard: { actionMode: "inline", inlineTopMargin: 12, style: "emphasis" }, actionsOrientation: "horizontal", actionAlignment: "left" },
  factSet: { title: { weight: "bolder", size: "default", wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 8 },
});

// Adaptive Cards renderers before 1.3 do not draw an input's label: put it above the input as Teams shows it.
const LABELS = (() => { try { return "label" in new AdaptiveCards.TextInput(); } catch (e) { return true; } })();
function forRenderer(json) {
  if (LABELS) return json;
  const copy = JSON.parse(JSON.stringify(json));
  const walk = (node) => {
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const x = node[i]; walk(x);
        if (x && typeof x === "object" && typeof x.type === "string" && x.type.indexOf("Input.") === 0 && x.label) node.splice(i, 0, { type: "TextBlock", text: x.label, wrap: true, weight: "Bolder", spacing: "Small" });
      }
    } else if (node && typeof node === "object") for (const k of Object.keys(node)) walk(node[k]);
  };
  walk(copy);
  return copy;
}

const esc = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
// Markdown as Teams reads it in a TextBlock: bold, italics, bullet lists, paragraphs.
function markdown(text) {
  return esc(text).split(/\n{2,}/).map((para) => {
    const lines = para.split("\n");
    if (lines.every((l) => /^\s*[-*] /.test(l))) return "<ul>" + lines.map((l) => "<li>" + inline(l.replace(/^\s*[-*] /, "")) + "</li>").join("") + "</ul>";
    return "<p>" + lines.map(inline).join("<br>") + "</p>";
  }).join("");
}
function inline(t) { return t.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|\s)_([^_]+)_(?=\s|$|[.,;:])/g, "$1<em>$2</em>"); }
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => { result.outputHtml = markdown(text); result.didProcess = true; };

function renderTeams(view, press) {
  const holder = el("div", { className: "teams-card" });
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = HOST;
  card.onExecuteAction = (action) => {
    const type = action.getJsonTypeName ? action.getJsonTypeName() : "";
    if (type === "Action.ShowCard" || type === "Action.OpenUrl" || type === "Action.ToggleVisibility") return;
    const data = action.data;
    if (!data || typeof data !== "object") return;
    // Sent once: the card is disabled until Chaser's answer redraws it.
    if (holder.classList.contains("sending")) return;
    holder.classList.add("sending");
    for (const e of holder.querySelectorAll("button, input, select, textarea")) e.disabled = true;
    press(data, {});
  };
  try {
    card.parse(forRenderer(view.adaptive));
    holder.append(card.render());
  } catch (e) {
    holder.append(el("p", { className: "problem", textContent: S.renderFailed + " " + e.message }));
  }
  return holder;
}

// Slack's mrkdwn as Slack shows it. The text arrives escaped (&amp; &lt; &gt;), so no tag in it is real.
const EMOJI = { warning: "⚠️", white_check_mark: "✅", red_circle: "🔴", large_orange_circle: "🟠", large_green_circle: "🟢", white_circle: "⚪" };
function mrkdwn(text) {
  return String(text).replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/&amp;lt;/g, "&lt;")
    .replace(/` + "`" + String.raw`([^` + "`" + String.raw`]+)` + "`" + String.raw`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/:([a-z_]+):/g, (m, name) => EMOJI[name] || m)
    .replace(/\n/g, "<br>");
}
function slackText(obj) { const span = el("span"); if (obj.type === "mrkdwn") span.innerHTML = mrkdwn(obj.text); else span.textContent = obj.text; return span; }

function renderSlack(view, press) {
  const body = el("div", { className: "sk-body" });
  for (const block of view.slack.blocks) {
    if (block.type === "header") body.append(el("div", { className: "sk-header" }, slackText(block.text)));
    else if (block.type === "section") {
      const section = el("div", { className: "sk-section" });
      if (block.text) section.append(el("div", {}, slackText(block.text)));
      if (block.fields && block.fields.length) section.append(el("div", { className: "sk-fields" }, ...block.fields.map((f) => el("div", {}, slackText(f)))));
      body.append(section);
    } else if (block.type === "context") body.append(el("div", { className: "sk-context" }, ...block.elements.map(slackText)));
    else if (block.type === "divider") body.append(el("hr", { className: "sk-divider" }));
    else if (block.type === "image") body.append(el("div", { className: "sk-context" }, "🖼 " + (block.alt_text || "")));
    else if (block.type === "actions") {
      body.append(el("div", { className: "sk-actions" }, ...block.elements.map((b) => el("button", {
        className: "sk-button " + (b.style || ""), textContent: b.text.text, type: "button", dataset: { actionId: b.action_id },
        onclick: (e) => {
          const modal = view.modals[b.action_id];
          if (modal) return openModal(modal, press);
          e.target.disabled = true;
          press(JSON.parse(b.value), {});
        },
      }))));
    }
  }
  return body;
}

// A Slack modal: one at a time, as Slack opens them; submitting sends once.
function openModal(modal, press) {
  closeModal();
  const form = el("form", { className: "sk-modal", id: "sk-modal" });
  form.setAttribute("role", "dialog");
  form.append(el("div", { className: "sk-modal-title", textContent: modal.title.text }));
  for (const block of modal.blocks) {
    if (block.type === "input") {
      const e = block.element;
      let input;
      if (e.type === "static_select") {
        input = el("select", { name: block.block_id });
        for (const o of e.options) input.append(el("option", { value: o.value, textContent: o.text.text }));
        if (e.initial_option) input.value = e.initial_option.value;
      } else if (e.type === "datepicker") input = el("input", { type: "date", name: block.block_id, value: e.initial_date || "" });
      else input = el(e.multiline ? "textarea" : "input", { name: block.block_id, maxLength: e.max_length || 3000 });
      input.required = !block.optional;
      form.append(el("label", { className: "sk-label" }, el("span", { textContent: block.label.text + (block.optional ? "" : " *") }), input));
    } else if (block.type === "section") form.append(el("div", { className: "sk-section" }, slackText(block.text)));
  }
  const buttons = el("div", { className: "sk-modal-buttons" }, el("button", { type: "button", className: "sk-button", textContent: modal.close.text, onclick: closeModal }));
  if (modal.submit) buttons.append(el("button", { className: "sk-button primary", textContent: modal.submit.text }));
  form.append(buttons);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector("button.primary");
    if (submit.disabled) return;
    submit.disabled = true;
    const values = {};
    for (const [k, v] of new FormData(form)) values[k] = String(v);
    await press(JSON.parse(modal.private_metadata), values);
    closeModal();
  };
  document.body.append(el("div", { className: "sk-overlay", id: "sk-overlay" }, form));
  const first = form.querySelector("select, input, textarea");
  if (first) first.focus();
}
function closeModal() { const o = $("sk-overlay"); if (o) o.remove(); }

const time = (iso) => new Date(iso).toLocaleTimeString(S.lang, { hour: "2-digit", minute: "2-digit" }) + " · " + new Date(iso).toLocaleDateString(S.lang, { weekday: "short", day: "numeric", month: "short" });
function drawMessage(m, press) {
  if (m.from === "person") return el("div", { className: "msg person" }, el("div", { className: "meta", textContent: (m.author || S.you) + " · " + time(m.at) }), el("div", { textContent: m.text }));
  const meta = el("div", { className: "meta", textContent: S.chaser + " · " + time(m.at) + (m.updatedAt ? " · " + S.updated : "") });
  if (!m.adaptive) return el("div", { className: "msg chaser" }, meta, el("div", { textContent: m.text || "" }));
  const teams = el("section", { className: "way teams" }, el("h4", { textContent: S.teams }), renderTeams(m, press));
  const slack = el("section", { className: "way slack" }, el("h4", { textContent: S.slack }),
    el("div", { className: "sk-message" }, el("div", { className: "sk-avatar", textContent: "C" }),
      el("div", {}, el("div", { className: "sk-name" }, el("b", { textContent: "Chaser" }), el("span", { className: "sk-app", textContent: S.app }), el("span", { className: "sk-time", textContent: time(m.updatedAt || m.at) })), renderSlack(m, press))));
  const json = el("details", { className: "json" }, el("summary", { textContent: S.json }),
    el("div", { className: "ways" }, el("div", {}, el("h5", { textContent: S.json_teams }), el("pre", { textContent: JSON.stringify(m.adaptive, null, 2) })),
      el("div", {}, el("h5", { textContent: S.json_slack }), el("pre", { textContent: JSON.stringify(m.slack, null, 2) }))));
  const download = m.download ? el("p", { className: "download" }, el("a", { href: m.download.href, download: m.download.name, textContent: m.download.label })) : null;
  return el("div", { className: "msg chaser", dataset: { id: m.id } }, meta, el("div", { className: "ways" }, teams, slack), download, json);
}

function drawLog(box, messages, press, empty) {
  box.textContent = "";
  if (!messages.length && empty) box.append(el("p", { className: "empty", textContent: empty }));
  for (const m of messages) box.append(drawMessage(m, press));
  box.scrollTop = box.scrollHeight;
}
// Errors are said in the conversation, in words, where the person is looking.
function problem(box, text) { box.append(el("div", { className: "msg problem", role: "alert", textContent: text })); box.scrollTop = box.scrollHeight; }

async function api(path, body) {
  let res;
  try {
    res = await fetch(path, body === undefined ? { headers: { "x-chaser-language": S.lang } } : { method: "POST", headers: { "content-type": "application/json", "x-chaser-language": S.lang }, body: JSON.stringify(body) });
  } catch (e) {
    return { ok: false, message: S.offline };
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) return { ok: false, message: data.message || S.internal };
  return { ok: true, data };
}

const chatPath = (verb) => "/api/chat/" + encodeURIComponent(who) + verb;
async function call(verb, body) {
  const r = await api(chatPath(verb), body === undefined ? undefined : Object.assign({ locale: S.lang }, body));
  if (!r.ok) { problem($("log"), r.message); return false; }
  drawLog($("log"), r.data.messages, press);
  return true;
}
function press(answer, inputs) { return call("/press", { answer, inputs: inputs || {} }); }
function pressInChannel(answer, inputs) { return call("/press", { answer, inputs: inputs || {} }).then(refreshChannel); }

async function refreshChannel() {
  if (!$("channel-log")) return;
  const r = await api("/api/channel?lang=" + S.lang);
  if (!r.ok) return problem($("channel-log"), r.message);
  drawLog($("channel-log"), r.data.messages, pressInChannel, S.channel_empty);
}

function drawState(s) {
  state = s;
  if (s.sample) {
    $("sample").hidden = false;
    $("sample-text").textContent = s.sample.text;
    $("sample-counts").textContent = s.sample.counts;
  }
  $("clock").hidden = !s.clock;
  $("channel").hidden = !s.clock;
  $("clock-now").textContent = s.nowText;
  if (s.channelLocale) $("channel-lang").value = s.channelLocale;
  $("clock-next").textContent = s.nextText;
  const select = $("who");
  select.textContent = "";
  const names = s.people.map((p) => p.name);
  for (const p of s.people) select.append(el("option", { value: p.name, textContent: p.label }));
  if (!names.includes(who)) select.append(el("option", { value: who, textContent: who }));
  select.append(el("option", { value: "", textContent: S.other }));
  select.value = who;
}

async function clock(step) {
  const buttons = document.querySelectorAll("#clock button");
  for (const b of buttons) b.disabled = true;
  $("clock-status").textContent = S.working;
  const r = await api(step === "reset" ? "/api/sample/reset?lang=" + S.lang : "/api/clock?lang=" + S.lang, step === "reset" ? {} : { step });
  for (const b of buttons) b.disabled = false;
  if (!r.ok) { $("clock-status").textContent = ""; return problem($("log"), r.message); }
  $("clock-status").textContent = step === "reset" ? S.reset_done : "";
  drawState(r.data);
  await call("");
  await refreshChannel();
}

function talkAs(name, locale) {
  who = name;
  // The page speaks the person's language, as their own Teams or Slack would.
  if (locale && locale !== S.lang) { location.search = "?who=" + encodeURIComponent(name) + "&lang=" + locale; return; }
  history.replaceState(null, "", "?who=" + encodeURIComponent(name) + "&lang=" + S.lang);
  call("");
}
$("who").onchange = () => {
  const name = $("who").value;
  $("other").hidden = name !== "";
  if (!name) return $("other-name").focus();
  const p = state && state.people.find((x) => x.name === name);
  talkAs(name, p ? p.locale : null);
};
$("other").onsubmit = (e) => { e.preventDefault(); const name = $("other-name").value.trim(); if (!name) return; $("other").hidden = true; if (state) drawState(Object.assign({}, state)); talkAs(name, null); };
$("lang").onchange = async () => {
  const lang = $("lang").value;
  // The person's language, passed with their next event as Teams passes its locale.
  const r = await api(chatPath("/hello"), { locale: lang });
  if (!r.ok) return problem($("log"), r.message);
  location.search = "?who=" + encodeURIComponent(who) + "&lang=" + lang;
};
$("clock-prompt").onclick = () => clock("prompt");
$("clock-digest").onclick = () => clock("digest");
$("clock-week").onclick = () => clock("week");
$("reset").onclick = () => clock("reset");
$("say").onsubmit = (e) => {
  e.preventDefault();
  const text = $("text").value; $("text").value = "";
  const file = $("attach").files[0];
  if (!file) return call("/say", { text });
  $("attach").value = "";
  sendFile(file, text);
};
// A file sent in the chat (evidence, or an admin's plan), with the words typed beside it, as Teams and Slack send one.
async function sendFile(file, text) {
  let res;
  const query = "?file=" + encodeURIComponent(file.name) + "&locale=" + S.lang + (text ? "&text=" + encodeURIComponent(text) : "");
  try {
    res = await fetch(chatPath("/file") + query, { method: "POST", headers: { "content-type": "application/octet-stream", "x-chaser-language": S.lang }, body: file });
  } catch (e) {
    return problem($("log"), S.offline);
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) return problem($("log"), data.message || S.internal);
  drawLog($("log"), data.messages, press);
}
$("hello").onclick = () => call("/hello", {});
$("prompt").onclick = () => call("/prompt", {});
$("digest").onclick = () => call("/digest", {});
$("channel-say").onsubmit = async (e) => {
  e.preventDefault();
  const text = $("channel-text").value; $("channel-text").value = "";
  const r = await api("/api/channel/say", { person: who, text, locale: S.lang });
  if (!r.ok) return problem($("channel-log"), r.message);
  drawLog($("channel-log"), r.data.messages, pressInChannel, S.channel_empty);
};
$("channel-lang").onchange = async () => {
  const r = await api("/api/channel/locale", { locale: $("channel-lang").value });
  if (!r.ok) problem($("channel-log"), r.message);
};

$("map").onsubmit = async (e) => {
  e.preventDefault();
  const f = e.target;
  const r = await api("/api/roles/map", { role: f.role.value, person: f.person.value });
  $("mapped").textContent = r.ok ? r.data.role + " → " + r.data.person : r.message;
};
api("/api/roles").then((r) => { if (r.ok) for (const x of r.data) $("roles").append(el("option", { value: x.name, textContent: x.name + (x.people.length ? " (" + x.people.join(", ") + ")" : "") })); });
let pending = null;
async function sendImport(extra) {
  const q = new URLSearchParams(Object.assign({ file: pending.file.name }, extra)); if (pending.plan) q.set("plan", pending.plan);
  let res;
  try { res = await fetch("/api/import?" + q, { method: "POST", body: pending.file }); } catch (e) { $("result").textContent = S.offline; return; }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { $("preview").textContent = ""; $("result").textContent = body.message || S.internal; return; }
  if (body.status !== "imported") return showPreview(body);
  $("preview").textContent = "";
  $("result").textContent = JSON.stringify({ plan: body.planTitle, recommendations: body.recommendations, actions: body.actions, warnings: body.warnings.length }, null, 2);
  setTimeout(() => location.reload(), 1500);
}
// The preview: each column's role as a choice, what was found, and the questions; nothing is written until Import.
function showPreview(body) {
  const box = $("preview"); box.textContent = ""; $("result").textContent = "";
  const r = body.reading;
  const form = el("form", { id: "preview-form" }, el("h3", { textContent: S.p_preview }), el("p", { textContent: S.p_intro }));
  const tbody = el("tbody");
  for (const c of r.columns) {
    const select = el("select", { name: c.column });
    select.setAttribute("aria-label", S.p_column + " " + c.column);
    select.append(el("option", { value: "ignore", textContent: S.p_none }));
    for (const role of body.roles) select.append(el("option", { value: role.value, textContent: role.label }));
    select.value = c.role || "ignore";
    tbody.append(el("tr", { className: c.confidence === "unsure" ? "unsure" : "" }, el("td", { textContent: c.column }), el("td", { textContent: c.heading }), el("td", {}, select, " ", el("small", { textContent: c.how })), el("td", { textContent: c.samples.join(" | ") })));
  }
  form.append(el("table", {}, el("thead", {}, el("tr", {}, ...[S.p_column, S.p_heading, S.p_role, S.p_holds].map((h) => el("th", { textContent: h })))), tbody));
  form.append(el("ul", {}, ...body.lines.map((l) => el("li", { textContent: l }))));
  const suggested = el("input", { type: "checkbox", name: "suggested" });
  if (r.suggestedTargets.length) form.append(el("label", {}, suggested, " " + S.p_use_suggested));
  const cancel = el("button", { type: "button", id: "preview-cancel", textContent: S.p_cancel, onclick: () => { box.textContent = ""; pending = null; } });
  form.append(el("button", { id: "preview-confirm", textContent: S.p_confirm }), cancel);
  form.onsubmit = (e) => {
    e.preventDefault();
    const map = r.columns.map((c) => c.column + "=" + form.elements[c.column].value);
    sendImport({ confirm: "1", map: JSON.stringify(map), suggested: suggested.checked ? "1" : "0" });
  };
  box.append(form);
}
$("import").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  pending = { file: form.file.files[0], plan: form.plan.value };
  await sendImport({ preview: "1" });
});

(async () => {
  const r = await api("/api/playground?lang=" + S.lang);
  if (r.ok) drawState(r.data);
  else { $("clock").hidden = true; $("channel").hidden = true; }
  await call("");
  await refreshChannel();
  document.body.dataset.ready = "1";
})();
`;
