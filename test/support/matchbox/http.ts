// matchbox's HTTP API (http/server.go and its handlers): exact-path routes on a Go
// ServeMux, every request logged as "HTTP <method> <url>" before anything else, labels
// from the query, selection by matchbox's rules, and a 404 with Go's body on any miss.
// Butane templates under /ignition are rendered and translated by pxectl's own translator.
// Not served: /cloud (deprecated), signatures (.sig/.asc), HTTPS.
import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import { ConfigError } from "../../../src/core/errors";
import { compileConfig } from "../../../src/ignition";
import { serveIgnition } from "../../../src/matchbox/ignition-v34";
import { BOOT_IPXE, renderGrub, renderIpxe } from "../../../src/matchbox/ipxe";
import { labelsFromQuery } from "../../../src/matchbox/labels";
import type { Labels } from "../../../src/matchbox/types";
import { notFound, serveAsset } from "./assets";
import type { Logger } from "./logrus";
import { selectStoredGroup } from "./rpc";
import { type FileStore, type StoredGroup, type StoredProfile, orUndefined } from "./store";
import { TemplateError, collectVariables, renderEnvFile, renderGoTemplate } from "./variables";

/** HttpContext is what the handlers share. */
export interface HttpContext {
  store: FileStore;
  logger: Logger;
  /** "" disables /assets/, as matchbox's -assets-path="". */
  assetsPath: string;
}

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  rawQuery: string;
}

type Route = (ctx: HttpContext, r: Request) => Promise<void> | void;

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

function send(res: ServerResponse, body: string, headers: Record<string, string> = TEXT): void {
  res.writeHead(200, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/** labels reads the query; only the selecting middleware logs unparseable MACs, as in matchbox. */
function labels(ctx: HttpContext, r: Request, warn: boolean): Labels {
  const parsed = labelsFromQuery(r.rawQuery);
  if (warn) for (const mac of parsed.badMacs) ctx.logger.warning(`ignoring unparseable MAC address: address ${mac}: invalid MAC address`, { mac });
  return parsed.labels;
}

function selectProfile(ctx: HttpContext, r: Request): StoredProfile | undefined {
  // SelectProfile's failures, even a missing groups/ folder, all mean no profile
  const group = orUndefined(() => selectStoredGroup(ctx.store, labels(ctx, r, true)));
  return group && orUndefined(() => ctx.store.profileGet(group.profile));
}

/** bootScript serves /ipxe and /grub: SelectProfile, then the profile's boot rendered. */
function bootScript(kind: "iPXE" | "GRUB", render: typeof renderIpxe): Route {
  return (ctx, r) => {
    const profile = selectProfile(ctx, r);
    const fields = { labels: labels(ctx, r, false) };
    if (!profile) {
      ctx.logger.info("No matching profile", fields);
      return notFound(r.res);
    }
    ctx.logger.debug(`Matched ${kind === "iPXE" ? "an iPXE" : "a GRUB"} config`, { ...fields, profile: profile.id });
    if (!profile.boot) {
      const name = kind === "iPXE" ? "iPXE config" : "GRUB2 config";
      ctx.logger.error(`error rendering template: template: ${name}:2:9: executing "${name}" at <.Kernel>: nil pointer evaluating *storagepb.NetBoot.Kernel`);
      return notFound(r.res);
    }
    send(r.res, render(profile.boot));
  };
}

/** withGroup runs a handler on the selected group's profile, logging matchbox's miss lines. */
function withGroup(handle: (ctx: HttpContext, r: Request, group: StoredGroup, fields: { labels: Labels }) => void): Route {
  return (ctx, r) => {
    // the selecting middleware drops any failure (a missing groups/ folder too): no group
    const group = orUndefined(() => selectStoredGroup(ctx.store, labels(ctx, r, true)));
    const fields = { labels: labels(ctx, r, false) };
    if (!group) {
      ctx.logger.info("No matching group", fields);
      return notFound(r.res);
    }
    return handle(ctx, r, group, fields);
  };
}

function profileOf(ctx: HttpContext, r: Request, group: StoredGroup, fields: { labels: Labels }): StoredProfile | undefined {
  const profile = orUndefined(() => ctx.store.profileGet(group.profile));
  if (!profile) {
    ctx.logger.info(`No profile named: ${group.profile}`, { ...fields, group: group.id, group_name: group.name });
    notFound(r.res);
  }
  return profile;
}

const ignition = withGroup((ctx, r, group, fields) => {
  const profile = profileOf(ctx, r, group, fields);
  if (!profile) return;
  const contents = orUndefined(() => ctx.store.ignitionGet(profile.ignition_id));
  if (!contents) {
    ctx.logger.info(`No Ignition or Container Linux Config template named: ${profile.ignition_id}`, { ...fields, group: group.id, group_name: group.name, profile: group.profile });
    return notFound(r.res);
  }
  ctx.logger.debug("Matched an Ignition or Container Linux Config template", { ...fields, group: group.id, profile: profile.id });
  let text = contents.toString("utf8");
  if (!/\.(ign|ignition)$/.test(profile.ignition_id)) {
    // a Butane template: rendered with the group's variables, translated, then served as raw Ignition
    const rendered = renderTemplate(ctx, text, collectVariables(r.rawQuery, group));
    if (rendered === undefined) return notFound(r.res);
    const translated = translateButane(rendered, profile.ignition_id);
    if (typeof translated !== "string") {
      ctx.logger.error(`error translating Butane Config: ${translated.error}`);
      return notFound(r.res);
    }
    text = translated;
  }
  const served = serveIgnition(text);
  if (served.warning) ctx.logger.warning(`warning parsing Ignition: ${served.warning}`);
  send(r.res, served.body, { "Content-Type": "application/json" });
});

/** translateButane is butane.TranslateBytes for the variants pxectl translates (README.md: others are refused). */
function translateButane(text: string, file: string): string | { error: string } {
  try {
    const compiled = compileConfig({ text, origin: { file } });
    // butane reads nothing but Butane: raw Ignition or a Container Linux Config has no variant
    if (compiled.format !== "butane") return { error: "error at $.variant: missing variant" };
    return compiled.json;
  } catch (e) {
    if (e instanceof ConfigError) return { error: e.problems.map((p) => p.message).join("; ") };
    throw e;
  }
}

function renderTemplate(ctx: HttpContext, text: string, data: Record<string, unknown>): string | undefined {
  try {
    return renderGoTemplate(text, data);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.logger.error(`error ${e.stage} template: ${e.message}`);
    return undefined;
  }
}

const generic = withGroup((ctx, r, group, fields) => {
  const profile = profileOf(ctx, r, group, fields);
  if (!profile) return;
  const contents = orUndefined(() => ctx.store.genericGet(profile.generic_id));
  if (!contents) {
    ctx.logger.info(`No generic template named: ${profile.generic_id}`, { ...fields, group: group.id, group_name: group.name, profile: group.profile });
    return notFound(r.res);
  }
  ctx.logger.debug("Matched a generic template", { ...fields, group: group.id, profile: profile.id });
  const body = renderTemplate(ctx, contents.toString("utf8"), collectVariables(r.rawQuery, group));
  if (body === undefined) return notFound(r.res);
  // http.ServeContent sniffs the type: text for what generic configs hold (HTML is not sniffed here)
  send(r.res, body, { ...TEXT, "Accept-Ranges": "bytes" });
});

const metadata = withGroup((ctx, r, group, fields) => {
  ctx.logger.debug("Matched group metadata", { ...fields, group: group.id });
  send(r.res, renderEnvFile(collectVariables(r.rawQuery, group)), { "Content-Type": "plain/text" });
});

const ROUTES: Record<string, Route> = {
  "/boot.ipxe": (_ctx, r) => send(r.res, BOOT_IPXE),
  "/boot.ipxe.0": (_ctx, r) => send(r.res, BOOT_IPXE),
  "/ipxe": bootScript("iPXE", renderIpxe),
  "/grub": bootScript("GRUB", renderGrub),
  "/ignition": ignition,
  "/generic": generic,
  "/metadata": metadata,
};

/** cleanPath is Go's ServeMux cleanPath: a request for any other spelling is redirected to it. */
function cleanPath(p: string): string {
  if (p === "") return "/";
  const cleaned = posix.normalize(p.startsWith("/") ? p : "/" + p);
  return p.endsWith("/") && cleaned !== "/" && !cleaned.endsWith("/") ? cleaned + "/" : cleaned;
}

/** handleHttp routes one request as matchbox's ServeMux does. */
export async function handleHttp(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const clean = cleanPath(path);
  if (clean !== path) {
    res.writeHead(301, { Location: rawQuery ? `${clean}?${rawQuery}` : clean, "Content-Type": "text/html; charset=utf-8" });
    return void res.end(`<a href="${clean}">Moved Permanently</a>.\n\n`);
  }
  const r: Request = { req, res, path, rawQuery };
  const assets = ctx.assetsPath !== "";
  if (assets && path === "/assets") {
    res.writeHead(301, { Location: "/assets/" });
    return void res.end();
  }
  ctx.logger.info(`HTTP ${req.method ?? "GET"} ${target}`);
  if (assets && path.startsWith("/assets/")) return serveAsset(req, res, ctx.assetsPath, path, rawQuery);
  const route = ROUTES[path];
  if (route) return route(ctx, r);
  if (path === "/") return send(res, "matchbox\n");
  notFound(res);
}
