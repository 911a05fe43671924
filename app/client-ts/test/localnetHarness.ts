/**
 * The localnet as a child process for the JSON-RPC tests: `restaking-cli localnet` (Surfpool,
 * offline, on free ports of 127.0.0.1) started from the CLI binary, its addresses file read, its
 * tester commands (`warp`, `set-rate`, `fund-rewards`, ...) run, and the child stopped in every
 * case (SIGTERM, then SIGKILL; also on any exit of the test process). Same approach as the web
 * app's browser journey (app/web/e2e/harness.ts).
 *
 * The CLI binary: `$RESTAKING_CLI`, else `${CARGO_TARGET_DIR:-target}/debug/restaking-cli`
 * (`cargo build -p restaking-cli`); the program: `$RESTAKING_SO` or target/deploy/restaking.so.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PROGRAM_SO, REPO_ROOT } from "./helpers";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The CLI binary: `$RESTAKING_CLI`, else `$CARGO_TARGET_DIR/debug/restaking-cli`, else `target/debug/restaking-cli`. */
export function cliPath(): string {
  if (process.env.RESTAKING_CLI) return path.resolve(process.env.RESTAKING_CLI);
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR) : path.join(REPO_ROOT, "target");
  return path.join(target, "debug", "restaking-cli");
}

/**
 * Why the localnet tests cannot run here (a missing CLI binary or program), or `null`. With
 * `RESTAKING_LOCALNET_REQUIRED=1` a missing piece is an error instead (CI).
 */
export function localnetSkipReason(): string | null {
  const missing: string[] = [];
  if (!fs.existsSync(cliPath())) missing.push(`${cliPath()} (cargo build -p restaking-cli, or set RESTAKING_CLI)`);
  if (!fs.existsSync(PROGRAM_SO)) missing.push(`${PROGRAM_SO} (scripts/build-sbf.sh)`);
  if (missing.length === 0) return null;
  const reason = `localnet tests skipped: missing ${missing.join(" and ")}`;
  if (process.env.RESTAKING_LOCALNET_REQUIRED === "1") throw new Error(`${reason}; RESTAKING_LOCALNET_REQUIRED=1`);
  return reason;
}

/** Whether this CLI's `localnet` has `--bare` (program only, no fixtures). */
export async function cliHasBare(): Promise<boolean> {
  const { stdout } = await run(cliPath(), ["localnet", "--help"], { cwd: REPO_ROOT });
  return stdout.includes("--bare");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A free port whose successor is free too (the localnet's RPC and WebSocket). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i += 1) {
    const p = await freePort();
    if (p + 1 >= 65536) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(p + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  throw new Error("no two free consecutive ports on 127.0.0.1");
}

export type WalletEntry = { name: string; pubkey: string; keypair: string; tokenAccounts: Record<string, string> };
export type StreamEntry = { rewardMint: string; rewardIndex: string; rewardVault: string };
/** The localnet's addresses file (app/cli/README.md, "The addresses file"). */
export type Addresses = {
  version: number;
  programId: string;
  rpcUrl: string;
  wsUrl: string;
  config: string;
  admin: WalletEntry;
  guardian: WalletEntry;
  treasury: string;
  mintAuthority: WalletEntry;
  pools: {
    name: string;
    pool: string;
    lstMint: string;
    vault: string;
    tokenProgram: string;
    decimals: number;
    rateSource: { kind: string; account?: string; owner?: string; updater?: string };
    rate: string;
    withdrawalDelaySecs: number;
  }[];
  rewardMints: { name: string; mint: string; decimals: number; tokenProgram: string }[];
  operators: {
    name: string;
    authority: WalletEntry;
    operator: string;
    commissionBps: number;
    buckets: { pool: string; operatorPool: string; queue: string; rewardStreams: StreamEntry[] }[];
  }[];
  services: {
    name: string;
    authority: WalletEntry;
    slasher: WalletEntry;
    service: string;
    destination: string;
    links: { operator: string; serviceLink: string; maxSlashBps: number }[];
  }[];
  wallets: WalletEntry[];
};
/** A bare localnet's addresses file (`localnet --bare`): the program and a funded deployer. */
export type BareAddresses = {
  version: number;
  bare: true;
  programId: string;
  rpcUrl: string;
  wsUrl: string;
  config: string;
  admin: WalletEntry;
};

const running = new Set<ChildProcess>();
let reaperInstalled = false;
/** Never leave a validator behind, whatever ends this process. */
function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  const reap = () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", reap);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      reap();
      process.exit(130);
    });
  }
}

/** A running `restaking-cli localnet` child process. */
export class Localnet<A = Addresses> {
  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly rpcUrl: string,
    readonly addressesFile: string,
    readonly addresses: A,
    readonly logFile: string,
  ) {}

  /** Starts the localnet on free ports and waits until its addresses file is written and its RPC answers. */
  static async start<A = Addresses>(options: { readonly bare?: boolean } = {}): Promise<Localnet<A>> {
    installReaper();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restaking-ts-localnet-"));
    const port = await freePortPair();
    const out = path.join(dir, "addresses.json");
    const logFile = path.join(dir, "localnet.log");
    const logFd = fs.openSync(logFile, "w");
    const rpcUrl = `http://127.0.0.1:${port}`;
    const args = ["localnet", "--port", String(port), "--out", out, "--program", PROGRAM_SO, ...(options.bare ? ["--bare"] : [])];
    const child = spawn(cliPath(), args, {
      cwd: REPO_ROOT,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "error" },
    });
    fs.closeSync(logFd);
    running.add(child);
    let exited: string | null = null;
    child.on("exit", (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      running.delete(child);
    });
    const log = () => fs.readFileSync(logFile, "utf8");
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (exited) throw new Error(`the localnet ${exited}:\n${log()}`);
      if (fs.existsSync(out)) {
        try {
          const addresses = JSON.parse(fs.readFileSync(out, "utf8")) as A;
          const res = await fetch(rpcUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }),
          });
          if (res.ok) return new Localnet<A>(child, dir, rpcUrl, out, addresses, logFile);
        } catch {
          // not yet: the file is being written or the RPC is not up
        }
      }
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`the localnet did not start within 120 s:\n${log()}`);
      }
      await sleep(100);
    }
  }

  /** Runs a CLI command against this localnet with `--json`; returns the parsed document. */
  async cli(args: readonly string[], keypair?: string): Promise<Record<string, unknown>> {
    const all = ["--url", this.rpcUrl, "--json", ...(keypair ? ["--keypair", keypair] : []), ...args];
    try {
      const { stdout } = await run(cliPath(), all, { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, RUST_LOG: "error" } });
      return JSON.parse(stdout) as Record<string, unknown>;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`restaking-cli ${all.join(" ")} failed: ${err.stderr || err.stdout || err.message}`);
    }
  }

  /** Moves the clock forward by `secs` (the CLI's `warp`, which also restamps the fixture stake pools). */
  async warp(secs: number): Promise<void> {
    await this.cli(["warp", "--seconds", String(secs), "--addresses", this.addressesFile]);
  }

  /** Stops the child: SIGTERM (the CLI stops Surfpool cleanly), SIGKILL after 10 s. Idempotent. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      // (the timer is cleared: a pending one would keep this process alive for its 10 s)
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    running.delete(child);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
  }
}
