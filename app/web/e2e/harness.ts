/**
 * The end-to-end harness: the localnet (`restaking-cli localnet`, a child process), a static
 * server for the built app on 127.0.0.1, Debian's Chromium driven by `playwright-core` with
 * the test wallet injected, the tester's CLI commands, and on-chain balance reads over RPC.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { address, createSolanaRpc, getAddressDecoder, type Address } from "@solana/kit";
import { findAssociatedTokenPda, TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(here, "..");
export const REPO_ROOT = path.resolve(WEB_DIR, "../..");
export const SCREENSHOTS = path.resolve(WEB_DIR, process.env.WEB_SCREENSHOTS ?? "screenshots");

/** The CLI binary: `$RESTAKING_CLI`, else `$CARGO_TARGET_DIR/debug/restaking-cli`, else `target/debug/restaking-cli`. */
export function cliPath(): string {
  if (process.env.RESTAKING_CLI) return path.resolve(process.env.RESTAKING_CLI);
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(REPO_ROOT, "target");
  return path.join(target, "debug", "restaking-cli");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Two free consecutive ports (the localnet's RPC and WebSocket). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i += 1) {
    const p = await freePort();
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(p + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free && p + 1 < 65536) return p;
  }
  throw new Error("no two free consecutive ports on 127.0.0.1");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the localnet ----------------------------------------------------------------------------

export type Wallet = { name: string; pubkey: string; keypair: string; tokenAccounts: Record<string, string> };
export type Addresses = {
  programId: string;
  rpcUrl: string;
  config: string;
  admin: Wallet;
  guardian: Wallet;
  pools: { name: string; pool: string; lstMint: string; vault: string; decimals: number; rateSource: { kind: string; account?: string } }[];
  rewardMints: { name: string; mint: string; decimals: number }[];
  operators: { name: string; operator: string; commissionBps: number; authority: Wallet; buckets: { pool: string; operatorPool: string }[] }[];
  services: { name: string; service: string; authority: Wallet; slasher: Wallet }[];
  wallets: Wallet[];
};

export class Localnet {
  private constructor(
    readonly child: ChildProcess,
    readonly rpcUrl: string,
    readonly addressesFile: string,
    readonly addresses: Addresses,
    readonly log: string,
  ) {}

  /** Starts `restaking-cli localnet --manual-pool` on free ports and waits until its addresses file is written and its RPC answers. */
  static async start(dir: string): Promise<Localnet> {
    const cli = cliPath();
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build it with cargo build -p restaking-cli (or set RESTAKING_CLI)`);
    const port = process.env.WEB_LOCALNET_PORT ? Number(process.env.WEB_LOCALNET_PORT) : await freePortPair();
    const out = path.join(dir, "addresses.json");
    const log = path.join(dir, "localnet.log");
    const logFd = fs.openSync(log, "w");
    const rpcUrl = `http://127.0.0.1:${port}`;
    const so = process.env.RESTAKING_SO ? ["--program", path.resolve(REPO_ROOT, process.env.RESTAKING_SO)] : [];
    const child = spawn(cli, ["--url", rpcUrl, "localnet", "--port", String(port), "--out", out, "--manual-pool", ...so], {
      cwd: REPO_ROOT,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "error" },
    });
    fs.closeSync(logFd);
    // Never leave the validator behind, whatever ends this process.
    const reap = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    process.once("exit", reap);
    let exited: string | null = null;
    child.on("exit", (code, signal) => {
      exited = `exited with ${signal ?? code}`;
    });
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (exited) throw new Error(`the localnet ${exited}:\n${fs.readFileSync(log, "utf8")}`);
      if (fs.existsSync(out)) {
        try {
          const addresses = JSON.parse(fs.readFileSync(out, "utf8")) as Addresses;
          const res = await fetch(rpcUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }),
          });
          if (res.ok) return new Localnet(child, rpcUrl, out, addresses, log);
        } catch {
          /* not yet */
        }
      }
      if (Date.now() > deadline) throw new Error(`the localnet did not start within 180 s:\n${fs.readFileSync(log, "utf8")}`);
      await sleep(250);
    }
  }

  /** Runs a CLI command against this localnet; returns its stdout. */
  async cli(args: readonly string[], keypair?: string): Promise<string> {
    const all = ["--url", this.rpcUrl, ...(keypair ? ["--keypair", keypair] : []), ...args];
    try {
      const { stdout } = await run(cliPath(), all, { cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, RUST_LOG: "error" } });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`restaking-cli ${all.join(" ")} failed: ${err.stderr || err.stdout || err.message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await Promise.race([done, sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  pool(name: string) {
    const p = this.addresses.pools.find((x) => x.name === name);
    if (!p) throw new Error(`no pool ${name}`);
    return p;
  }

  wallet(name: string): Wallet {
    const w = this.addresses.wallets.find((x) => x.name === name);
    if (!w) throw new Error(`no wallet ${name}`);
    return w;
  }

  operator(name: string) {
    const o = this.addresses.operators.find((x) => x.name === name);
    if (!o) throw new Error(`no operator ${name}`);
    return o;
  }
}

// ---- chain reads -----------------------------------------------------------------------------

export function chainReader(rpcUrl: string) {
  const rpc = createSolanaRpc(rpcUrl);
  return {
    rpc,
    /** Token balance in base units (0 when the account does not exist). */
    async tokenBalance(account: string): Promise<bigint> {
      const info = await rpc.getAccountInfo(address(account), { encoding: "base64" }).send();
      if (!info.value) return 0n;
      const data = Buffer.from(info.value.data[0], "base64");
      return data.readBigUInt64LE(64);
    },
    /** The associated token account of `owner` for `mint` (SPL Token). */
    async ata(owner: string, mint: string): Promise<string> {
      const [ata] = await findAssociatedTokenPda({ owner: address(owner), mint: address(mint), tokenProgram: TOKEN_PROGRAM_ADDRESS });
      return ata;
    },
  };
}

// ---- the static server -----------------------------------------------------------------------

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Serves `dist` on 127.0.0.1, with `/addresses.json` read fresh from `addressesFile`. */
export async function serveStatic(dist: string, addressesFile: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (!fs.existsSync(path.join(dist, "index.html"))) throw new Error(`${dist}/index.html is missing: run npm run build first`);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    const file = urlPath === "/addresses.json" ? addressesFile : path.join(dist, urlPath === "/" ? "index.html" : urlPath);
    if (!file.startsWith(dist) && file !== addressesFile) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

// ---- the browser -----------------------------------------------------------------------------

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Chromium with a fresh user-data dir (Playwright passes it as `--user-data-dir`). */
export async function launchBrowser(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: "en-US",
    timezoneId: "UTC",
  });
}

/** The test wallet's config from a Solana CLI keypair file (64 bytes: seed then public key). */
export function walletConfig(keypairFile: string, label: string) {
  const bytes = JSON.parse(fs.readFileSync(keypairFile, "utf8")) as number[];
  if (bytes.length !== 64) throw new Error(`${keypairFile} is not a 64-byte keypair`);
  const publicKey = bytes.slice(32);
  return {
    name: "E2E Test Wallet",
    label,
    address: getAddressDecoder().decode(new Uint8Array(publicKey)) as Address,
    publicKey,
    seed: bytes.slice(0, 32),
    chains: ["solana:localnet", "solana:devnet"],
  };
}

/** Injects the test wallet into every page of `context` before the page's own scripts run. */
export async function injectWallet(context: BrowserContext, config: ReturnType<typeof walletConfig>): Promise<void> {
  await context.addInitScript({ content: `window.__TEST_WALLET_CONFIG__ = ${JSON.stringify(config)};` });
  await context.addInitScript({ path: path.join(here, "testWallet.js") });
}

/** Empties the screenshots folder (at the start of a run). */
export function clearScreenshots(): void {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const f of fs.readdirSync(SCREENSHOTS)) if (f.endsWith(".png") || f.endsWith(".txt")) fs.rmSync(path.join(SCREENSHOTS, f));
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: "disabled" });
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
