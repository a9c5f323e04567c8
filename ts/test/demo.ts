// Starts the real demo (`apierr demo`) on a free loopback port for a test
// file, and stops it. The binary is $APIERR_BIN (ts/check builds it), else
// one built here with `go build`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: tests run from ts/build/test/. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface Demo {
  base: string;
  stop(): Promise<void>;
}

function binary(): string {
  if (process.env["APIERR_BIN"]) return process.env["APIERR_BIN"];
  const out = join(mkdtempSync(join(tmpdir(), "apierr-ts-")), "apierr");
  const r = spawnSync("go", ["build", "-o", out, "./cmd/apierr"], { cwd: repoRoot, stdio: "inherit" });
  if (r.status !== 0) throw new Error("go build ./cmd/apierr failed; set APIERR_BIN to a built apierr");
  return out;
}

/** Starts `apierr demo --addr 127.0.0.1:0 ARGS` and resolves once it listens. */
export function startDemo(args: string[]): Promise<Demo> {
  const child = spawn(binary(), ["demo", "--addr", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Never outlive the test process, whatever ends it.
  const killChild = () => child.kill();
  process.once("exit", killChild);
  child.once("exit", () => process.off("exit", killChild));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error("the demo did not start within 60 s:\n" + stderr));
    }, 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${String(code)}):\n${stderr}`));
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^;\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve({
          base: m[1]!,
          stop: async () => {
            child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
  });
}
