// The README's TypeScript snippet ("A TypeScript client"), compiled by
// ts/check with tsc --strict against the fax module, so it cannot drift from
// the generated API; readme.test.ts checks that each of its lines is here.
import { decode, isInsufficientBalance, retryingFetch } from "../gen/fax/errors.js";

declare function showTopUp(available: number): void;
declare function markFields(fields: readonly { field: string; message: string }[]): void;
declare function toast(text: string): void;

export async function readmeSnippet(headers: HeadersInit, body: string, signal: AbortSignal): Promise<void> {
  const api = retryingFetch();  // 408/429/5xx retried only when safe; POST/PATCH get one Idempotency-Key
  const resp = await api("/fax", { method: "POST", headers, body, signal, timeoutMs: 10_000 });
  const err = await decode(resp); // null on 2xx; our envelope, RFC 9457 or another API's shape → one ApiError
  if (isInsufficientBalance(err)) showTopUp(err.context.available); // a number: the catalog requires it
  else if (err?.known && err.code === "validation_failed") markFields(err.fields);
  else if (err) toast(`${err.message} (request ${err.requestId})`);
}
