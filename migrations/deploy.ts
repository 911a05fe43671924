// Anchor's deploy hook: initialises the program's config right after the program is deployed,
// in the deployer's own transaction, so nobody else can be first to call `initialize_config`
// (SECURITY.md, "Deployment"). Idempotent: when the config exists it is printed and nothing is
// sent (exit 0).
//
// Written against @solana/kit and the Codama client (app/client-ts), with no import of its own
// from npm: everything comes through app/client-ts/src, so it runs with app/client-ts's
// node_modules (`npm ci` there):
//
//   npm --prefix app/client-ts run migrate -- [--url URL] [--keypair FILE] [--ws URL|none]
//
// Defaults: the URL and wallet Anchor passes to its scripts (ANCHOR_PROVIDER_URL,
// ANCHOR_WALLET), else Anchor.toml's: http://127.0.0.1:8899 and target/localnet/admin.json. As
// a hook (`module.exports`), it takes Anchor's provider (its `connection.rpcEndpoint` and
// `wallet.payer`) or `{ rpcUrl, keypair }`.
//
// The config's settings, asked for only when it does not exist yet (integers):
//   RESTAKING_GUARDIAN, RESTAKING_TREASURY   addresses; required except on a loopback URL,
//                                            where they default to the deployer
//   RESTAKING_PROTOCOL_FEE_BPS               default 0
//   RESTAKING_MAX_COMMISSION_BPS             default 2000
//   RESTAKING_MIN_WITHDRAWAL_DELAY_SECS      default 259200 (3 days)
//   RESTAKING_SLASH_VETO_SECS                default 172800 (2 days)
import fs from "node:fs";
import path from "node:path";
import { deployConfig, type ConfigOutcome, type ConfigSettings } from "../app/client-ts/src/deployment";

const REPO_ROOT = path.resolve(__dirname, "..");
const DEFAULT_URL = "http://127.0.0.1:8899";
const DEFAULT_WALLET = "target/localnet/admin.json";

/** The parts of Anchor's `AnchorProvider` this hook reads. */
type AnchorProviderLike = {
  readonly connection: { readonly rpcEndpoint: string };
  readonly wallet: { readonly payer?: { readonly secretKey: Uint8Array } };
};
/** The hook's own provider: a URL and a Solana CLI keypair file. */
type KitProvider = { readonly rpcUrl: string; readonly wsUrl?: string | null; readonly keypair: string };

function isAnchorProvider(p: AnchorProviderLike | KitProvider): p is AnchorProviderLike {
  return "connection" in p;
}

function readKeypair(file: string): Uint8Array {
  const resolved = file.startsWith("~/") ? path.join(process.env.HOME ?? "", file.slice(2)) : file;
  let bytes: unknown;
  try {
    bytes = JSON.parse(fs.readFileSync(resolved, "utf8"));
  } catch (e) {
    throw new Error(`cannot read the keypair file ${resolved}: ${(e as Error).message}`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) {
    throw new Error(`${resolved} is not a Solana CLI keypair file (a JSON array of 64 bytes)`);
  }
  return new Uint8Array(bytes as number[]);
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

function integer(name: string, fallback: string, max: bigint): bigint {
  const text = process.env[name] ?? fallback;
  if (!/^\d+$/.test(text) || BigInt(text) > max) throw new Error(`${name}=${text} is not an integer in 0..${max}`);
  return BigInt(text);
}

function settingsFromEnv(rpcUrl: string) {
  return (admin: string): ConfigSettings => {
    const key = (name: string): string => {
      const v = process.env[name];
      if (v) return v;
      if (isLoopback(rpcUrl)) return admin;
      throw new Error(`${name} is not set (required off a local validator)`);
    };
    return {
      guardian: key("RESTAKING_GUARDIAN") as ConfigSettings["guardian"],
      treasury: key("RESTAKING_TREASURY") as ConfigSettings["treasury"],
      protocolFeeBps: Number(integer("RESTAKING_PROTOCOL_FEE_BPS", "0", 10_000n)),
      maxCommissionBps: Number(integer("RESTAKING_MAX_COMMISSION_BPS", "2000", 10_000n)),
      minWithdrawalDelaySecs: integer("RESTAKING_MIN_WITHDRAWAL_DELAY_SECS", "259200", 2n ** 63n - 1n),
      slashVetoSecs: integer("RESTAKING_SLASH_VETO_SECS", "172800", 2n ** 63n - 1n),
    };
  };
}

function describe(outcome: ConfigOutcome & { readonly admin: string }): string {
  const c = outcome.account;
  const lines = [
    outcome.status === "initialised"
      ? `config ${outcome.config} initialised: ${outcome.signature}`
      : `config ${outcome.config} already initialised; nothing sent`,
    `  admin                 ${c.admin}${c.admin === outcome.admin ? " (this wallet)" : ""}`,
    `  guardian              ${c.guardian}`,
    `  treasury              ${c.treasury}`,
    `  protocol fee          ${c.protocolFeeBps} bps`,
    `  max commission        ${c.maxCommissionBps} bps`,
    `  min withdrawal delay  ${c.minWithdrawalDelaySecs} s`,
    `  slash veto window     ${c.slashVetoSecs} s`,
    `  pause flags           ${c.pauseFlags}`,
    `  pools                 ${c.poolCount}`,
  ];
  if (c.admin !== outcome.admin) {
    lines.push(`  note: the admin is not this wallet (${outcome.admin}): transferred, or initialised by someone else`);
  }
  return lines.join("\n");
}

/** The hook: initialises the config unless it exists, and prints it. */
async function deploy(provider: AnchorProviderLike | KitProvider): Promise<ConfigOutcome> {
  let rpcUrl: string;
  let wsUrl: string | null | undefined;
  let adminKeypair: Uint8Array;
  if (isAnchorProvider(provider)) {
    rpcUrl = provider.connection.rpcEndpoint;
    const secret = provider.wallet.payer?.secretKey;
    if (!secret) throw new Error("the provider's wallet exposes no keypair (wallet.payer)");
    adminKeypair = Uint8Array.from(secret);
  } else {
    rpcUrl = provider.rpcUrl;
    wsUrl = provider.wsUrl;
    adminKeypair = readKeypair(provider.keypair);
  }
  const outcome = await deployConfig({
    rpcUrl,
    ...(wsUrl === undefined ? {} : { wsUrl }),
    adminKeypair,
    settings: settingsFromEnv(rpcUrl),
  });
  console.log(describe(outcome));
  return outcome;
}

module.exports = deploy;

/** `--url`, `--keypair`, `--ws` (or `none` to poll). Relative paths are taken from where npm was run. */
function parseArgs(argv: readonly string[]): KitProvider {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const fromCwd = (file: string) => (file.startsWith("~/") ? file : path.resolve(cwd, file));
  let rpcUrl = process.env.ANCHOR_PROVIDER_URL ?? DEFAULT_URL;
  let keypair = process.env.ANCHOR_WALLET ? fromCwd(process.env.ANCHOR_WALLET) : path.join(REPO_ROOT, DEFAULT_WALLET);
  let wsUrl: string | null | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined || !["--url", "--keypair", "--ws"].includes(flag ?? "")) {
      throw new Error(`usage: deploy.ts [--url URL] [--keypair FILE] [--ws URL|none] (got ${argv.join(" ")})`);
    }
    if (flag === "--url") rpcUrl = value;
    if (flag === "--keypair") keypair = fromCwd(value);
    if (flag === "--ws") wsUrl = value === "none" ? null : value;
    i += 1;
  }
  return { rpcUrl, keypair, ...(wsUrl === undefined ? {} : { wsUrl }) };
}

if (require.main === module) {
  (async () => {
    try {
      await deploy(parseArgs(process.argv.slice(2)));
      process.exit(0);
    } catch (e) {
      const message = e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}` : String(e);
      console.error(`error: ${message.split("\n")[0]}`);
      process.exit(1);
    }
  })();
}
