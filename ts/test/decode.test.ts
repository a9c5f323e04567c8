// decode against two sets of bodies the Go client is held to:
//   - every code's documented example of the five seed catalogs, in every
//     format each speaks (docgen/testdata/<api>/examples.json, written by
//     docgen's golden test), decoded by that catalog's generated module;
//   - other APIs' error bodies (client/testdata/decode), whose decoded form
//     the Go client's golden .want files record.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { ApiError, contentLanguage, decode, decodeBody, parseRetryAfter, type ContextMember, type DecodeOptions } from "../gen/fax/apierr.js"; // the runtime, no catalog
import { repoRoot } from "./demo.js";

interface Example {
  code: string;
  format: string;
  status: number;
  content_type: string;
  retry_after?: string;
  body: string;
  message: string;
  context?: Record<string, unknown>;
  fields?: { field: string; rule?: string; message: string }[];
}

/** What a generated errors.ts exports, as far as these tests use it. */
interface Module {
  decode(r: Response): Promise<ApiError | null>;
  decodeBody(status: number, headers: Headers, body: string): ApiError;
  decodeOptions: DecodeOptions;
  codes: Record<string, { context: Record<string, ContextMember> }>;
  hasCode(e: unknown, code: string): boolean;
}

// Every generated module: ts/check writes one per examples/*/errors.yaml.
const apis = readdirSync(join(repoRoot, "ts", "gen")).sort();
const modules: Record<string, Module> = {};
for (const api of apis) modules[api] = (await import(`../gen/${api}/errors.js`)) as Module;
const fax = await import("../gen/fax/errors.js");
const inbox = await import("../gen/inbox/errors.js");

describe("the example catalogs' example bodies", () => {
  test("every example catalog has its module", () => {
    for (const seed of ["calls", "campaigns", "fax", "inbox", "mail"]) assert.ok(apis.includes(seed), seed);
  });
  for (const [api, mod] of Object.entries(modules)) {
    const examples = JSON.parse(readFileSync(join(repoRoot, "docgen", "testdata", api, "examples.json"), "utf8")) as Example[];
    test(`${api}: ${examples.length} bodies`, async () => {
      for (const x of examples) {
        const where = `${api}/${x.format}/${x.code}: ${x.body}`;
        const headers: Record<string, string> = { "Content-Type": x.content_type };
        if (x.retry_after) headers["Retry-After"] = x.retry_after;
        const e = await mod.decode(new Response(x.body, { status: x.status, headers }));
        assert.ok(e, where);
        assert.equal(e.status, x.status, where);
        if (x.body.includes(JSON.stringify(x.code))) {
          assert.equal(e.code, x.code, where);
          // Known unless the body lacks a member the catalog requires
          // (then the typed context would lie).
          const schema = mod.codes[x.code]?.context ?? {};
          const complete = Object.entries(schema).every(([k, m]) => !m.required || x.body.includes(JSON.stringify(k) + ":"));
          assert.equal(e.known, complete, where);
          assert.equal(mod.hasCode(e, x.code), complete, where);
        }
        if (x.body.includes(JSON.stringify(x.message).slice(1, -1))) {
          assert.ok([e.message, e.detail, e.title].includes(x.message), `message ${e.message}: ${where}`);
        }
        for (const f of e.fields) {
          assert.ok(x.fields?.some((w) => w.field === f.field && w.message === f.message), `field ${JSON.stringify(f)}: ${where}`);
        }
        if (x.fields?.length && x.body.includes(JSON.stringify(x.fields[0]!.field))) {
          assert.ok(e.fields.length > 0, `no field errors: ${where}`);
        }
        for (const [k, v] of Object.entries(x.context ?? {})) {
          if (x.body.includes(JSON.stringify(k) + ":")) {
            assert.deepEqual((e.context as Record<string, unknown>)[k], v, `context.${k}: ${where}`);
          }
        }
        if (x.retry_after) assert.equal(e.retryAfterMs, Number(x.retry_after) * 1000, where);
      }
    });
  }

  test("a documented context member of the wrong type is left out", () => {
    const e = fax.decodeBody(400, new Headers(), JSON.stringify({ error: "bad_request", message: "m", context: { line: "one", column: 3, supported: ["a", 1] } }));
    assert.ok(fax.isBadRequest(e));
    assert.equal(e.context.line, undefined);
    assert.equal(e.context.column, 3);
    assert.equal(e.context.supported, undefined, "an array of strings with a number in it");
    assert.match(e.body, /"one"/, "the raw body keeps it");
  });

  test("a required member missing or of the wrong type makes the error unknown", () => {
    const ok = fax.decodeBody(402, new Headers(), JSON.stringify({ error: "insufficient_balance", message: "m", context: { available: 0, required: 10 } }));
    assert.ok(fax.isInsufficientBalance(ok));
    const short: number = ok.context.required - ok.context.available; // both numbers: the catalog requires them
    assert.equal(short, 10);
    for (const context of [{ available: 0 }, { available: "lots", required: 10 }, {}]) {
      const e = fax.decodeBody(402, new Headers(), JSON.stringify({ error: "insufficient_balance", message: "m", context }));
      assert.equal(e.code, "insufficient_balance");
      assert.equal(e.known, false, JSON.stringify(context));
      assert.equal(fax.isInsufficientBalance(e), false);
    }
  });

  test("seed 001's details are the context", () => {
    const e = inbox.decodeBody(402, new Headers(), JSON.stringify({ error: "quota_exceeded", message: "Plan limit reached", details: { quota: "max_inboxes", limit: 3, used: 3 }, request_id: "r1" }));
    assert.ok(inbox.isQuotaExceeded(e));
    const limit: number = e.context.limit;
    assert.equal(limit, 3);
    assert.equal(e.context.quota, "max_inboxes");
    assert.equal(e.requestId, "r1");
  });

  test("a code the catalog does not declare is not known", async () => {
    const e = await fax.decode(new Response("<html><title>502 Bad Gateway</title></html>", { status: 502, headers: { "Content-Type": "text/html" } }));
    assert.ok(e);
    assert.equal(e.known, false);
    assert.equal(fax.isCatalogError(e), false);
    assert.equal(e.message, "502 Bad Gateway");
    assert.equal(e.retryable, true);
  });

  test("a 2xx is not an error and its body is left alone", async () => {
    const resp = new Response('{"ok":true}', { status: 200 });
    assert.equal(await decode(resp), null);
    assert.deepEqual(await resp.json(), { ok: true });
  });
});

// Status and headers of each client/testdata/decode body, as the Go
// client's decodeCases serve them (client/decode_test.go).
const cases: [file: string, status: number, headers?: Record<string, string>][] = [
  ["envelope_validation.json", 422],
  ["envelope_rate_limited.json", 429, { "Retry-After": "12" }],
  ["problem_apierr.json", 422, { "Content-Type": "application/problem+json" }],
  ["problem_rfc9457.json", 403, { "Content-Type": "application/problem+json" }],
  ["problem_rfc9457_errors.json", 422, { "Content-Type": "application/problem+json" }],
  ["seed001_structured.json", 402],
  ["seed001_validation.json", 422],
  ["seed001_fastapi_detail.json", 404],
  ["fastapi_validation.json", 422],
  ["seed002.json", 409],
  ["seed003_validation.json", 422],
  ["seed003_rate_limited.json", 429],
  ["seed004.json", 402],
  ["stripe_resource_missing.json", 404, { "Request-Id": "req_kBqvmvCHM2Z0CZ" }],
  ["stripe_card_declined.json", 402],
  ["google_quota.json", 429],
  ["google_bad_request.json", 400],
  ["google_status_only.json", 503],
  ["microsoft.json", 400],
  ["microsoft_graph.json", 429],
  ["jsonapi.json", 422],
  ["github.json", 422, { "X-GitHub-Request-Id": "CDE8:1F2A:9B3C:4D5E" }],
  ["github_rate_limit.json", 403, { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795604460", Date: "Wed, 25 Nov 2026 11:00:00 GMT" }],
  ["fieldmap.json", 422],
  ["rails.json", 422],
  ["aspnet_validation.json", 400, { "Content-Type": "application/problem+json; charset=utf-8" }],
  ["laravel.json", 422],
  ["kubernetes_not_found.json", 404],
  ["kubernetes_too_many.json", 429],
  ["kubernetes_invalid.json", 422],
  ["aws_json.json", 400, { "X-Amzn-RequestId": "KAJSH1782HJKAS9", "Content-Type": "application/x-amz-json-1.0" }],
  ["aws_throttling.json", 400, { "X-Amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "X-Amzn-RequestId": "r-1" }],
  ["s3_no_such_key.xml", 404, { "Content-Type": "application/xml", "X-Amz-Request-Id": "HEADER-ID" }],
  ["s3_slow_down.xml", 503],
  ["aws_query.xml", 400, { "Content-Type": "text/xml" }],
  ["twilio.json", 404, { "Twilio-Request-Id": "RQ123" }],
  ["paypal.json", 422, { "Paypal-Debug-Id": "f0b2c4e6a8d1b" }],
  ["oauth.json", 400],
  ["spring_boot.json", 500],
  ["unknown_shape.json", 418],
  ["nginx_502.html", 502, { "Content-Type": "text/html", "CF-Ray": "8e1f2a3b4c5d6e7f-AMS" }],
  ["cloudflare_522.html", 522],
  ["bare_body.html", 503],
  ["envoy_503.txt", 503, { Date: "Wed, 25 Nov 2026 11:00:00 GMT", "Retry-After": "Wed, 25 Nov 2026 11:01:30 GMT" }],
  ["plain_control.txt", 503],
  ["control_bytes.txt", 400],
];

/** Go's time.Duration.String() ("12s", "1m0s", "1.5s") in ms. */
function goDuration(s: string): number {
  let ms = 0;
  for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(n) * { h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[unit as "h"];
  return ms;
}

describe("other APIs' shapes, as the Go client decodes them", () => {
  const dir = join(repoRoot, "client", "testdata", "decode");
  for (const [file, status, headers] of cases) {
    test(file, () => {
      const body = readFileSync(join(dir, file), "utf8");
      const want = JSON.parse(readFileSync(join(dir, file + ".want"), "utf8")) as Record<string, unknown>;
      const e = decodeBody(status, new Headers(headers), body);
      assert.ok(e instanceof ApiError);
      const got: Record<string, unknown> = {
        code: e.code || undefined, status: e.status, title: e.title || undefined, message: e.message,
        detail: e.detail || undefined, action: e.action || undefined, docs: e.docs || undefined,
        retryable: e.retryable, request_id: e.requestId || undefined, instance: e.instance || undefined,
        fields: e.fields.length ? e.fields : undefined,
      };
      const expected: Record<string, unknown> = { ...want };
      delete expected["condition"];
      delete expected["context"];
      delete expected["retry_after"];
      for (const k of Object.keys(got)) if (got[k] === undefined) delete got[k];
      assert.deepEqual(got, expected);
      if (typeof want["retry_after"] === "string") assert.equal(e.retryAfterMs, goDuration(want["retry_after"]));
      else assert.ok(!e.retryAfterMs, `retryAfterMs ${String(e.retryAfterMs)}`);
    });
  }
});

test("contentLanguage keeps the first tag in conventional case, as the Go client's ResponseError.Language", () => {
  const cases: [string | null, string | undefined][] = [
    [null, undefined], ["", undefined], ["de", "de"], [" fr-ca ", "fr-CA"], ["mi, EN", "mi"], [", , de", "de"],
    ["zh-hant-tw", "zh-Hant-TW"], ["en-x-US", "en-x-us"], ["es-419", "es-419"], ["de?, en", undefined],
    ["1de", undefined], ["deutschland", undefined], ["a-".repeat(40), undefined],
  ];
  for (const [v, want] of cases) {
    const h = new Headers();
    if (v !== null) h.set("content-language", v);
    assert.equal(contentLanguage(h), want, String(v));
  }
  const e = decodeBody(402, new Headers({ "content-type": "application/json", "content-language": "de" }),
    '{"error":"insufficient_balance","message":"Das Guthaben reicht nicht aus."}');
  assert.equal(e.language, "de");
  assert.equal(e.code, "insufficient_balance");
  assert.equal(decodeBody(500, new Headers(), "oops").language, undefined);
});

test("parseRetryAfter", () => {
  const now = Date.parse("Wed, 25 Nov 2026 11:00:00 GMT");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 11:01:00 GMT", now), 60_000);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 10:00:00 GMT", now), 0, "a past date");
  for (const bad of ["", "soon", "-5", "1.5", "12abc"]) assert.equal(parseRetryAfter(bad, now), undefined, bad);
});

// Bad input never throws: every corpus body, cut short, with bytes flipped,
// under every content type, still decodes to an error with a status and a
// message. A fixed seed keeps the run reproducible.
test("decode never throws on mangled bodies", () => {
  const dir = join(repoRoot, "client", "testdata", "decode");
  let seed = 20261201;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const bodies = cases.map(([file]) => readFileSync(join(dir, file), "utf8"));
  bodies.push("", "{", "[", "null", "42", '"x"', "{\"error\":{\"error\":{\"error\":{\"error\":{\"error\":{}}}}}}", "<", "<html", "\u0000\uffff");
  const types = ["application/json", "application/problem+json", "text/html", "application/xml", "text/plain", ""];
  let n = 0;
  for (const body of bodies) {
    for (let i = 0; i < 40; i++) {
      let b = body;
      switch (i % 4) {
        case 0:
          b = b.slice(0, rand(b.length + 1));
          break;
        case 1: {
          const at = rand(b.length + 1);
          b = b.slice(0, at) + String.fromCharCode(rand(0x3000)) + b.slice(at + 1);
          break;
        }
        case 2:
          b = b.replace(/"[^"]*"/, () => (rand(2) ? "1e999" : "[]"));
          break;
      }
      const status = [400, 404, 418, 429, 500, 503, 522, 599][rand(8)]!;
      const h = new Headers({ "Content-Type": types[rand(types.length)]!, "Retry-After": ["", "3", "soon", "Wed, 25 Nov 2026 11:01:00 GMT"][rand(4)]! });
      for (const opts of [{}, ...Object.values(modules).map((m) => m.decodeOptions)]) {
        const e = decodeBody(status, h, b, opts);
        assert.equal(e.status, status);
        assert.ok(e.message.length > 0, `empty message for ${JSON.stringify(b)}`);
        assert.ok(e.fields.length <= 100);
        assert.ok(e.retryAfterMs === undefined || (Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0));
        n++;
      }
    }
  }
  assert.ok(n > 5000);
});
