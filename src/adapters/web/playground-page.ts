import { ukDate } from "../../domain/london-date.js";
import { translator, type Locale } from "../../i18n.js";
import { listActions } from "../../store/list-actions.js";
import { listPlans } from "../../store/list-plans.js";
import type { Store } from "../../store/open-store.js";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Strings the page's script needs, from locales/ like every other word people read. */
const SCRIPT_STRINGS = ["web.you", "web.chaser", "web.updated", "web.save", "web.error"] as const;
const PREVIEW_STRINGS = [
  "reading.web.preview", "reading.web.confirm", "reading.web.cancel", "reading.web.column", "reading.web.heading", "reading.web.role",
  "reading.web.holds", "reading.card.use_suggested", "reading.card.intro",
] as const;

/**
 * The playground: import a plan, see it, map a role to yourself, and talk to Chaser as an officer
 * would in Teams or Slack. Cards arrive as the same view model the platforms render.
 */
export async function playgroundPage(store: Store, locale: Locale, now: Date, connected: { teams: boolean; slack: boolean } = { teams: false, slack: false }): Promise<string> {
  const t = translator(locale);
  // Said plainly: with a real platform connected, what is done here is done to real people's plans.
  const platforms = [connected.teams ? t("playground.teams") : null, connected.slack ? t("playground.slack") : null].filter((p): p is string => p !== null);
  const connection = platforms.length > 0
    ? `<p class="connected" role="note"><strong>${escape(t("playground.connected", { platforms: platforms.length === 2 ? t("playground.and", { a: platforms[0], b: platforms[1] }) : platforms[0] }))}</strong></p>`
    : `<p class="local" role="note">${escape(t("playground.not_connected"))}</p>`;
  const plans = await listPlans(store.db, now);
  const sections = await Promise.all(
    plans.map(async (p) => {
      const rows = await listActions(store.db, { plan: p.slug, limit: 500 }, now);
      const body = rows
        .map((r) => `<tr><td>${escape(r.ref)}</td><td>${escape(r.title)}</td><td>${escape(r.owners.join(", "))}</td><td>${escape(r.targetTo ? ukDate(r.targetTo) : (r.targetText ?? ""))}</td><td>${escape(r.status ? t(`status.${r.status}`) : "")}</td></tr>`)
        .join("");
      return `<details><summary><strong>${escape(p.title)}</strong>: ${escape(t("cli.plans.row", { ...p }))}</summary><table><thead><tr><th>${escape(t("web.ref"))}</th><th>${escape(t("web.action"))}</th><th>${escape(t("web.owners"))}</th><th>${escape(t("web.target"))}</th><th>${escape(t("web.status"))}</th></tr></thead><tbody>${body}</tbody></table></details>`;
    }),
  );
  const strings = {
    ...Object.fromEntries(SCRIPT_STRINGS.map((k) => [k.slice(4), t(k)])),
    ...Object.fromEntries(PREVIEW_STRINGS.map((k) => [k.replace(/^reading\.(web|card)\./, "p_"), t(k)])),
    p_none: t("reading.role.none"),
  };
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escape(t("web.title"))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:90rem;color:#222}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(22rem,34rem);gap:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem;text-align:left;vertical-align:top}
#log{border:1px solid #ccc;border-radius:.5rem;padding:.5rem;height:34rem;overflow-y:auto;background:#fafafa}
.msg{margin:.5rem 0;padding:.5rem;border-radius:.5rem;background:#fff;border:1px solid #ddd}.msg.person{background:#e8f0fe;margin-left:3rem}
.item{border-top:1px solid #ddd;padding:.4rem 0}.reason{font-weight:bold;color:#8a4b00}.recorded{color:#1b5e20}
.facts{display:grid;grid-template-columns:auto 1fr;gap:0 .5rem;font-size:.85rem}.facts dt{font-weight:bold}
button{margin:.15rem}.notice{white-space:pre-wrap}form.answer{margin:.3rem 0;padding:.3rem;border:1px dashed #aaa}
label{display:block;margin:.2rem 0}.connected{border:2px solid #b26a00;background:#fff4e5;padding:.5rem;border-radius:.3rem}
tr.unsure td{background:#fff4e0}#preview ul{font-size:.9rem}
.bar{display:inline-block;height:.8rem;background:#999;vertical-align:middle}.bar.red{background:#c62828}.bar.amber{background:#ef8f00}.bar.green{background:#2e7d32}
</style></head>
<body><h1>${escape(t("web.title"))}</h1>${connection}<p>${escape(t("web.intro"))}</p>
<main><div>
<h2>${escape(t("web.plans"))}</h2>
<form id="import"><label>${escape(t("web.file"))} <input type="file" name="file" required></label> <label>${escape(t("web.plan_name"))} <input name="plan"></label> <button>${escape(t("web.import"))}</button></form>
<div id="preview"></div>
<pre id="result" role="status"></pre>
${sections.join("\n") || `<p>${escape(t("cli.plans.none"))}</p>`}
<h2>${escape(t("web.map_title"))}</h2>
<form id="map"><label>${escape(t("web.role"))} <select name="role" id="roles"></select></label><label>${escape(t("web.person"))} <input name="person" required></label><button>${escape(t("web.map"))}</button></form>
<p id="mapped" role="status"></p>
</div><div>
<h2>${escape(t("web.chat_title"))}</h2>
<label>${escape(t("web.you_are"))} <input id="who" value="Sam Jones"></label>
<button id="hello">${escape(t("web.hello"))}</button> <button id="prompt">${escape(t("web.send_prompt"))}</button> <button id="digest">${escape(t("web.send_digest"))}</button>
<div id="log" aria-live="polite"></div>
<form id="say"><input id="text" style="width:75%" placeholder="${escape(t("web.placeholder"))}"> <button>${escape(t("web.send"))}</button></form>
</div></main>
<script>
const S = ${JSON.stringify(strings).replace(/</g, "\\u003c")};
const $ = (id) => document.getElementById(id);
const who = () => encodeURIComponent($("who").value.trim());
const el = (tag, attrs = {}, ...children) => { const e = document.createElement(tag); Object.assign(e, attrs); for (const c of children) if (c != null) e.append(c); return e; };
async function call(path, body) {
  const res = await fetch("/api/chat/" + who() + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { alert(data.message || S.error); return; }
  draw(data.messages || []);
}
function press(answer, inputs) { return call("/press", { answer, inputs: inputs || {} }); }
function bars(items) {
  const max = Math.max(0, ...items.map((b) => b.value));
  const dl = el("dl", { className: "facts" });
  for (const b of items) dl.append(el("dt", { textContent: b.label }), el("dd", {}, el("span", { className: "bar " + b.rag, style: "width:" + (max ? Math.max(4, (b.value / max) * 10) : 0) + "rem" }), " " + b.value));
  return dl;
}
function renderDigest(card) {
  const box = el("div", {}, el("strong", { textContent: card.title }), el("p", { textContent: card.subtitle, style: "font-size:.85rem" }));
  if (card.note) box.append(el("p", { textContent: card.note, style: "font-size:.85rem" }));
  if (card.chart.slices.length) box.append(el("div", { textContent: card.chart.title, style: "font-weight:bold" }), bars(card.chart.slices), el("p", { textContent: card.trendText }));
  const sections = (list) => list.map((s) => el("div", { className: "item" }, el("div", { textContent: s.heading, style: "font-weight:bold" }), el("div", { textContent: s.summary }), el("div", { textContent: s.ragLine || "", style: "font-size:.85rem" }), bars(s.bars),
    ...s.lines.map((l) => el("div", {}, el("em", { textContent: l.label }), el("ul", {}, ...l.items.map((i) => el("li", { textContent: i })), l.more ? el("li", { textContent: l.more }) : null)))));
  box.append(...sections(card.sections));
  if (card.footer) box.append(el("p", { textContent: card.footer, style: "font-size:.8rem;color:#555" }));
  const all = el("details", {}, el("summary", { textContent: card.showAllLabel }), ...sections(card.detail));
  box.append(all);
  return box;
}
function renderCard(card) {
  if (card.type === "digest") return renderDigest(card);
  if (card.type === "notice") return el("div", { className: "notice", textContent: card.text });
  if (card.type === "choose") return el("div", {}, el("p", { textContent: card.text }), ...card.options.map((o) => el("button", { textContent: o.label, onclick: () => press(o.answer) })));
  const box = el("div", {}, el("strong", { textContent: card.title }), el("p", { textContent: card.intro }));
  for (const item of card.items) {
    const facts = el("dl", { className: "facts" });
    for (const f of item.facts) facts.append(el("dt", { textContent: f.label }), el("dd", { textContent: f.value }));
    const div = el("div", { className: "item" }, el("div", { textContent: item.heading, style: "font-weight:bold" }), item.reason ? el("div", { className: "reason", textContent: item.reason }) : null, facts, item.recorded ? el("div", { className: "recorded", textContent: "✔ " + item.recorded }) : null);
    for (const b of item.buttons) {
      div.append(el("button", { textContent: b.label, onclick: () => {
        if (!b.form) return press(b.answer);
        const form = el("form", { className: "answer" }, el("strong", { textContent: b.form.title }));
        for (const f of b.form.fields) form.append(el("label", { textContent: f.label + " " }, el(f.kind === "date" ? "input" : (f.multiline ? "textarea" : "input"), f.kind === "date" ? { type: "date", name: f.id, min: f.min, required: f.required } : { name: f.id, required: f.required, maxLength: f.maxLength })));
        form.append(el("button", { textContent: b.form.submitLabel }));
        form.onsubmit = (e) => { e.preventDefault(); press(b.answer, Object.fromEntries(new FormData(form))); };
        div.append(form);
      } }));
    }
    box.append(div);
  }
  if (card.footer) box.append(el("p", { textContent: card.footer, style: "font-size:.8rem;color:#555" }));
  return box;
}
function draw(messages) {
  const log = $("log"); log.textContent = "";
  for (const m of messages) {
    const who = el("div", { style: "font-size:.75rem;color:#666", textContent: (m.from === "person" ? S.you : S.chaser) + (m.updatedAt ? " · " + S.updated : "") });
    log.append(el("div", { className: "msg " + m.from }, who, m.card ? renderCard(m.card) : el("div", { textContent: m.text })));
  }
  log.scrollTop = log.scrollHeight;
}
$("say").onsubmit = (e) => { e.preventDefault(); const text = $("text").value; $("text").value = ""; call("/say", { text }); };
$("hello").onclick = () => call("/hello", {});
$("prompt").onclick = () => call("/prompt", {});
$("digest").onclick = () => call("/digest", {});
$("who").onchange = () => call("");
$("map").onsubmit = async (e) => {
  e.preventDefault();
  const f = e.target;
  const res = await fetch("/api/roles/map", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: f.role.value, person: f.person.value }) });
  const data = await res.json(); $("mapped").textContent = res.ok ? data.role + " → " + data.person : (data.message || S.error);
};
fetch("/api/roles").then((r) => r.json()).then((roles) => { for (const r of roles) $("roles").append(el("option", { value: r.name, textContent: r.name + (r.people.length ? " (" + r.people.join(", ") + ")" : "") })); });
let pending = null;
async function sendImport(extra) {
  const q = new URLSearchParams({ file: pending.file.name, ...extra }); if (pending.plan) q.set("plan", pending.plan);
  const res = await fetch("/api/import?" + q, { method: "POST", body: pending.file });
  const body = await res.json();
  if (!res.ok) { $("preview").textContent = ""; $("result").textContent = body.message; return; }
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
call("");
</script></body></html>`;
}
