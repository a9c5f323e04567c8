// The apierr client runtime for TypeScript: decode any HTTP API's error
// response into one ApiError, and a fetch wrapper that retries only what is
// safe. `apierr gen ts` writes this file unchanged beside the catalog's
// generated errors.ts; it depends on nothing but fetch, AbortController and
// crypto.randomUUID (browsers, Node 18+, Deno, Bun, workers).
//
// It mirrors the Go client (github.com/apierr/apierr/client): the same
// shapes decoded, the same retry policy (statuses 408, 429, 500, 502, 503,
// 504; idempotent methods or an Idempotency-Key; Retry-After honoured but
// capped; full-jitter exponential backoff; no sleep past the deadline; a
// retry budget).

/** One field-level error of a validation failure. */
export interface FieldError {
  /** The field's path, e.g. "to" or "items[0].name". */
  field: string;
  /** The rule that failed, when the API names one ("required", "e164"). */
  rule?: string;
  /** A message for people. */
  message: string;
}

/** What an ApiError is built from; see ApiError for each member. */
export interface ApiErrorInit<C extends string, X> {
  code: C;
  status: number;
  message: string;
  title?: string;
  detail?: string;
  action?: string;
  docs?: string;
  instance?: string;
  context: X;
  fields?: FieldError[];
  requestId?: string;
  retryAfterMs?: number;
  retryable?: boolean;
  known?: boolean;
  language?: string;
  body?: string;
  headers?: Headers;
}

/**
 * An error response, decoded. Whatever shape the API sent (apierr's envelope,
 * RFC 9457 problem details, the shapes of Stripe, Google, Microsoft, JSON:API,
 * GitHub, FastAPI, Kubernetes, AWS, plain text and HTML pages), the same
 * members carry the same things. C is the code's type and X the context's:
 * the generated errors.ts narrows both per code of the catalog.
 */
export class ApiError<C extends string = string, X = Record<string, unknown>> extends Error {
  /** The API's stable error code; "" when the body names none. Match on it. */
  readonly code: C;
  /** The HTTP status. */
  readonly status: number;
  /** A short summary of the code (RFC 9457 title), when sent. */
  readonly title?: string;
  /** An explanation of this occurrence, when sent. */
  readonly detail?: string;
  /** The programmatic next step, e.g. "top_up_balance", when sent. */
  readonly action?: string;
  /** The docs permalink of the code, when sent. */
  readonly docs?: string;
  /** The RFC 9457 instance, when sent. */
  readonly instance?: string;
  /** Code-specific data. */
  readonly context: X;
  /** Field errors of a validation failure, in the order sent (maps sorted by field). */
  readonly fields: FieldError[];
  /** The request ID, from the body or a request-ID header. Quote it to support. */
  readonly requestId?: string;
  /** How long the server asks to wait before a retry, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Whether the same request may succeed later unchanged. */
  readonly retryable: boolean;
  /** Whether the code is one the catalog declares (set by the generated decode). */
  readonly known: boolean;
  /**
   * The language of the message, title and detail: the first tag of the
   * response's Content-Language in conventional case ("de", "fr-CA"), as an
   * API that localizes its errors sends it; undefined without one. The code
   * is the same in every language.
   */
  readonly language?: string;
  /** The raw body (at most 64 KiB of it). */
  readonly body: string;
  /** The response headers. */
  readonly headers: Headers;

  constructor(init: ApiErrorInit<C, X>) {
    super(init.message);
    this.name = "ApiError";
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.action = init.action;
    this.docs = init.docs;
    this.instance = init.instance;
    this.context = init.context;
    this.fields = init.fields ?? [];
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable ?? false;
    this.known = init.known ?? false;
    this.language = init.language;
    this.body = init.body ?? "";
    this.headers = init.headers ?? new Headers();
  }

  /** Reads like "429 rate_limit_exceeded: Too many requests [request_id=…]". */
  override toString(): string {
    let s = String(this.status);
    if (this.code) s += " " + this.code;
    if (this.message) s += ": " + this.message;
    if (this.requestId) s += " [request_id=" + this.requestId + "]";
    return s;
  }
}

// ---------------------------------------------------------------------------
// Decoding

/** A documented context member of a code, as the catalog declares it. */
export interface ContextMember {
  /** The JSON type: "string", "integer", "number", "boolean", "object", "array"; "" for any. */
  readonly type: string;
  /** Every error of the code carries it. */
  readonly required?: boolean;
  /** The JSON type of an array's elements, when documented. */
  readonly items?: string;
}

/** How the catalog's own format is read; the generated errors.ts passes it. */
export interface DecodeOptions {
  /**
   * Where the catalog's format puts the context members: ["context"] for the
   * envelope and RFC 9457, ["details"] for a {error, message, details} shape;
   * null when the format carries no context. Undefined means: guess, as for
   * any API. An application/problem+json response is always read as RFC 9457.
   */
  contextPath?: readonly string[] | null;
  /**
   * The codes the catalog declares, each with its documented context
   * members. A documented member of the wrong type is left out of the
   * context (it stays in body); a decoded error whose code is here is known
   * unless a required member is then missing (a server that breaks its
   * catalog gives an unknown error, never one whose typed context lies).
   * So the types generated from the catalog hold at run time.
   */
  contexts?: Readonly<Record<string, Readonly<Record<string, ContextMember>>>>;
  /** How many bytes of the body are read; default 64 KiB. */
  maxBody?: number;
  /** The clock for an HTTP-date Retry-After when the response has no Date. */
  now?: () => number;
}

/** Response headers a request ID is read from when the body carries none, in order. */
export const requestIdHeaders: readonly string[] = [
  "x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-ms-request-id",
  "x-github-request-id", "twilio-request-id", "paypal-debug-id", "opc-request-id", "x-shopify-request-id",
  "x-okta-request-id", "x-hubspot-correlation-id", "x-dropbox-request-id", "apim-request-id",
  "x-ms-correlation-request-id", "apigw-requestid", "x-amz-apigw-id", "x-slack-req-id", "fly-request-id",
  "x-vercel-id", "x-correlation-id", "x-trace-id", "x-amz-cf-id", "cf-ray",
];

const maxMessage = 256;
const defaultMaxBody = 64 << 10;

/**
 * Returns null for a 2xx response (its body untouched), else reads the body
 * (at most maxBody bytes) and returns the decoded ApiError. It never throws
 * on a malformed body: an unknown shape still gives the status, a message and
 * retryability.
 */
export async function decode(response: Response, options: DecodeOptions = {}): Promise<ApiError | null> {
  if (response.status >= 200 && response.status <= 299) return null;
  const body = await readBody(response, options.maxBody ?? defaultMaxBody);
  return decodeBody(response.status, response.headers, body, options);
}

/** Decodes an error from a status, headers and a body already read. */
export function decodeBody(status: number, headers: Headers, body: string, options: DecodeOptions = {}): ApiError {
  const e: Draft = { code: "", status, message: "", context: {}, fields: [], retryable: false };
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  const ct = headers.get("content-type") ?? "";
  // contextPath describes the catalog's own format; an RFC 9457 document
  // (which apierr sends on Accept: application/problem+json) carries its
  // context as the "context" member and extension members, read below.
  const contextPath = /problem\+json/i.test(ct) ? undefined : options.contextPath;
  const weak = decodeShape(e, sniff(ct, text), text, contextPath);
  finish(e, headers, weak, options.now ?? Date.now);
  const schema = options.contexts && Object.prototype.hasOwnProperty.call(options.contexts, e.code) ? options.contexts[e.code] : undefined;
  let known = schema !== undefined;
  for (const [k, m] of Object.entries(schema ?? {})) {
    if (k in e.context && !conforms(e.context[k], m)) delete e.context[k];
    if (m.required && !(k in e.context)) known = false;
  }
  return new ApiError({ ...e, known, body, headers, language: contentLanguage(headers) });
}

/**
 * The first language tag of a Content-Language header, in the conventional
 * case of RFC 5646 (language lower, script title, region upper case), or
 * undefined when there is none or it is not a well-formed tag.
 */
export function contentLanguage(headers: Headers): string | undefined {
  const first = (headers.get("content-language") ?? "").split(",").map((s) => s.trim()).find((s) => s !== "");
  if (first === undefined || first.length > 64 || !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(first)) return undefined;
  let singleton = false;
  return first
    .split("-")
    .map((sub, i) => {
      let out = sub.toLowerCase();
      if (i > 0 && !singleton && /^[A-Za-z]+$/.test(sub)) {
        if (sub.length === 2) out = sub.toUpperCase();
        else if (sub.length === 4) out = sub[0]!.toUpperCase() + sub.slice(1).toLowerCase();
      }
      if (sub.length === 1) singleton = true;
      return out;
    })
    .join("-");
}

function conforms(v: unknown, m: ContextMember): boolean {
  if (!hasJSONType(v, m.type)) return false;
  return !(m.items && Array.isArray(v)) || v.every((x) => hasJSONType(x, m.items ?? ""));
}

function hasJSONType(v: unknown, t: string): boolean {
  switch (t) {
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
  }
  return true;
}

/** The members being filled while a body is read. */
interface Draft {
  code: string;
  status: number;
  message: string;
  title?: string;
  detail?: string;
  action?: string;
  docs?: string;
  instance?: string;
  context: Record<string, unknown>;
  fields: FieldError[];
  requestId?: string;
  retryAfterMs?: number;
  retryable: boolean;
}

async function readBody(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still decodes as far as it goes.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, limit));
  let off = 0;
  for (const c of chunks) {
    const n = Math.min(c.byteLength, all.byteLength - off);
    all.set(c.subarray(0, n), off);
    off += n;
  }
  return new TextDecoder().decode(all);
}

type Kind = "json" | "xml" | "html" | "text";

function sniff(contentType: string, body: string): Kind {
  const ct = contentType.toLowerCase();
  if (ct.includes("json")) return "json";
  if (ct.includes("html")) return "html";
  if (ct.includes("xml")) return "xml";
  const b = body.trimStart();
  if (b === "") return "text";
  if (b[0] === "{" || b[0] === "[") return "json";
  if (b[0] === "<") {
    const head = b.slice(0, 512).toLowerCase();
    if (head.startsWith("<!doctype html") || ["<html", "<body", "<title", "<h1"].some((t) => head.includes(t))) return "html";
    return "xml";
  }
  return "text";
}

/** Fills e from body read as k; returns the weak code (a guess a header may beat). */
function decodeShape(e: Draft, k: Kind, body: string, contextPath: readonly string[] | null | undefined): string {
  if (k !== "json" && sniff("", body) === "json") {
    const weak = fromJSON(e, body, contextPath);
    if (weak !== undefined) return weak;
  }
  switch (k) {
    case "json": {
      const weak = fromJSON(e, body, contextPath);
      if (weak !== undefined) return weak;
      if (sniff("", body) !== "json") return decodeShape(e, sniff("", body), body, contextPath);
      fromText(e, body);
      return "";
    }
    case "xml":
      if (!fromXML(e, body)) fromHTML(e, body);
      return "";
    case "html":
      fromHTML(e, body);
      return "";
    default:
      fromText(e, body);
      return "";
  }
}

/** Makes s safe to show: control and format characters removed, white space collapsed, at most max characters. */
function sanitize(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  let out = s.replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffd]/g, "");
  out = out.replace(/\s+/g, " ").trim();
  if (out.length > max) out = out.slice(0, max) + "…";
  return out;
}

function str(v: unknown, max = maxMessage * 4): string {
  return typeof v === "string" ? sanitize(v, max) : "";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setContext(e: Draft, k: string, v: unknown): void {
  if (!(k in e.context)) e.context[k] = v;
}

const statusText: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large", 414: "Request URI Too Long",
  415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable", 417: "Expectation Failed",
  418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked",
  424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required",
  429: "Too Many Requests", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
  508: "Loop Detected", 511: "Network Authentication Required",
};

/** Statuses outside the registry that proxies and CDNs send, with their text and whether a retry may help. */
const outsideStatuses: Record<number, [string, boolean]> = {
  499: ["Client Closed Request", false], 509: ["Bandwidth Limit Exceeded", true],
  520: ["Web Server Returned an Unknown Error", true], 521: ["Web Server Is Down", true],
  522: ["Connection Timed Out", true], 523: ["Origin Is Unreachable", true], 524: ["A Timeout Occurred", true],
  525: ["SSL Handshake Failed", false], 526: ["Invalid SSL Certificate", false], 527: ["Railgun Error", true],
  529: ["Site Is Overloaded", true],
};

function textOf(status: number): string {
  return statusText[status] ?? outsideStatuses[status]?.[0] ?? "";
}

/**
 * Statuses that may succeed if the same request is sent again later: 408,
 * 425, 429, 500, 502, 503, 504, and the CDN statuses 509, 520–524, 527, 529.
 */
export function retryableStatus(status: number): boolean {
  return [408, 425, 429, 500, 502, 503, 504].includes(status) || (outsideStatuses[status]?.[1] ?? false);
}

/** Error codes that mean "slow down and retry" even on a plain 400 (AWS). */
const throttlingCodes = new Set([
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
  "BandwidthLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
  "EC2ThrottledException", "TransactionInProgressException", "RequestTimeout",
  "RequestTimeoutException", "InternalError", "ServiceUnavailable", "RESOURCE_EXHAUSTED", "UNAVAILABLE",
]);

function isUpperSnake(s: string): boolean {
  return s.length > 0 && s.length <= 64 && /^[A-Z_]+$/.test(s);
}

function intString(v: unknown): string | undefined {
  return typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
}

/** Reads a retry hint: seconds (a number or digits), or a duration such as "3s", "1.5s", "250ms", {seconds, nanos}. */
function hintMs(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v * 1000 : undefined;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return parseFloat(s) * 1000;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
    if (m) return parseFloat(m[1]!) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] as "ms" | "s" | "m" | "h"];
    return undefined;
  }
  if (isObject(v)) {
    const s = hintMs(v["seconds"]);
    if (s === undefined) return undefined;
    const n = typeof v["nanos"] === "number" ? v["nanos"] / 1e6 : 0;
    return s + n;
  }
  return undefined;
}

/** JSON pointer to a field path: "/data/attributes/first-name" → "first-name", "#/items/0/name" → "items[0].name". */
function pointerPath(p: string): string {
  let s = p.replace(/^#/, "").replace(/^\/data\/(attributes|relationships)\//, "").replace(/^\//, "");
  if (s === "") return "";
  let out = "";
  for (const raw of s.split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part) && out !== "") out += "[" + part + "]";
    else out += (out ? "." : "") + part;
  }
  return sanitize(out, maxMessage);
}

/** FastAPI's loc (["body", "items", 0, "name"]) to "items[0].name". */
function locPath(loc: unknown[]): string {
  let out = "";
  loc.forEach((p, i) => {
    if (typeof p === "string") {
      if (i === 0 && loc.length > 1 && ["body", "query", "path", "header", "cookie", "form"].includes(p)) return;
      out += (out ? "." : "") + p;
    } else if (typeof p === "number") {
      out += "[" + String(p) + "]";
    }
  });
  return sanitize(out, maxMessage);
}

function firstOf(m: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (k in m) return m[k];
  return undefined;
}

/** Members of an RFC 9457 document mapped onto ApiError itself; the others are context. */
const problemMembers = new Set([
  "type", "title", "status", "detail", "instance", "code", "action", "request_id", "retry_after",
  "errors", "context", "invalid-params", "invalid_params", "traceId", "trace_id", "requestId",
]);

/** Reads a JSON body; returns the weak code, or undefined when the body is not JSON. */
function fromJSON(e: Draft, body: string, contextPath: readonly string[] | null | undefined): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  const w = new Walk(e);
  if (isObject(v)) {
    if (contextPath !== undefined) w.catalogContext(v, contextPath);
    w.object(v, 0);
  } else if (Array.isArray(v)) {
    w.list(v);
  } else if (typeof v === "string") {
    e.message = sanitize(v, maxMessage);
    return "";
  } else {
    return undefined;
  }
  return w.finish();
}

/** One walk over a JSON body: every member optional and read by duck typing. */
class Walk {
  // Weak code candidates, used only when no member names a code.
  typeCode = "";
  statusCode = "";
  nameCode = "";
  numCode = "";
  itemCode = "";
  itemMessage = "";
  itemTitle = "";
  statusNameCode = "";
  contextDone = false;

  constructor(readonly e: Draft) {}

  /** Applies the fallbacks once the whole document is read; returns the weak code. */
  finish(): string {
    const e = this.e;
    if (e.message === "" && !e.detail && !e.title) e.message = this.itemMessage;
    if (!e.title && this.itemTitle) e.title = this.itemTitle;
    return [this.typeCode, this.statusCode, this.nameCode, this.itemCode, this.numCode, this.statusNameCode].find((c) => c !== "") ?? "";
  }

  /** The catalog's own format: its context object, exactly where the format puts it. */
  catalogContext(m: Record<string, unknown>, path: readonly string[] | null): void {
    this.contextDone = true;
    if (path === null) return;
    let v: unknown = m;
    for (const p of path) v = isObject(v) ? v[p] : undefined;
    if (!isObject(v)) return;
    for (const [k, val] of Object.entries(v)) {
      if (k === "errors" && (isObject(val) || Array.isArray(val))) continue; // field errors, read below
      setContext(this.e, k, val);
    }
  }

  object(m: Record<string, unknown>, depth: number): void {
    if (depth > 4) return;
    const e = this.e;
    if (m["kind"] === "Status") return this.kubernetes(m);
    let known = false;
    const set = (key: "code" | "message" | "title" | "action" | "docs" | "requestId" | "instance", ...keys: string[]) => {
      if (e[key]) return;
      for (const k of keys) {
        const s = str(m[k]);
        if (s) {
          e[key] = s;
          known = true;
          return;
        }
      }
    };

    if (typeof m["error"] === "string" && e.code === "") {
      const s = sanitize(m["error"], maxMessage);
      if ((s !== "" && s === textOf(e.status)) || s.includes(" ")) {
        if (!e.title) e.title = s; // Spring Boot's {"error": "Not Found"}: a title, not a code
      } else {
        e.code = s;
      }
      known = true;
    }
    set("code", "code", "error_code", "errorCode", "ErrorCode", "Code");
    if (typeof m["__type"] === "string" && e.code === "") {
      e.code = sanitize(awsErrorType(m["__type"]), maxMessage);
      known = true;
    }
    set("message", "message", "Message", "error_description", "errorMessage", "error_message", "msg", "description");
    set("title", "title");
    set("action", "action");
    set("docs", "docs", "doc_url", "documentation_url", "docs_url", "more_info", "help_url", "documentation", "help",
      "error_uri", "error_url");
    for (const k of ["link", "recommend"]) {
      const s = str(m[k]);
      if (!e.docs && isURLRef(s)) e.docs = s;
    }
    set("requestId", "request_id", "requestId", "RequestId", "requestID", "request-id", "trace_id", "traceId",
      "correlation_id", "correlationId", "debug_id");
    set("instance", "instance");

    if (typeof m["type"] === "string") {
      // An RFC 9457 type names the docs and, by its last segment, the code;
      // about:blank or a spec page leaves the status's name; "error" as a
      // discriminator is no code; any other string is a weak code (Stripe's
      // "invalid_request_error").
      const s = sanitize(m["type"], maxMessage * 4);
      const url = isURLRef(s);
      if (s === "" || isDiscriminator(s)) {
        // nothing
      } else if (s === "about:blank") {
        this.statusNameCode ||= statusName(e.status);
      } else if (url || s.startsWith("urn:") || s.startsWith("tag:")) {
        if (url && !e.docs) e.docs = s;
        const seg = problemTypeCode(s);
        if (seg) this.typeCode ||= seg;
        else this.statusNameCode ||= statusName(e.status);
      } else {
        if (!this.typeCode) this.typeCode = s;
        setContext(e, "type", s);
      }
      known = true;
    }
    if (typeof m["status"] === "string" && !this.statusCode && isUpperSnake(m["status"])) this.statusCode = m["status"];
    if (typeof m["name"] === "string" && !this.nameCode && isUpperSnake(m["name"])) this.nameCode = m["name"];
    if (Array.isArray(m["links"]) && !e.docs) {
      for (const it of m["links"]) {
        if (isObject(it) && typeof it["href"] === "string" && ["information_link", "help", "about", "describedby"].includes(String(it["rel"]))) {
          e.docs = sanitize(it["href"], maxMessage * 4);
          break;
        }
      }
    }
    const num = intString(m["code"]);
    if (num !== undefined && !this.numCode) this.numCode = num;

    for (const k of ["retryable", "retriable", "is_retryable", "isRetryable"]) if (m[k] === true) e.retryable = true;
    for (const k of ["retryAfter", "retry_after", "retryAfterSeconds", "retry_after_seconds", "retry_after_secs", "retryDelay"]) {
      if (k in m && e.retryAfterMs === undefined) {
        const d = hintMs(m[k]);
        if (d !== undefined && d > 0) e.retryAfterMs = d;
      }
    }
    for (const k of ["retry_after_ms", "retryAfterMs"]) {
      const n = typeof m[k] === "number" ? m[k] : typeof m[k] === "string" ? parseFloat(m[k]) : NaN;
      if (Number.isFinite(n) && n > 0 && e.retryAfterMs === undefined) e.retryAfterMs = n;
    }

    const detail = m["detail"];
    if (typeof detail === "string") {
      if (!e.detail) e.detail = sanitize(detail, maxMessage * 4);
      known = true;
    } else if (Array.isArray(detail)) {
      this.list(detail);
      known = true;
    }
    const details = m["details"];
    if (typeof details === "string") {
      if (!e.detail) e.detail = sanitize(details, maxMessage * 4);
    } else if (isObject(details)) {
      const errs = details["errors"];
      if (Array.isArray(errs)) this.list(errs);
      else if (isObject(errs)) this.fieldMap(errs);
      if (!this.contextDone) setContext(e, "details", details);
    } else if (Array.isArray(details)) {
      this.list(details);
    }

    for (const k of ["field", "param", "target"]) {
      const f = m[k];
      if (typeof f === "string" && f !== "") {
        let msg = e.detail ?? "";
        if (typeof details === "string" && details !== "") msg = details;
        if (msg === "" && typeof m["message"] === "string") msg = m["message"];
        this.addField(sanitize(f, maxMessage), str(m["code"], maxMessage), sanitize(msg, maxMessage * 4));
        break;
      }
    }

    const errors = m["errors"];
    if (Array.isArray(errors)) {
      this.list(errors);
      known = true;
    } else if (isObject(errors)) {
      this.fieldMap(errors);
      known = true;
    }
    for (const k of ["invalid-params", "invalid_params", "violations", "validation_errors", "fieldErrors", "field_errors"]) {
      const v = m[k];
      if (Array.isArray(v)) this.list(v);
      else if (isObject(v)) this.fieldMap(v);
    }
    const ctx = m["context"];
    if (isObject(ctx)) {
      for (const [k, v] of Object.entries(ctx)) {
        if (k === "errors" && isObject(v)) {
          this.fieldMap(v);
          continue;
        }
        if (k === "errors" && Array.isArray(v)) {
          this.list(v);
          continue;
        }
        if ((k === "retry_after" || k === "retryAfter") && e.retryAfterMs === undefined) {
          const d = hintMs(v);
          if (d !== undefined && d > 0) e.retryAfterMs = d;
        }
        if (!this.contextDone) setContext(e, k, v);
      }
    }
    const inner = firstOf(m, "innererror", "innerError");
    if (isObject(inner)) this.innerError(inner, 0);
    for (const k of ["decline_code", "domain"]) {
      const s = str(m[k], maxMessage);
      if (s) setContext(e, k, s);
    }
    if (isObject(m["error"])) {
      this.object(m["error"], depth + 1);
      known = true;
    }
    if (depth === 0 && isProblem(m) && !this.contextDone) {
      for (const [k, v] of Object.entries(m)) if (!problemMembers.has(k)) setContext(e, k, v);
    }
    if (!known && e.code === "" && e.message === "" && e.fields.length === 0 && isFieldMap(m)) this.fieldMap(m);
  }

  list(l: unknown[]): void {
    l.slice(0, 100).forEach((it) => {
      if (typeof it === "string") {
        if (!this.itemMessage) this.itemMessage = sanitize(it, maxMessage);
      } else if (isObject(it)) {
        if (typeof it["@type"] === "string") this.googleDetail(it["@type"], it);
        else this.item(it);
      }
    });
  }

  item(m: Record<string, unknown>): void {
    const pick = (...keys: string[]) => {
      for (const k of keys) {
        const s = str(m[k]);
        if (s) return s;
      }
      return "";
    };
    const msg0 = pick("message", "detail", "msg", "description", "reason", "title", "error");
    let rule = pick("code", "rule", "type", "issue", "reason", "error");
    if (rule === msg0) {
      rule = pick("code", "rule", "type");
      if (rule === msg0) rule = "";
    }
    if (rule === "") rule = intString(m["code"]) ?? "";
    let field = pick("field", "param", "parameter", "target", "name", "property", "propertyPath", "property_path", "attribute", "key");
    const src = m["source"];
    if (field === "" && isObject(src)) {
      if (typeof src["pointer"] === "string") field = pointerPath(src["pointer"]);
      else if (typeof src["parameter"] === "string") field = sanitize(src["parameter"], maxMessage);
      else if (typeof src["header"] === "string") field = sanitize(src["header"], maxMessage);
    }
    if (field === "") {
      if (typeof m["pointer"] === "string") field = pointerPath(m["pointer"]);
      else if (Array.isArray(m["loc"])) field = locPath(m["loc"]);
      else if (Array.isArray(m["path"])) field = locPath(m["path"]);
      else if (typeof m["path"] === "string") field = sanitize(m["path"], maxMessage);
    }
    let msg = msg0;
    if (field !== "") {
      if (msg === "") msg = rule;
      this.addField(field, rule, msg);
    }
    if (!this.itemCode && rule) this.itemCode = rule;
    if (!this.itemMessage) {
      let d = pick("detail", "message", "msg");
      if (d) {
        if (field !== "" && d === msg) d = field + ": " + d;
        this.itemMessage = d;
      }
    }
    if (!this.itemTitle) this.itemTitle = pick("title");
    const links = m["links"];
    if (!this.e.docs && isObject(links)) {
      const about = links["about"];
      if (typeof about === "string") this.e.docs = sanitize(about, maxMessage * 4);
      else if (isObject(about) && typeof about["href"] === "string") this.e.docs = sanitize(about["href"], maxMessage * 4);
    }
    const inner = firstOf(m, "innererror", "innerError");
    if (isObject(inner)) this.innerError(inner, 0);
  }

  fieldMap(m: Record<string, unknown>): void {
    for (const k of Object.keys(m).sort()) {
      const v = m[k];
      const field = sanitize(k, maxMessage);
      if (typeof v === "string") {
        this.addField(field, "", sanitize(v, maxMessage * 4));
      } else if (Array.isArray(v)) {
        for (const x of v) {
          if (typeof x === "string") {
            this.addField(field, "", sanitize(x, maxMessage * 4));
          } else if (isObject(x)) {
            const code = firstOf(x, "code", "rule", "type", "error");
            const m2 = firstOf(x, "message", "msg", "error", "description");
            const c = typeof code === "string" ? code : "";
            const msg = typeof m2 === "string" && m2 !== "" ? m2 : c;
            this.addField(field, sanitize(c, maxMessage), sanitize(msg, maxMessage * 4));
          }
        }
      }
    }
  }

  addField(field: string, rule: string, message: string): void {
    const fs = this.e.fields;
    if (fs.length >= 100 || fs.some((f) => f.field === field && f.message === message)) return;
    fs.push(rule ? { field, rule, message } : { field, message });
  }

  googleDetail(t: string, m: Record<string, unknown>): void {
    const e = this.e;
    const name = t.slice(t.lastIndexOf("/") + 1);
    switch (name) {
      case "google.rpc.ErrorInfo": {
        const reason = str(m["reason"], maxMessage);
        if (reason && e.code === "") e.code = reason;
        const domain = str(m["domain"], maxMessage);
        if (domain) setContext(e, "domain", domain);
        if (isObject(m["metadata"]) && Object.keys(m["metadata"]).length > 0) setContext(e, "metadata", m["metadata"]);
        break;
      }
      case "google.rpc.RetryInfo": {
        const d = hintMs(m["retryDelay"]);
        if (d !== undefined && d > 0 && e.retryAfterMs === undefined) e.retryAfterMs = d;
        e.retryable = true;
        break;
      }
      case "google.rpc.BadRequest":
        if (Array.isArray(m["fieldViolations"])) {
          for (const v of m["fieldViolations"]) {
            if (isObject(v) && str(v["field"])) this.addField(str(v["field"], maxMessage), str(v["reason"], maxMessage), str(v["description"]));
          }
        }
        break;
      case "google.rpc.RequestInfo":
        if (typeof m["requestId"] === "string" && !e.requestId) e.requestId = sanitize(m["requestId"], 128);
        break;
      case "google.rpc.Help": {
        const links = m["links"];
        if (Array.isArray(links) && isObject(links[0]) && typeof links[0]["url"] === "string" && !e.docs) {
          e.docs = sanitize(links[0]["url"], maxMessage * 4);
        }
        break;
      }
      case "google.rpc.LocalizedMessage":
        if (typeof m["message"] === "string" && e.message === "") e.message = sanitize(m["message"], maxMessage * 4);
        break;
      case "google.rpc.QuotaFailure":
      case "google.rpc.PreconditionFailure":
        if (Array.isArray(m["violations"])) setContext(e, name.slice("google.rpc.".length), m["violations"]);
        break;
    }
  }

  kubernetes(m: Record<string, unknown>): void {
    const e = this.e;
    if (typeof m["reason"] === "string") e.code = sanitize(m["reason"], maxMessage);
    if (typeof m["message"] === "string") e.message = sanitize(m["message"], maxMessage * 4);
    const num = intString(m["code"]);
    if (num !== undefined && e.code === "") this.numCode = num;
    const d = m["details"];
    if (!isObject(d)) return;
    const ra = hintMs(d["retryAfterSeconds"]);
    if (ra !== undefined && ra > 0) e.retryAfterMs = ra;
    for (const k of ["name", "group", "kind", "uid"]) {
      const s = str(d[k], maxMessage);
      if (s) setContext(e, k, s);
    }
    if (Array.isArray(d["causes"])) {
      for (const c of d["causes"]) {
        if (!isObject(c)) continue;
        const f = str(c["field"], maxMessage);
        if (f) this.addField(f, str(c["reason"], maxMessage), str(c["message"]));
        else if (!this.itemMessage) this.itemMessage = str(c["message"]);
      }
    }
  }

  innerError(m: Record<string, unknown>, depth: number): void {
    if (depth > 8) return;
    const code = str(m["code"], maxMessage);
    if (code) this.e.context["innererror"] = code;
    for (const k of ["request-id", "requestId", "request_id"]) {
      if (typeof m[k] === "string" && m[k] !== "" && !this.e.requestId) this.e.requestId = sanitize(m[k], 128);
    }
    const next = firstOf(m, "innererror", "innerError");
    if (isObject(next)) this.innerError(next, depth + 1);
  }
}

function isURLRef(s: string): boolean {
  return s.startsWith("https://") || s.startsWith("http://") || (s.startsWith("/") && !s.startsWith("//"));
}

/** Whether a "type" member only says the object is an error ("error", "ErrorResponse"). */
function isDiscriminator(s: string): boolean {
  const b = s.length > 32 ? "" : s.toLowerCase().replace(/[^a-z]/g, "");
  return ["error", "errors", "errorlist", "errorresponse", "exception", "fault", "problem"].includes(b);
}

function isIdentifier(s: string): boolean {
  return s.length > 0 && s.length <= 64 && /^[A-Za-z0-9_.:\-/]+$/.test(s) && /[A-Za-z]/.test(s);
}

/** Hosts of the HTTP specifications: a problem type there names the status, not a problem. */
const specHosts = new Set(["tools.ietf.org", "datatracker.ietf.org", "www.rfc-editor.org", "rfc-editor.org",
  "developer.mozilla.org", "httpstatuses.com", "www.w3.org"]);

/** Last segments of a problem type URI that name a page of all errors rather than one. */
const genericSegments = new Set(["", "errors", "error", "problems", "problem", "probs", "types", "status-codes",
  "api-status-codes", "error-codes", "errorcodes", "codes", "docs", "reference", "index"]);

/**
 * The code an RFC 9457 problem type names: the identifier in its fragment,
 * else its last path segment without an extension; a URN's or tag URI's last
 * part. "" when it names no single problem.
 */
function problemTypeCode(uri: string): string {
  let s = uri;
  if (s.startsWith("urn:") || s.startsWith("tag:")) {
    const seg = s.slice(Math.max(s.lastIndexOf(":"), s.lastIndexOf("/")) + 1);
    return isIdentifier(seg) ? seg : "";
  }
  s = s.replace(/^https?:\/\//, "");
  if (!s.startsWith("/")) {
    const host = s.split("/")[0]!;
    if (specHosts.has(host.toLowerCase())) return "";
    s = s.slice(host.length);
  }
  const hash = s.indexOf("#");
  if (hash >= 0) {
    const frag = s.slice(hash + 1);
    if (isIdentifier(frag) && !frag.startsWith("section")) return frag;
    s = s.slice(0, hash);
  }
  s = s.split("?")[0]!.replace(/\/+$/, "");
  let seg = s.slice(s.lastIndexOf("/") + 1);
  for (const ext of [".html", ".htm", ".md", ".json", ".php", ".aspx"]) if (seg.endsWith(ext)) seg = seg.slice(0, -ext.length);
  if (genericSegments.has(seg.toLowerCase()) || /^\d+$/.test(seg) || !isIdentifier(seg)) return "";
  return seg;
}

/** The status's text as a code: 404 → "not_found", 522 → "connection_timed_out". */
function statusName(status: number): string {
  return textOf(status).toLowerCase().replace(/'/g, "").replace(/[^a-z0-9]+/g, " ").trim().replace(/ /g, "_");
}

function isProblem(m: Record<string, unknown>): boolean {
  return typeof m["title"] === "string" && (typeof m["type"] === "string" || typeof m["detail"] === "string");
}

function isFieldMap(m: Record<string, unknown>): boolean {
  const vals = Object.values(m);
  return vals.length > 0 && vals.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string"));
}

function awsErrorType(s: string): string {
  let t = s.slice(s.lastIndexOf("#") + 1);
  const i = t.indexOf(":");
  if (i >= 0) t = t.slice(0, i);
  return t.trim();
}

function fromText(e: Draft, body: string): void {
  for (const line of body.slice(0, 4 * maxMessage).split("\n")) {
    const m = sanitize(line, maxMessage);
    if (m) {
      e.message = m;
      return;
    }
  }
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function stripTags(s: string): string {
  return s
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, " ")
    .replace(/<!--[\s\S]*?(-->|$)/g, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, ent: string) => {
      if (ent[0] === "#") {
        const n = ent[1] === "x" || ent[1] === "X" ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
      }
      return entities[ent.toLowerCase()] ?? all;
    });
}

function elementText(s: string, name: string): string {
  const m = new RegExp("<" + name + "(?:[\\s][^>]*)?>([\\s\\S]*?)(?:</" + name + "|$)", "i").exec(s);
  return m ? sanitize(stripTags(m[1]!.slice(0, 4 * maxMessage)), maxMessage) : "";
}

function fromHTML(e: Draft, body: string): void {
  const title = elementText(body, "title");
  const h1 = elementText(body, "h1");
  if (h1) {
    e.message = h1;
    if (title && title !== h1) e.title = title;
  } else if (title) {
    e.message = title;
  } else {
    const i = body.toLowerCase().indexOf("<body");
    const s = i >= 0 ? body.slice(i) : body;
    e.message = sanitize(stripTags(s.slice(0, 16 * maxMessage)), maxMessage);
  }
}

/** AWS-style XML errors: the first <Code>, <Message> and <RequestId> anywhere. */
function fromXML(e: Draft, body: string): boolean {
  let found = false;
  const re = /<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>([^<]*)<\/\1\s*>/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    const v = sanitize(stripTags(m[2]!), maxMessage);
    if (!v) continue;
    switch (m[1]!.toLowerCase()) {
      case "code":
        if (e.code === "") (e.code = v), (found = true);
        break;
      case "message":
        if (e.message === "") (e.message = v), (found = true);
        break;
      case "requestid":
        if (!e.requestId) e.requestId = v;
        break;
      case "resource":
        setContext(e, "resource", v);
        break;
      case "hostid":
        setContext(e, "host_id", v);
        break;
      case "type":
        setContext(e, "type", v);
        break;
    }
  }
  return found;
}

/** Fills what every shape shares: request ID and retry-after from headers, a message, retryability. */
function finish(e: Draft, h: Headers, weak: string, now: () => number): void {
  if (e.code === "") {
    const t = h.get("x-amzn-errortype");
    if (t) e.code = sanitize(awsErrorType(t), maxMessage);
  }
  if (e.code === "") e.code = weak;
  if (!e.requestId) {
    for (const k of requestIdHeaders) {
      const v = h.get(k);
      const s = v === null ? "" : sanitize(v.split(",")[0]!, 128);
      if (s) {
        e.requestId = s;
        break;
      }
    }
  }
  const serverNow = () => {
    const d = Date.parse(h.get("date") ?? "");
    return Number.isFinite(d) ? d : now();
  };
  const ra = parseRetryAfter(h.get("retry-after"), serverNow());
  if (ra !== undefined) e.retryAfterMs = ra;
  if (!e.retryAfterMs) {
    const reset = rateLimitWait(h, serverNow);
    if (reset !== undefined) {
      e.retryAfterMs = reset; // a spent rate limit (GitHub sends it with a 403) is worth a retry once it resets
      e.retryable = true;
    }
  }
  if (e.message === "") {
    if (e.detail) e.message = e.detail;
    else if (e.title) e.message = e.title;
    else if (e.fields.length > 0) e.message = e.fields[0]!.field + ": " + e.fields[0]!.message;
    else e.message = textOf(e.status) || "HTTP " + String(e.status);
  }
  if (retryableStatus(e.status) || throttlingCodes.has(e.code)) e.retryable = true;
}

/**
 * Parses a Retry-After value (RFC 9110 §10.2.3): delay-seconds ("120") or an
 * HTTP-date measured against now (ms since the epoch; pass the response's
 * Date so clock skew does not matter). A past date gives 0. Returns
 * milliseconds, or undefined for an empty or malformed value. Callers cap it.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const v = (value ?? "").trim();
  if (v === "") return undefined;
  if (/^\d+$/.test(v)) return Math.min(Number(v), 1e10) * 1000;
  if (!/^[A-Za-z]{3},? /.test(v)) return undefined; // an HTTP-date starts with the day's name
  const t = Date.parse(v);
  if (!Number.isFinite(t)) return undefined;
  return Math.max(t - now, 0);
}

/** When a spent rate limit resets: the IETF RateLimit field, or a *RateLimit-Remaining of 0 with its Reset. */
function rateLimitWait(h: Headers, now: () => number): number | undefined {
  const rl = h.get("ratelimit");
  if (rl) {
    let best: number | undefined;
    for (const item of rl.split(",")) {
      let r = "";
      let t = "";
      item.split(";").slice(1).forEach((p) => {
        const [k, val = ""] = p.trim().split("=");
        if (k === "r") r = val;
        if (k === "t") t = val;
      });
      if (r === "0" && /^\d+$/.test(t)) best = Math.max(best ?? 0, Number(t) * 1000);
    }
    if (best !== undefined) return best;
  }
  for (const [rem, reset] of [["ratelimit-remaining", "ratelimit-reset"], ["x-ratelimit-remaining", "x-ratelimit-reset"]] as const) {
    if ((h.get(rem) ?? "").trim() !== "0") continue;
    const v = (h.get(reset) ?? "").trim();
    if (!/^\d+$/.test(v)) return 0;
    const n = Number(v);
    return n > 1e9 ? Math.max(n * 1000 - now(), 0) : n * 1000; // epoch seconds, or a delay
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Retrying fetch

/** Statuses retried by default: 408, 429, 500, 502, 503, 504. Other 4xx say the request itself is wrong. */
export const defaultRetryStatuses: readonly number[] = [408, 429, 500, 502, 503, 504];

/** Defaults of RetryOptions. */
export const defaults = {
  maxRetries: 3,
  minWaitMs: 100,
  maxWaitMs: 20_000,
  maxRetryAfterMs: 30_000,
  idempotencyHeader: "Idempotency-Key",
  budgetTokens: 10,
  budgetRatio: 0.1,
} as const;

/**
 * A retry budget, as gRPC's retry throttling: up to max tokens, starting
 * full; every failed attempt takes one, every success gives back ratio; a
 * retry is allowed only while more than half remain. With (10, 0.1) a
 * backend that fails everything gets at most 4 retries in all before each
 * request is sent once. Share one Budget between wrappers to budget a backend.
 */
export class Budget {
  private tokens: number;
  constructor(readonly max: number = defaults.budgetTokens, readonly ratio: number = defaults.budgetRatio) {
    if (!(max > 0)) this.max = defaults.budgetTokens;
    if (!(ratio > 0)) this.ratio = defaults.budgetRatio;
    this.tokens = this.max;
  }
  /** Whether a retry may be sent now. */
  allow(): boolean {
    return this.tokens > this.max / 2;
  }
  /** Records a failed attempt. */
  failure(): void {
    this.tokens = Math.max(this.tokens - 1, 0);
  }
  /** Records an attempt that needs no retry. */
  success(): void {
    this.tokens = Math.min(this.tokens + this.ratio, this.max);
  }
  /** The tokens left. */
  get left(): number {
    return this.tokens;
  }
}

/** Full-jitter exponential backoff: a uniform random wait in [0, min(max, min·2^(attempt-1))] ms. */
export function fullJitter(attempt: number, minMs: number, maxMs: number): number {
  return Math.floor(Math.random() * (exponentialCeiling(attempt, minMs, maxMs) + 1));
}

/** min·2^(attempt-1) capped at max: the ceiling fullJitter draws under. */
export function exponentialCeiling(attempt: number, minMs: number, maxMs: number): number {
  if (minMs <= 0) return 0;
  return Math.min(minMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 60), maxMs);
}

/** A retry about to happen. */
export interface RetryEvent {
  method: string;
  url: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the wrapper waits before the next attempt, in ms. */
  waitMs: number;
  /** The failed attempt's status; 0 for a network error. */
  status: number;
  /** The failed attempt's decoded error, or the network error. */
  error: ApiError | Error;
  /** The Idempotency-Key sent, if any: the same on every attempt. */
  idempotencyKey?: string;
}

/** How a retrying fetch behaves. Every member is optional; each default is named. */
export interface RetryOptions {
  /** Sends each attempt; default globalThis.fetch. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Retries after the first attempt; undefined or 0 means 3 (as in the Go client), negative means none. */
  maxRetries?: number;
  /** Statuses worth another attempt; default defaultRetryStatuses. */
  retryStatuses?: readonly number[];
  /** Bounds of the backoff when the server gives no hint, in ms; default 100 and 20,000. */
  minWaitMs?: number;
  maxWaitMs?: number;
  /** Caps a wait the server asks for (Retry-After, a body hint), in ms; default 30,000. */
  maxRetryAfterMs?: number;
  /** The backoff; default fullJitter. */
  backoff?: (attempt: number, minMs: number, maxMs: number) => number;
  /**
   * Gives a POST or PATCH without an idempotency header a key, the same on
   * every attempt, which makes it retryable; default a random UUID. false
   * sends such requests once.
   */
  idempotencyKey?: (() => string) | false;
  /** The header that carries the key; default "Idempotency-Key". */
  idempotencyHeader?: string;
  /** Limits retries to a share of recent traffic; default a Budget of this wrapper's own. */
  budget?: Budget;
  /** Called before each wait. */
  onRetry?: (ev: RetryEvent) => void;
  /** Reads retried error bodies for hints (the generated errors.ts passes the catalog's). */
  decodeOptions?: DecodeOptions;
  /** The clock, ms since the epoch; default Date.now. */
  now?: () => number;
  /** Waits ms or rejects when signal aborts; default a timer. Tests set it so that no test waits for real backoff. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Per-call extras of a retrying fetch, beside RequestInit's signal. */
export interface RetryInit extends RequestInit {
  /** No attempt starts, and no wait ends, after this time (ms since the epoch). */
  deadline?: number;
  /** The same as a deadline of now + timeoutMs; it also aborts an attempt in flight. */
  timeoutMs?: number;
}

/** Why a retrying fetch gave up without a response to hand back. */
export type RetryReason = "retries_exhausted" | "budget_exhausted" | "not_replayable" | "deadline" | "not_retryable";

/**
 * Thrown when the wrapper gives up without a response: a network error, or a
 * retryable status whose next wait would pass the deadline. cause is the last
 * error (an ApiError when the last attempt got a response).
 */
export class RetryError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly attempts: number,
    readonly reason: RetryReason,
    readonly lastError: ApiError | Error,
    readonly waitMs?: number,
  ) {
    super(`${method} ${url}: ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason.replace(/_/g, " ")}: ${String(lastError)}`,
      { cause: lastError });
    this.name = "RetryError";
  }
}

const idempotentMethods = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Returns a fetch that retries what is safe to retry. What it retries:
 * network errors and retryStatuses, only for idempotent methods (GET, HEAD,
 * OPTIONS, PUT, DELETE, TRACE) or requests with an Idempotency-Key, which it
 * gives every POST and PATCH itself unless told not to. How long it waits:
 * Retry-After (seconds or an HTTP-date against the response's Date) or a
 * retry hint in the error body, capped by maxRetryAfterMs; else full-jitter
 * exponential backoff. It never waits past the call's deadline, stops at
 * once when the caller's signal aborts (rejecting with the signal's reason,
 * as fetch does), and keeps a retry budget. When it gives up on a retryable
 * status it resolves with that last response, its body unread: the status is
 * the answer (decode it). It rejects with a RetryError for a network error
 * it could not retry away, and for a wait that would pass the deadline.
 */
export function retryingFetch(options: RetryOptions = {}) {
  const budget = options.budget ?? new Budget();
  const retryStatuses = new Set(options.retryStatuses ?? defaultRetryStatuses);
  const maxRetries = options.maxRetries === undefined || options.maxRetries === 0 ? defaults.maxRetries : Math.max(options.maxRetries, 0);
  const keyHeader = options.idempotencyHeader ?? defaults.idempotencyHeader;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;

  return async function fetchWithRetry(input: RequestInfo | URL, init: RetryInit = {}): Promise<Response> {
    const send = options.fetch ?? globalThis.fetch.bind(globalThis);
    const request = typeof Request !== "undefined" && input instanceof Request ? input : undefined;
    const method = (init.method ?? request?.method ?? "GET").toUpperCase();
    const url = request ? request.url : String(input);
    const { deadline: deadlineAt, timeoutMs, ...rest } = init;
    const deadline = Math.min(deadlineAt ?? Infinity, timeoutMs !== undefined ? now() + timeoutMs : Infinity);
    const headers = new Headers(init.headers ?? request?.headers);
    let key = headers.get(keyHeader) ?? undefined;
    if (key === undefined && (method === "POST" || method === "PATCH") && options.idempotencyKey !== false && maxRetries > 0) {
      key = (options.idempotencyKey ?? randomKey)();
      headers.set(keyHeader, key);
    }
    const body = rest.body;
    const replayable = (idempotentMethods.has(method) || key !== undefined) &&
      !(typeof ReadableStream !== "undefined" && body instanceof ReadableStream);

    const signal = deadlineSignal(init.signal ?? request?.signal ?? undefined, deadline, now);
    try {
      for (let attempt = 1; ; attempt++) {
        let response: Response | undefined;
        let netErr: Error | undefined;
        try {
          const req = request ? request.clone() : input;
          response = await send(req, { ...rest, method, headers, signal: signal.signal });
        } catch (err) {
          if (signal.signal?.aborted) throw signal.signal.reason; // the caller's abort or the deadline: never retried
          netErr = err instanceof Error ? err : new Error(String(err));
        }
        if (response && !retryStatuses.has(response.status)) {
          budget.success();
          return response; // the signal stays armed: it still bounds reading the body
        }
        budget.failure();
        const lastRaw: ApiError | Error = netErr ?? new Error("HTTP " + String(response?.status));
        let reason: RetryReason | undefined;
        if (attempt > maxRetries) reason = "retries_exhausted";
        else if (!replayable) reason = "not_replayable";
        else if (!budget.allow()) reason = "budget_exhausted";
        if (reason) {
          if (response) return response; // untouched: the caller reads it
          throw new RetryError(method, url, attempt, reason, lastRaw);
        }
        // Another attempt will be made: read what the failure says.
        let last: ApiError | Error = lastRaw;
        let hint: number | undefined;
        if (response) {
          const e = await decode(response, options.decodeOptions);
          if (e) {
            last = e;
            hint = e.retryAfterMs;
          }
        }
        const waitMs = hint !== undefined && hint > 0
          ? Math.min(hint, options.maxRetryAfterMs ?? defaults.maxRetryAfterMs)
          : Math.max((options.backoff ?? fullJitter)(attempt, options.minWaitMs ?? defaults.minWaitMs, options.maxWaitMs ?? defaults.maxWaitMs), 0);
        if (now() + waitMs > deadline) throw new RetryError(method, url, attempt, "deadline", last, waitMs);
        options.onRetry?.({ method, url, attempt, waitMs, status: response?.status ?? 0, error: last, idempotencyKey: key });
        try {
          await sleep(waitMs, signal.signal);
        } catch (err) {
          throw signal.signal?.aborted ? signal.signal.reason : err;
        }
        if (signal.signal?.aborted) throw signal.signal.reason;
      }
    } catch (err) {
      signal.release();
      throw err;
    }
  };
}

/**
 * The signal each attempt and wait of one call listens to: the caller's own
 * when there is no deadline (so fetch keeps its usual hold on the body),
 * else one that also aborts, with a TimeoutError, at the deadline. It stays
 * armed after a response is returned, so it bounds reading the body too;
 * release disarms it when the call fails. The timer does not keep Node alive.
 */
function deadlineSignal(caller: AbortSignal | undefined, deadline: number, now: () => number): { signal: AbortSignal | undefined; release: () => void } {
  if (!Number.isFinite(deadline)) return { signal: caller, release: () => {} };
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(caller?.reason);
  const timer: unknown = setTimeout(() => {
    caller?.removeEventListener("abort", onAbort);
    ctl.abort(new DOMException("The deadline passed.", "TimeoutError"));
  }, Math.max(deadline - now(), 0));
  (timer as { unref?: () => void }).unref?.();
  if (caller?.aborted) onAbort();
  else caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: ctl.signal,
    release: () => {
      clearTimeout(timer as ReturnType<typeof setTimeout>);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A random UUID (version 4): crypto.randomUUID where there is one, else crypto.getRandomValues. */
export function randomKey(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
