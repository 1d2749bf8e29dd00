import { ukDate } from "../../domain/london-date.js";
import { LOCALES, translator, type Locale } from "../../i18n.js";
import { listActions } from "../../store/list-actions.js";
import { listPlans } from "../../store/list-plans.js";
import type { Store } from "../../store/open-store.js";
import { SAMPLE, SAMPLE_SLUG } from "../../sample/create-sample.js";
import { PLAYGROUND_SCRIPT } from "./playground-script.js";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Strings the page's script needs, from locales/ like every other word people read. */
const SCRIPT_STRINGS = ["web.you", "web.chaser", "web.updated"] as const;
const SAMPLE_STRINGS = ["app", "json", "json_teams", "json_slack", "other", "working", "reset_done", "channel_empty", "offline", "internal", "render_failed"] as const;
const PREVIEW_STRINGS = [
  "reading.web.preview", "reading.web.confirm", "reading.web.cancel", "reading.web.column", "reading.web.heading", "reading.web.role",
  "reading.web.holds", "reading.card.use_suggested", "reading.card.intro",
] as const;

/** The persona the page talks as until the visitor chooses: the sample's officer. */
export const DEFAULT_PERSONA = "Sam Jones";

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:100rem;color:#222}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem;text-align:left;vertical-align:top}
.bar-row{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0}
#sample{border-left:4px solid #5B5FC7;background:#f0f0fa;padding:.5rem 1rem;margin:.5rem 0}
#clock{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:.5rem 0}#clock p{margin:.2rem 0}
.log{border:1px solid #ccc;border-radius:.5rem;padding:.5rem;max-height:48rem;overflow-y:auto;background:#fafafa}
.msg{margin:.6rem 0;padding:.5rem;border-radius:.5rem;background:#fff;border:1px solid #ddd}.msg.person{background:#e8f0fe;margin-left:30%}
.msg.problem{background:#fdecea;border-color:#c62828;color:#8e0000;font-weight:600}
.meta{font-size:.75rem;color:#666;margin-bottom:.3rem}.empty{color:#666}
.ways{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
.way h4{margin:.2rem 0;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#666}
.way.teams{background:#f5f5f5;padding:.5rem;border-radius:.4rem}
.teams-card{background:#fff;border-radius:.4rem;box-shadow:0 1px 2px rgba(0,0,0,.14);overflow:hidden}
.teams-card.sending{opacity:.6}
.teams-card .ac-pushButton{font-family:inherit;font-size:14px;font-weight:600;padding:5px 12px;border:1px solid #d1d1d1;border-radius:4px;background:#fff;color:#242424;cursor:pointer;min-height:32px}
.teams-card .ac-pushButton:hover{background:#f5f5f5}.teams-card .ac-pushButton.style-positive,.teams-card .ac-pushButton.primary{background:#5B5FC7;color:#fff;border-color:#5B5FC7}
.teams-card .ac-pushButton.style-destructive{color:#C4314B}.teams-card .ac-pushButton[aria-expanded=true]{background:#e8e8f8}
.teams-card .ac-input{font-family:inherit;font-size:14px;padding:5px 8px;border:1px solid #d1d1d1;border-radius:4px;width:100%;box-sizing:border-box}
.teams-card td,.teams-card th{border:none;padding:0 .5rem 0 0}.teams-card p{margin:0}.teams-card ul{margin:.2rem 0 .2rem 1.2rem;padding:0}
.way.slack{font-family:Lato,'Helvetica Neue',Arial,sans-serif;font-size:15px;color:#1d1c1d}
.sk-message{display:flex;gap:.5rem}.sk-avatar{flex:none;width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.sk-name{display:flex;gap:.4rem;align-items:baseline}.sk-app{font-size:10px;background:#e8e8e8;color:#616061;padding:0 3px;border-radius:2px;font-weight:700}.sk-time{font-size:12px;color:#616061}
.sk-header{font-weight:900;font-size:18px;margin:.3rem 0}.sk-section{margin:.3rem 0;line-height:1.45}
.sk-fields{display:grid;grid-template-columns:1fr 1fr;gap:.3rem 1rem;margin-top:.3rem}
.sk-context{font-size:12px;color:#616061;margin:.3rem 0}.sk-divider{border:none;border-top:1px solid #ddd;margin:.6rem 0}
.sk-actions{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}
.sk-button{font-family:inherit;font-size:13px;font-weight:700;padding:0 12px;height:28px;border:1px solid #bbb;border-radius:4px;background:#fff;color:#1d1c1d;cursor:pointer}
.sk-button.primary{background:#007a5a;border-color:#007a5a;color:#fff}.sk-button.danger{color:#e01e5a;border-color:#e01e5a}
.slack code{font-family:Monaco,Menlo,monospace;font-size:12px;background:#f6f6f6;border:1px solid #e1e1e1;padding:0 3px;border-radius:3px;white-space:pre}
.sk-overlay{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:10}
.sk-modal{background:#fff;border-radius:8px;width:32rem;max-width:95vw;max-height:85vh;overflow:auto;padding:1rem 1.5rem;font-family:Lato,'Helvetica Neue',Arial,sans-serif}
.sk-modal-title{font-weight:900;font-size:22px;margin-bottom:1rem}.sk-label{display:block;margin:.6rem 0;font-weight:700}
.sk-label select,.sk-label input,.sk-label textarea{display:block;width:100%;box-sizing:border-box;margin-top:.3rem;font:inherit;font-weight:400;padding:.4rem;border:1px solid #bbb;border-radius:4px}
.sk-modal-buttons{display:flex;justify-content:flex-end;gap:.5rem;margin-top:1rem}
details.json{margin-top:.4rem}details.json pre{font-size:11px;max-height:24rem;overflow:auto;background:#f6f8fa;padding:.5rem;border-radius:.3rem}
label{margin:.2rem 0}.connected{border:2px solid #b26a00;background:#fff4e5;padding:.5rem;border-radius:.3rem}
tr.unsure td{background:#fff4e0}#preview ul{font-size:.9rem}
`;

/**
 * The playground: the sample (or your own plan), who you are, the clock, and Chaser's messages as
 * Teams and Slack show them, with the leadership channel beside. Cards arrive as the core's view
 * model rendered by the same Adaptive Card and Block Kit renderers the platforms get.
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
    lang: locale,
    defaultWho: DEFAULT_PERSONA,
    teams: t("playground.teams"),
    slack: t("playground.slack"),
    ...Object.fromEntries(SCRIPT_STRINGS.map((k) => [k.slice(4), t(k)])),
    ...Object.fromEntries(SAMPLE_STRINGS.map((k) => [k === "render_failed" ? "renderFailed" : k, t(`sample.${k}`)])),
    ...Object.fromEntries(PREVIEW_STRINGS.map((k) => [k.replace(/^reading\.(web|card)\./, "p_"), t(k)])),
    p_none: t("reading.role.none"),
  };
  const langOptions = LOCALES.map((l) => `<option value="${l}"${l === locale ? " selected" : ""}>${escape(t(`sample.lang.${l}`))}</option>`).join("");
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escape(t("web.title"))}</title>
<style>${STYLE}</style><script src="/vendor/adaptivecards.js"></script></head>
<body><h1>${escape(t("web.title"))}</h1>${connection}
<div id="sample" hidden><p id="sample-text"></p><p id="sample-counts"></p><p>${escape(t("sample.remade"))}</p></div>
<div class="bar-row">
<label>${escape(t("sample.you_are"))} <select id="who"></select></label>
<form id="other" hidden><label>${escape(t("sample.other_name"))} <input id="other-name"></label> <button>${escape(t("sample.talk_as"))}</button></form>
<label>${escape(t("sample.language"))} <select id="lang">${langOptions}</select></label>
</div>
<section id="clock" hidden><h2>${escape(t("sample.clock_title"))}</h2><p id="clock-now"></p><p id="clock-next"></p>
<div class="bar-row"><button id="clock-prompt">${escape(t("sample.step.prompt"))}</button><button id="clock-digest">${escape(t("sample.step.digest"))}</button><button id="clock-week">${escape(t("sample.step.week"))}</button><button id="reset">${escape(t("sample.reset"))}</button><span id="clock-status" role="status"></span></div></section>
<section id="chat"><h2>${escape(t("web.chat_title"))}</h2>
<div class="bar-row"><button id="hello">${escape(t("web.hello"))}</button><button id="prompt">${escape(t("web.send_prompt"))}</button><button id="digest">${escape(t("web.send_digest"))}</button></div>
<div id="log" class="log" aria-live="polite"></div>
<form id="say"><input id="text" style="width:60%" placeholder="${escape(t("web.placeholder"))}"> <label>${escape(t("web.attach"))} <input type="file" id="attach"></label> <button>${escape(t("web.send"))}</button></form>
</section>
<section id="channel" hidden><h2>${escape(t("sample.channel_title", { channel: SAMPLE.channel }))}</h2><p>${escape(t("sample.channel_intro"))}</p>
<label>${escape(t("sample.channel_language"))} <select id="channel-lang">${LOCALES.map((l) => `<option value="${l}">${escape(t(`sample.lang.${l}`))}</option>`).join("")}</select></label>
<div id="channel-log" class="log" aria-live="polite"></div>
<form id="channel-say"><input id="channel-text" style="width:75%" placeholder="${escape(t("sample.channel_placeholder", { slug: SAMPLE_SLUG }))}"> <button>${escape(t("sample.say_in_channel"))}</button></form>
</section>
<section><h2>${escape(t("web.plans"))}</h2><p>${escape(t("web.intro"))}</p>
<form id="import"><label>${escape(t("web.file"))} <input type="file" name="file" required></label> <label>${escape(t("web.plan_name"))} <input name="plan"></label> <button>${escape(t("web.import"))}</button></form>
<div id="preview"></div>
<pre id="result" role="status"></pre>
${sections.join("\n") || `<p>${escape(t("cli.plans.none"))}</p>`}
<h2>${escape(t("web.map_title"))}</h2>
<form id="map"><label>${escape(t("web.role"))} <select name="role" id="roles"></select></label> <label>${escape(t("web.person"))} <input name="person" required></label> <button>${escape(t("web.map"))}</button></form>
<p id="mapped" role="status"></p>
</section>
<script>
const S = ${JSON.stringify(strings).replace(/</g, "\\u003c")};
${PLAYGROUND_SCRIPT}
</script></body></html>`;
}
