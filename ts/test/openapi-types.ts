// Typechecked (tsc --strict, never run) by ts/check: the types
// openapi-typescript generates from the demo's /openapi.json and from the
// petstores `apierr openapi --merge` wrote (oagen/) make each
// operation's error code member the union of exactly the codes that
// operation declares for that status.
import type { components as fax, paths } from "../oagen/fax.js";
import type { components as pets31 } from "../oagen/petstore31.js";
import type { components as pets30 } from "../oagen/petstore.js";

// Equals is true only when A and B are the same type.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Code<R> = R extends { error: infer C } ? C : R extends { code: infer C } ? C : never;
type JSONBody<Op, S extends number> = Op extends { responses: { [K in S]: { content: { "application/json": infer B } } } } ? B : never;

// POST /fax: 402 is insufficient_balance only, 422 validation_failed and
// the idempotency layer's idempotency_key_reused, 401 the three
// authentication codes; problem+json has the same codes in its code member.
export const post402: Equals<Code<JSONBody<paths["/fax"]["post"], 402>>, "insufficient_balance"> = true;
export const post422: Equals<Code<JSONBody<paths["/fax"]["post"], 422>>, "idempotency_key_reused" | "validation_failed"> = true;
export const post401: Equals<Code<fax["schemas"]["CreateFax401Error"]>, "api_key_invalid" | "api_key_missing" | "unauthenticated"> = true;
export const post401Problem: Equals<Code<fax["schemas"]["CreateFax401Problem"]>, "api_key_invalid" | "api_key_missing" | "unauthenticated"> = true;
// DELETE /fax/{id}: 409 is fax_not_terminal (and, since the route takes
// Idempotency-Key nowhere, nothing of the idempotency layer's).
export const delete409: Equals<Code<JSONBody<paths["/fax/{id}"]["delete"], 409>>, "fax_not_terminal"> = true;
// A code the operation does not declare is a type error.
// @ts-expect-error fax_not_terminal is not one of POST /fax's 402 codes
export const wrong: Code<JSONBody<paths["/fax"]["post"], 402>> = "fax_not_terminal";

// The code's context members are typed.
export function available(e: fax["schemas"]["InsufficientBalanceError"]): number | undefined {
  return e.context?.available;
}

// The petstores: 3.1 and 3.0 alike.
export const pets404: Equals<Code<pets31["schemas"]["ShowPetById404Error"]>, "pet_not_found"> = true;
export const pets409: Equals<Code<pets30["schemas"]["CreatePets409Error"]>, "pet_name_taken"> = true;
export const petId: (e: pets31["schemas"]["PetNotFoundError"]) => string = (e) => e.context?.pet_id ?? "";
