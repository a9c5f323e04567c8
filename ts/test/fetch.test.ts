// The retry policy of retryingFetch, attempt by attempt, on a scripted
// fetch and a recorded sleep: no test waits for a clock. It mirrors the Go
// client's transport_test.go.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Budget, RetryError, decode, randomKey, retryingFetch, type RetryOptions } from "../gen/fax/errors.js";

interface Seen {
  method: string;
  key: string | null;
  body: string | null;
}

/** A fetch that answers from a script (a Response, or an Error to throw) and records each attempt. */
function scripted(...answers: (Response | Error | (() => Response))[]) {
  const seen: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    seen.push({ method: req.method, key: req.headers.get("idempotency-key"), body: req.body ? await req.text() : null });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    if (a instanceof Error) throw a;
    return typeof a === "function" ? a() : a.clone();
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const ok = () => json(200, { ok: true });
const unavailable = (headers: Record<string, string> = {}) => json(503, { error: "service_unavailable", message: "down" }, headers);

/** Options with a recorded sleep and a deterministic backoff (the ceiling, no jitter). */
function opts(extra: RetryOptions = {}) {
  const waits: number[] = [];
  let now = Date.parse("2026-11-25T11:00:00Z");
  const o: RetryOptions = {
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    backoff: (attempt, min, max) => Math.min(min * 2 ** (attempt - 1), max),
    ...extra,
  };
  return { o, waits };
}

describe("what is retried", () => {
  test("a GET through 503s, with exponential backoff", async () => {
    const s = scripted(unavailable(), unavailable(), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    const resp = await retryingFetch(o)("https://api.test/x");
    assert.equal(resp.status, 200);
    assert.equal(s.seen.length, 3);
    assert.deepEqual(waits, [100, 200]);
  });
  for (const status of [408, 429, 500, 502, 503, 504]) {
    test(`status ${status} is retried`, async () => {
      const s = scripted(json(status, {}), ok());
      const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/x");
      assert.equal(resp.status, 200);
      assert.equal(s.seen.length, 2);
    });
  }
  for (const status of [400, 401, 403, 404, 409, 422, 501]) {
    test(`status ${status} is not retried`, async () => {
      const s = scripted(json(status, { error: "x" }), ok());
      const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/x", { method: "PUT", body: "{}" });
      assert.equal(resp.status, status);
      assert.equal(s.seen.length, 1);
    });
  }
  test("a network error is retried", async () => {
    const s = scripted(new TypeError("fetch failed"), ok());
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/x");
    assert.equal(resp.status, 200);
    assert.equal(s.seen.length, 2);
  });
  test("a network error that lasts ends in a RetryError", async () => {
    const s = scripted(new TypeError("fetch failed"));
    const err = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/x").catch((e: unknown) => e);
    assert.ok(err instanceof RetryError);
    assert.equal(err.reason, "retries_exhausted");
    assert.equal(err.attempts, 4);
    assert.ok(err.lastError instanceof TypeError);
  });
  test("when retries run out the last response comes back unread", async () => {
    const s = scripted(unavailable());
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/x");
    assert.equal(s.seen.length, 4, "the first attempt and 3 retries");
    assert.equal(resp.status, 503);
    assert.equal((await decode(resp))?.code, "service_unavailable");
  });
  test("maxRetries below zero sends once", async () => {
    const s = scripted(unavailable(), ok());
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch, maxRetries: -1 })("https://api.test/x");
    assert.equal(resp.status, 503);
    assert.equal(s.seen.length, 1);
  });
});

describe("only what is safe to send twice", () => {
  test("a POST gets one Idempotency-Key, the same on every attempt", async () => {
    const s = scripted(json(500, {}), json(500, {}), json(201, {}));
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/fax", { method: "POST", body: "{\"a\":1}" });
    assert.equal(resp.status, 201);
    assert.equal(s.seen.length, 3);
    const keys = new Set(s.seen.map((x) => x.key));
    assert.equal(keys.size, 1);
    assert.ok(s.seen[0]?.key);
    assert.deepEqual(s.seen.map((x) => x.body), ['{"a":1}', '{"a":1}', '{"a":1}'], "the body is sent whole each time");
  });
  test("the caller's own key is kept", async () => {
    const s = scripted(json(500, {}), json(201, {}));
    await retryingFetch({ ...opts().o, fetch: s.fetch })("https://api.test/fax", {
      method: "POST", body: "{}", headers: { "Idempotency-Key": "order-1" },
    });
    assert.deepEqual(s.seen.map((x) => x.key), ["order-1", "order-1"]);
  });
  test("a PATCH gets a key too; a PUT needs none", async () => {
    const patch = scripted(json(500, {}), ok());
    await retryingFetch({ ...opts().o, fetch: patch.fetch })("https://api.test/x", { method: "PATCH", body: "{}" });
    assert.equal(patch.seen.length, 2);
    assert.ok(patch.seen[0]?.key);
    const put = scripted(json(500, {}), ok());
    await retryingFetch({ ...opts().o, fetch: put.fetch })("https://api.test/x", { method: "PUT", body: "{}" });
    assert.equal(put.seen.length, 2);
    assert.equal(put.seen[0]?.key, null);
  });
  test("with idempotencyKey false a POST is sent once", async () => {
    const s = scripted(json(500, {}), json(201, {}));
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch, idempotencyKey: false })("https://api.test/x", { method: "POST", body: "{}" });
    assert.equal(resp.status, 500);
    assert.equal(s.seen.length, 1);
    assert.equal(s.seen[0]?.key, null);
  });
  test("a network error on a keyless POST is a RetryError, not a retry", async () => {
    const s = scripted(new TypeError("fetch failed"), json(201, {}));
    const err = await retryingFetch({ ...opts().o, fetch: s.fetch, idempotencyKey: false })("https://api.test/x", { method: "POST", body: "{}" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof RetryError);
    assert.equal(err.reason, "not_replayable");
    assert.equal(s.seen.length, 1);
  });
  test("a Request with a body is sent whole on each attempt", async () => {
    const s = scripted(json(503, {}), ok());
    const req = new Request("https://api.test/x", { method: "PUT", body: "payload" });
    const resp = await retryingFetch({ ...opts().o, fetch: s.fetch })(req);
    assert.equal(resp.status, 200);
    assert.deepEqual(s.seen.map((x) => x.body), ["payload", "payload"]);
  });
});

describe("how long it waits", () => {
  test("Retry-After in seconds", async () => {
    const s = scripted(unavailable({ "Retry-After": "7" }), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    await retryingFetch(o)("https://api.test/x");
    assert.deepEqual(waits, [7000]);
  });
  test("Retry-After as an HTTP-date, measured against the response's Date", async () => {
    const s = scripted(unavailable({ Date: "Wed, 25 Nov 2026 10:00:00 GMT", "Retry-After": "Wed, 25 Nov 2026 10:00:20 GMT" }), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    await retryingFetch(o)("https://api.test/x");
    assert.deepEqual(waits, [20_000]);
  });
  test("Retry-After is capped", async () => {
    const s = scripted(unavailable({ "Retry-After": "3600" }), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    await retryingFetch(o)("https://api.test/x");
    assert.deepEqual(waits, [30_000]);
    const s2 = scripted(unavailable({ "Retry-After": "3600" }), ok());
    const o2 = opts({ fetch: s2.fetch, maxRetryAfterMs: 5000 });
    await retryingFetch(o2.o)("https://api.test/x");
    assert.deepEqual(o2.waits, [5000]);
  });
  test("a retry hint in the body (seed 003's error.retryAfter)", async () => {
    const s = scripted(json(429, { success: false, message: "Rate limit exceeded", error: { code: "RATE_LIMIT_EXCEEDED", retryAfter: 12 } }), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    await retryingFetch(o)("https://api.test/x");
    assert.deepEqual(waits, [12_000]);
  });
  test("the default backoff is full jitter under the exponential ceiling", async () => {
    const s = scripted(unavailable(), unavailable(), unavailable(), ok());
    const waits: number[] = [];
    await retryingFetch({ fetch: s.fetch, sleep: async (ms) => void waits.push(ms) })("https://api.test/x");
    assert.equal(waits.length, 3);
    waits.forEach((w, i) => assert.ok(w >= 0 && w <= 100 * 2 ** i, `wait ${w} over the ceiling of retry ${i + 1}`));
  });
});

describe("when it stops", () => {
  test("never waits past the deadline", async () => {
    const s = scripted(unavailable({ "Retry-After": "10" }), ok());
    const { o, waits } = opts({ fetch: s.fetch });
    const err = await retryingFetch(o)("https://api.test/x", { deadline: o.now!() + 5000 }).catch((e: unknown) => e);
    assert.ok(err instanceof RetryError);
    assert.equal(err.reason, "deadline");
    assert.equal(err.waitMs, 10_000);
    assert.equal(err.attempts, 1);
    assert.deepEqual(waits, [], "no sleep in vain");
    assert.equal((err.lastError as { code?: string }).code, "service_unavailable");
  });
  test("timeoutMs is a deadline", async () => {
    const s = scripted(unavailable({ "Retry-After": "2" }), ok());
    const { o } = opts({ fetch: s.fetch });
    const err = await retryingFetch(o)("https://api.test/x", { timeoutMs: 1000 }).catch((e: unknown) => e);
    assert.ok(err instanceof RetryError && err.reason === "deadline");
  });
  test("the caller's abort stops the wait at once, with the signal's reason", async () => {
    const s = scripted(unavailable());
    const ctl = new AbortController();
    const o: RetryOptions = {
      fetch: s.fetch,
      sleep: (_ms, signal) => {
        ctl.abort(new DOMException("user left the page", "AbortError"));
        return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
      },
    };
    const err = await retryingFetch(o)("https://api.test/x", { signal: ctl.signal }).catch((e: unknown) => e);
    assert.ok(err instanceof DOMException);
    assert.equal(err.name, "AbortError");
    assert.equal(s.seen.length, 1);
  });
  test("an aborted signal sends nothing more", async () => {
    const ctl = new AbortController();
    ctl.abort();
    const fetchAborting = async (_i: RequestInfo | URL, init?: RequestInit) => {
      init?.signal?.throwIfAborted();
      return ok();
    };
    const err = await retryingFetch({ fetch: fetchAborting })("https://api.test/x", { signal: ctl.signal }).catch((e: unknown) => e);
    assert.ok(err instanceof DOMException && err.name === "AbortError");
  });
  test("the budget stops a storm: at most 4 retries in all against a failing backend", async () => {
    const s = scripted(unavailable());
    const budget = new Budget(10, 0.1);
    const get = retryingFetch({ ...opts().o, fetch: s.fetch, budget, maxRetries: 10 });
    await get("https://api.test/x");
    assert.equal(s.seen.length, 5, "the first request: 1 attempt and 4 retries");
    await get("https://api.test/x");
    assert.equal(s.seen.length, 6, "the next request: sent once");
    assert.equal(budget.allow(), false);
  });
  test("successes refill the budget", () => {
    const b = new Budget(10, 0.1);
    for (let i = 0; i < 5; i++) b.failure();
    assert.equal(b.allow(), false);
    for (let i = 0; i < 10; i++) b.success();
    assert.equal(b.allow(), true);
  });
});

test("randomKey is a version 4 UUID", () => {
  assert.match(randomKey(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
