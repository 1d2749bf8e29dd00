import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { ChaserError } from "../domain/chaser-error.js";
import { pickLocale, translator, type Locale } from "../i18n.js";
import { importPlanFile } from "../import/import-plan-file.js";
import { COLUMN_ROLES } from "../import/match-columns.js";
import { parseColumnChoice } from "../import/read-columns.js";
import { howLabel, previewLines } from "../import/preview-lines.js";
import { MAX_FILE_BYTES } from "../import/read-table.js";
import type { Logger } from "../log.js";
import { listActions } from "../store/list-actions.js";
import { playgroundPage } from "../adapters/web/playground-page.js";
import { listPlans } from "../store/list-plans.js";
import type { Store } from "../store/open-store.js";
import { storeReachable } from "../store/store-reachable.js";
import type { PlaygroundAccess } from "../config/load-config.js";
import { signInPage } from "../adapters/web/sign-in-page.js";
import { PlaygroundGate, SIGN_IN_PATH } from "./playground-gate.js";
import { readBody, sendJson as send, type Route } from "../http/route.js";

export interface ServerDeps {
  store: Store;
  log: Logger;
  locale: Locale;
  now?: () => Date;
  /** The platforms' endpoints (Teams, Slack), which check their own callers. */
  routes?: Route[];
  /** The playground's chat routes; like the rest of the playground, behind `playground`. */
  playgroundRoutes?: Route[];
  /** Who may use the playground (config.playground); open when not given, as on loopback. */
  playground?: PlaygroundAccess;
  /** Which real platforms this Chaser is connected to, said plainly on the playground's page. */
  connected?: { teams: boolean; slack: boolean };
}

const ImportQuery = z.object({
  file: z.string().trim().min(1).max(255),
  plan: z.string().trim().min(1).max(200).optional(),
  dryRun: z.enum(["0", "1"]).optional(),
  /** "1": read the file and return the preview; nothing is written. */
  preview: z.enum(["0", "1"]).optional(),
  /** "1": the person saw the preview and confirms the reading. */
  confirm: z.enum(["0", "1"]).optional(),
  suggested: z.enum(["0", "1"]).optional(),
  /** JSON array of "HEADING=ROLE" choices from the preview form. */
  map: z.string().max(20_000).optional(),
});
const MapChoices = z.array(z.string().min(1).max(400)).max(200);
const PlanSlug = z.string().regex(/^[a-z0-9-]{1,60}$/);

/**
 * The one HTTP server: liveness and readiness, the platforms' endpoints the adapters add, and the
 * local playground (import a plan, look at it, chat without Teams or Slack) behind its gate.
 */
export function startServer(port: number, deps: ServerDeps, host = "127.0.0.1"): Promise<Server> {
  const now = deps.now ?? (() => new Date());
  const gate = new PlaygroundGate(deps.playground ?? { mode: "open" });
  const server = createServer((req, res) => {
    handle(req, res, deps, gate, now).catch(async (error: unknown) => {
      deps.log.error({ err: error, url: req.url }, "request failed");
      if (res.headersSent) return void res.end();
      // The database being down is said as such (and is worth retrying); anything else stays opaque.
      if (await storeReachable(deps.store)) return send(res, 500, { error: "internal" });
      send(res, 503, { error: "store_unavailable", message: translator(deps.locale)("unavailable.store") });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, gate: PlaygroundGate, now: () => Date): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const t = translator(deps.locale);
  // Liveness: the process answers. Readiness: it can reach its database, so can do its work.
  if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { ok: true });
  if (req.method === "GET" && url.pathname === "/readyz") {
    return (await storeReachable(deps.store)) ? send(res, 200, { ok: true }) : send(res, 503, { ok: false, error: "store_unreachable" });
  }
  const platform = findRoute(deps.routes ?? [], req, url);
  if (platform) return platform.route.handle(req, res, platform.match);

  // Everything else is the playground: a local tool, behind its gate.
  if (gate.access.mode === "off") return send(res, 403, { error: "playground_off", message: t("playground.off") });
  if (gate.access.mode === "secret" && !gate.allows(req)) {
    if (req.method === "POST" && url.pathname === SIGN_IN_PATH) {
      const form = new URLSearchParams((await readBody(req, 4096))?.toString("utf8") ?? "");
      if (gate.signIn(req, res, form.get("secret") ?? "")) {
        res.writeHead(303, { location: "/" });
        return void res.end();
      }
      return sendHtml(res, signInPage(deps.locale, t("playground.wrong_secret")), 401);
    }
    if (req.method === "GET" && url.pathname === "/") return sendHtml(res, signInPage(deps.locale, null), 401);
    return send(res, 401, { error: "sign_in", message: t("playground.signed_out") });
  }
  const chat = findRoute(deps.playgroundRoutes ?? [], req, url);
  if (chat) return chat.route.handle(req, res, chat.match);
  // The page speaks the language asked for (the person's own, chosen on the page), else the deployment's.
  const lang = url.searchParams.get("lang");
  if (req.method === "GET" && url.pathname === "/") return sendHtml(res, await playgroundPage(deps.store, lang ? pickLocale(lang) : deps.locale, now(), deps.connected));
  if (req.method === "GET" && url.pathname === "/api/plans") return send(res, 200, await listPlans(deps.store.db, now()));
  const actions = /^\/api\/plans\/([^/]+)\/actions$/.exec(url.pathname);
  if (req.method === "GET" && actions) {
    const slug = PlanSlug.safeParse(actions[1]);
    if (!slug.success) return send(res, 400, { error: "bad_plan" });
    return send(res, 200, await listActions(deps.store.db, { plan: slug.data }, now()));
  }
  if (req.method === "POST" && url.pathname === "/api/import") {
    const query = ImportQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return send(res, 400, { error: "bad_request", message: query.error.issues.map((i) => i.message).join("; ") });
    const body = await readBody(req, MAX_FILE_BYTES);
    if (!body) return send(res, 413, { error: "import.file_too_large", message: t("import.file_too_large", { file: query.data.file, limitMb: MAX_FILE_BYTES / 1024 / 1024 }) });
    try {
      const q = query.data;
      const given = q.map ? MapChoices.parse(JSON.parse(q.map)).map(parseColumnChoice) : [];
      const result = await importPlanFile(deps.store, {
        bytes: body,
        fileName: q.file,
        planName: q.plan,
        locale: deps.locale,
        given,
        previewOnly: q.preview === "1",
        confirmed: q.confirm === "1",
        acceptSuggested: q.suggested === "1",
        dryRun: q.dryRun === "1",
        via: "chat:web",
        actorLabel: "playground",
        now: now(),
      });
      if (result.status !== "imported") {
        const reading = result.plan.reading;
        return send(res, 200, {
          status: result.status,
          slug: result.slug,
          reading: reading && { ...reading, columns: reading.columns.map((c) => ({ ...c, how: howLabel(t, c.source, c.confidence) })) },
          lines: previewLines(result.plan, q.file, t, { title: false, columns: false, maxWarnings: 10 }),
          roles: COLUMN_ROLES.map((r) => ({ value: r, label: t(`reading.role.${r}`) })),
        });
      }
      return send(res, 200, { status: "imported", ...result.report });
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof z.ZodError) return send(res, 400, { error: "bad_request", message: t("web.error") });
      if (error instanceof ChaserError) return send(res, 422, { error: error.code, message: t(error.code, error.params) });
      throw error;
    }
  }
  send(res, 404, { error: "not_found" });
}

function findRoute(routes: Route[], req: IncomingMessage, url: URL): { route: Route; match: RegExpExecArray | null } | null {
  for (const route of routes) {
    if (route.method !== req.method) continue;
    if (typeof route.path === "string") {
      if (route.path === url.pathname) return { route, match: null };
      continue;
    }
    const match = route.path.exec(url.pathname);
    if (match) return { route, match };
  }
  return null;
}

function sendHtml(res: ServerResponse, html: string, status = 200): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'" });
  res.end(html);
}
