import { translator, type Locale } from "../../i18n.js";
import { SIGN_IN_PATH } from "../../web/playground-gate.js";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The playground's sign-in form, shown when CHASER_PLAYGROUND_SECRET is set and the browser has no session. */
export function signInPage(locale: Locale, problem: string | null): string {
  const t = translator(locale);
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escape(t("playground.sign_in_title"))}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:36rem;color:#222}label{display:block;margin:.5rem 0}.problem{color:#b00020}</style></head>
<body><h1>${escape(t("playground.sign_in_title"))}</h1><p>${escape(t("playground.sign_in_intro"))}</p>
${problem ? `<p class="problem" role="alert">${escape(problem)}</p>` : ""}
<form method="post" action="${SIGN_IN_PATH}"><label>${escape(t("playground.secret"))} <input type="password" name="secret" autocomplete="current-password" required autofocus></label>
<button>${escape(t("playground.sign_in"))}</button></form></body></html>`;
}
