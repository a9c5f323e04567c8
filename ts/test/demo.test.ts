// The generated fax client against the real demo: every kind of error
// decodes to its code with its context typed, and the retrying fetch keeps
// the Go client's policy on the wire.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  ApiError,
  decode,
  hasCode,
  isApiKeyInvalid,
  isFaxNotTerminal,
  isInsufficientBalance,
  isRateLimitExceeded,
  isValidationFailed,
  retryingFetch,
  type Code,
  type DecodedError,
  type RetryEvent,
} from "../gen/fax/errors.js";
import { startDemo, type Demo } from "./demo.js";

// The demo's fixed keys (cmd/apierr/demo.go prints them).
const SANDBOX = "fx_test_acme_4f9c2b7e1d8a6035";
const LIVE = "fx_live_acme_b1e7d4c09a2f3586";
const GLOBEX = "fx_test_globex_7c3e9a1f5b2d8046";
const INACTIVE = "fx_test_initech_2d8b6f0e4a1c9735";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <</Type /Page>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n").toString("base64");
const fax = (to: string) => JSON.stringify({ to, file: PDF });

let demo: Demo;
// --tick 1h: no fax leaves "queued", so holds and fax_not_terminal are
// deterministic; --burst 40 keeps the sandbox key clear of 429s except where
// a test asks for one (on the Globex key, which has its own bucket). --rate 1
// refills one request a second, so the 429 the Retry-After test reaches is
// still in force when its retrying fetch sends (at 10/s a token came back
// within 100 ms and that fetch's first attempt was sometimes admitted).
before(async () => {
  demo = await startDemo(["--tick", "1h", "--rate", "1", "--burst", "40", "--quiet"]);
});
after(async () => {
  await demo?.stop();
});

function call(path: string, key: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key !== undefined) headers.set("Authorization", "Bearer " + key);
  if (typeof init.body === "string") headers.set("Content-Type", "application/json");
  return fetch(demo.base + path, { ...init, headers });
}

async function decoded(resp: Response): Promise<DecodedError> {
  const e = await decode(resp);
  assert.ok(e, `status ${resp.status}: no error decoded`);
  return e;
}

/** What a front end does with a decoded error: a switch on the code, each branch reading its typed context. */
function advice(e: DecodedError): string {
  if (!e.known) return "unknown error: " + e.message;
  switch (e.code) {
    case "insufficient_balance": {
      const short: number = e.context.required - e.context.available;
      return `top up ${short} credits`;
    }
    case "fax_not_terminal":
      return `wait: the fax is ${e.context.status ?? "in flight"}`;
    case "validation_failed":
      return e.fields.map((f) => `${f.field}: ${f.message}`).join("; ");
    case "bad_request":
      return `JSON error at ${e.context.line ?? "?"}:${e.context.column ?? "?"}`;
    case "rate_limit_exceeded":
      return `retry in ${e.context.retry_after ?? 1}s`;
    default:
      return e.action ?? e.message;
  }
}

test("an error in the reader's language keeps its Content-Language", async () => {
  for (const [accept, lang, message] of [
    ["de", "de", "Das Guthaben reicht für diesen Vorgang nicht aus."],
    ["fr;q=0.9, de;q=0.8", "fr", "Solde insuffisant pour cette opération."],
    ["ja", "en", "Insufficient balance for this operation."],
  ] as const) {
    const e = await decoded(await call("/fax", LIVE, { method: "POST", body: fax("+14155550123"), headers: { "Accept-Language": accept } }));
    assert.equal(e.code, "insufficient_balance");
    assert.equal(e.language, lang, accept);
    assert.equal(e.message, message, accept);
    assert.ok(isInsufficientBalance(e) && e.context.required > 0);
  }
});

describe("each error kind decodes to its code", () => {
  const cases: { name: string; code: Code; status: number; send: () => Promise<Response>; check?: (e: DecodedError) => void }[] = [
    { name: "no key", code: "api_key_missing", status: 401, send: () => call("/account/balance", undefined) },
    {
      name: "not a Bearer key", code: "unauthenticated", status: 401,
      send: () => call("/account/balance", undefined, { headers: { Authorization: "Basic dXNlcjpwYXNz" } }),
    },
    {
      name: "a key with whitespace", code: "api_key_invalid", status: 401,
      send: () => call("/account/balance", undefined, { headers: { Authorization: "Bearer  " + SANDBOX } }),
      check: (e) => {
        assert.ok(isApiKeyInvalid(e));
        const hint: string | undefined = e.context.hint;
        assert.match(hint ?? "", /whitespace/);
      },
    },
    { name: "a deactivated workspace", code: "workspace_inactive", status: 403, send: () => call("/account/balance", INACTIVE) },
    {
      name: "a body that is not JSON", code: "bad_request", status: 400,
      send: () => call("/fax", SANDBOX, { method: "POST", body: "{" }),
      check: (e) => {
        assert.ok(hasCode(e, "bad_request"));
        assert.equal(typeof e.context.line, "number");
        assert.equal(typeof e.context.column, "number");
        assert.match(advice(e), /^JSON error at \d+:\d+$/);
      },
    },
    {
      name: "missing and bad fields", code: "validation_failed", status: 422,
      send: () => call("/fax", SANDBOX, { method: "POST", body: JSON.stringify({ file: "aGVsbG8=" }) }),
      check: (e) => {
        assert.ok(isValidationFailed(e));
        assert.deepEqual(e.fields.map((f) => f.field).sort(), ["file", "to"]);
        assert.equal("errors" in e.context, false, "field errors are in fields, not in context");
      },
    },
    {
      name: "no credits (live key)", code: "insufficient_balance", status: 402,
      send: () => call("/fax", LIVE, { method: "POST", body: fax("+14155550123") }),
      check: (e) => {
        assert.ok(isInsufficientBalance(e));
        const available: number = e.context.available;
        assert.equal(available, 0);
        assert.equal(e.context.required, 10);
        assert.equal(advice(e), "top up 10 credits");
      },
    },
    { name: "an unknown fax", code: "not_found", status: 404, send: () => call("/fax/fax_does_not_exist", SANDBOX) },
    { name: "another workspace's fax", code: "forbidden", status: 403, send: () => call("/fax/fax_demo_globex", SANDBOX) },
    { name: "a purged document", code: "fax_data_purged", status: 422, send: () => call("/fax/fax_demo_purged/image", SANDBOX) },
    {
      name: "deleting a fax in flight", code: "fax_not_terminal", status: 409,
      send: async () => {
        const created = await call("/fax", SANDBOX, { method: "POST", body: fax("+14155550123") });
        assert.equal(created.status, 201);
        const { id } = (await created.json()) as { id: string };
        return call("/fax/" + id, SANDBOX, { method: "DELETE" });
      },
      check: (e) => {
        assert.ok(isFaxNotTerminal(e));
        const status: string | undefined = e.context.status;
        assert.equal(status, "queued");
      },
    },
    { name: "a sandbox failure", code: "internal_server_error", status: 500, send: () => call("/fax", SANDBOX, { method: "POST", body: fax("+14155550500") }) },
    { name: "an unknown endpoint", code: "endpoint_not_found", status: 404, send: () => call("/nowhere", SANDBOX) },
    {
      name: "a wrong method", code: "method_not_allowed", status: 405, send: () => call("/account/balance", SANDBOX, { method: "PATCH" }),
      check: (e) => {
        assert.ok(hasCode(e, "method_not_allowed"));
        const allowed: readonly string[] | undefined = e.context.allowed;
        assert.ok(allowed?.includes("GET"));
      },
    },
    {
      name: "a reused idempotency key", code: "idempotency_key_reused", status: 422,
      send: async () => {
        const key = { "Idempotency-Key": "ts-reused-" + String(Date.now()) };
        assert.equal((await call("/fax", SANDBOX, { method: "POST", body: fax("+14155550123"), headers: key })).status, 201);
        return call("/fax", SANDBOX, { method: "POST", body: fax("+14155550124"), headers: key });
      },
    },
    {
      name: "RFC 9457 when asked for", code: "api_key_missing", status: 401,
      send: () => call("/account/balance", undefined, { headers: { Accept: "application/problem+json" } }),
      check: (e) => {
        assert.match(e.headers.get("content-type") ?? "", /problem\+json/);
        assert.equal(e.title, "API key missing");
      },
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.code}`, async () => {
      const resp = await c.send();
      const e = await decoded(resp);
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, c.status);
      assert.equal(e.code, c.code);
      assert.equal(e.known, true);
      assert.ok(e.message.length > 0);
      assert.ok(e.requestId, "request ID");
      assert.equal(e.requestId, resp.headers.get("x-request-id"));
      assert.ok(e.docs?.endsWith("/docs/errors/" + c.code.replace(/_/g, "-")), `docs ${String(e.docs)}`);
      c.check?.(e);
    });
  }
});

/** A fetch that records each attempt's status and Idempotency-Key. */
function spy(): { fetch: typeof fetch; attempts: { status: number; key: string | null }[] } {
  const attempts: { status: number; key: string | null }[] = [];
  return {
    attempts,
    fetch: async (input, init) => {
      const resp = await fetch(input, init);
      attempts.push({ status: resp.status, key: new Headers(init?.headers).get("Idempotency-Key") });
      return resp;
    },
  };
}

async function available(key: string): Promise<number> {
  const r = await call("/account/balance", key);
  assert.equal(r.status, 200);
  return ((await r.json()) as { available: number }).available;
}

test("a 429 is retried after its Retry-After", async () => {
  // Spend Globex's burst, then ask through the retrying fetch.
  let limited = 0;
  for (let i = 0; i < 60 && limited === 0; i++) {
    const r = await call("/account/balance", GLOBEX);
    if (r.status === 429) {
      const e = await decoded(r);
      assert.ok(isRateLimitExceeded(e));
      const seconds: number | undefined = e.context.retry_after;
      assert.equal(e.retryAfterMs, Number(r.headers.get("retry-after")) * 1000);
      assert.equal(seconds, Number(r.headers.get("retry-after")));
      limited++;
    } else {
      await r.body?.cancel();
    }
  }
  assert.equal(limited, 1, "the burst never ran out");
  const events: RetryEvent[] = [];
  const s = spy();
  const get = retryingFetch({ fetch: s.fetch, onRetry: (ev) => events.push(ev) });
  const resp = await get(demo.base + "/account/balance", { headers: { Authorization: "Bearer " + GLOBEX } });
  assert.equal(resp.status, 200);
  assert.deepEqual(s.attempts.map((a) => a.status).slice(-1), [200]);
  assert.equal(s.attempts[0]?.status, 429);
  assert.ok(events.length >= 1);
  for (const ev of events) {
    assert.equal(ev.status, 429);
    assert.ok(hasCode(ev.error, "rate_limit_exceeded"));
    assert.equal(ev.waitMs, (ev.error as ApiError).retryAfterMs, "the wait is the server's Retry-After");
    assert.equal(ev.waitMs, 1000);
  }
  assert.equal(s.attempts[0]?.key, null, "a GET gets no Idempotency-Key");
});

test("a POST whose first answer is a 500 is retried with one Idempotency-Key and charged once", async () => {
  const before = await available(SANDBOX);
  const s = spy();
  const events: RetryEvent[] = [];
  const post = retryingFetch({ fetch: s.fetch, onRetry: (ev) => events.push(ev) });
  // A sandbox number ending in 0501: the first attempt of each key answers 500.
  const resp = await post(demo.base + "/fax", {
    method: "POST",
    headers: { Authorization: "Bearer " + SANDBOX, "Content-Type": "application/json" },
    body: fax("+14155550501"),
  });
  assert.equal(resp.status, 201, await resp.clone().text());
  const created = (await resp.json()) as { id: string; cost: number };
  assert.deepEqual(s.attempts.map((a) => a.status), [500, 201]);
  const key = s.attempts[0]?.key;
  assert.match(key ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(s.attempts[1]?.key, key, "the retry carries the first attempt's key");
  assert.equal(events.length, 1);
  assert.equal(events[0]?.idempotencyKey, key);
  assert.ok(hasCode(events[0]?.error, "internal_server_error"));
  assert.equal(created.cost, 10);
  assert.equal(await available(SANDBOX), before - created.cost, "charged once");

  // Sent again with the same key, it is the same fax, not a second one.
  const again = await call("/fax", SANDBOX, { method: "POST", body: fax("+14155550501"), headers: { "Idempotency-Key": key ?? "" } });
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal(((await again.json()) as { id: string }).id, created.id);
  assert.equal(await available(SANDBOX), before - created.cost, "still charged once");
});

test("a POST without a key is not retried", async () => {
  const s = spy();
  const post = retryingFetch({ fetch: s.fetch, idempotencyKey: false });
  const resp = await post(demo.base + "/fax", {
    method: "POST",
    headers: { Authorization: "Bearer " + SANDBOX, "Content-Type": "application/json" },
    body: fax("+14155550501"),
  });
  assert.equal(resp.status, 500);
  assert.deepEqual(s.attempts, [{ status: 500, key: null }]);
  const e = await decoded(resp); // the body is untouched: the caller reads it
  assert.equal(e.code, "internal_server_error");
});

test("a 422 is not retried", async () => {
  const s = spy();
  const post = retryingFetch({ fetch: s.fetch });
  const resp = await post(demo.base + "/fax", {
    method: "POST",
    headers: { Authorization: "Bearer " + SANDBOX, "Content-Type": "application/json" },
    body: JSON.stringify({ file: "aGVsbG8=" }),
  });
  assert.equal(resp.status, 422);
  assert.equal(s.attempts.length, 1);
  assert.ok(s.attempts[0]?.key, "the POST carried a key, and still was not retried");
  assert.ok(isValidationFailed(await decode(resp)));
});
