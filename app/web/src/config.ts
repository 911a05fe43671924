/**
 * Where the app points: the RPC URL, the program id, and names for known addresses.
 *
 * By default it reads the localnet's addresses file (`addresses.json` next to the page: the dev
 * and preview servers serve `target/localnet/addresses.json` or `$VITE_ADDRESSES`, `npm run
 * build` copies it into `dist/`). The RPC URL is, first found: the one saved in the page's
 * settings, `?rpc=` in the page URL, `VITE_RPC_URL` at build time, the addresses file's, and
 * `http://127.0.0.1:8899`. Everything else (pools, operators, services, the position) is read
 * from the chain, so any cluster with the program works.
 */
import { address, isAddress, type Address } from "@solana/kit";
import { RESTAKING_PROGRAM_ADDRESS, type PdaConfig } from "@restaking/client";

/** The parts of the localnet's addresses file the app reads (see app/cli/README.md). */
export type LocalnetAddresses = {
  readonly version?: number;
  readonly programId?: string;
  readonly rpcUrl?: string;
  readonly pools?: readonly { readonly name: string; readonly pool: string; readonly lstMint: string }[];
  readonly rewardMints?: readonly { readonly name: string; readonly mint: string }[];
  readonly operators?: readonly { readonly name: string; readonly operator: string; readonly authority?: { readonly pubkey: string } }[];
  readonly services?: readonly { readonly name: string; readonly service: string }[];
  readonly wallets?: readonly { readonly name: string; readonly pubkey: string }[];
};

export type RpcSource = "settings" | "page URL" | "build setting" | "addresses file" | "default";

export type AppConfig = {
  readonly rpcUrl: string;
  readonly rpcSource: RpcSource;
  readonly programAddress: Address;
  /** PDA and builder options for a program id other than the IDL's. */
  readonly pda: PdaConfig;
  /** The builders' `config` argument (another program id), or `undefined`. */
  readonly programConfig: { readonly programAddress: Address } | undefined;
  /** Where the addresses file came from, or `null` when there was none. */
  readonly addressesUrl: string | null;
  /** Names for known addresses (pools, mints, operators, services, wallets). */
  readonly labels: ReadonlyMap<string, string>;
  /** Pools in the addresses file's order (shown first, in that order). */
  readonly poolOrder: readonly string[];
  /** Wallet Standard chain id sent with signing requests. */
  readonly chain: `solana:${string}`;
};

export const DEFAULT_RPC_URL = "http://127.0.0.1:8899";
const RPC_KEY = "restaking.rpcUrl";

/** The RPC URL saved in this browser, if any. */
export function savedRpcUrl(): string | null {
  try {
    return window.localStorage.getItem(RPC_KEY);
  } catch {
    return null;
  }
}

/** Saves (or with `null` forgets) the RPC URL; the page reloads to apply it. */
export function saveRpcUrl(url: string | null): void {
  try {
    if (url) window.localStorage.setItem(RPC_KEY, url);
    else window.localStorage.removeItem(RPC_KEY);
  } catch {
    /* private mode: nothing to keep */
  }
}

function chainOf(rpcUrl: string): `solana:${string}` {
  try {
    const host = new URL(rpcUrl).hostname;
    if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return "solana:localnet";
    if (host.includes("devnet")) return "solana:devnet";
    if (host.includes("testnet")) return "solana:testnet";
    return "solana:mainnet";
  } catch {
    return "solana:localnet";
  }
}

async function fetchAddresses(url: string): Promise<LocalnetAddresses | null> {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3_000);
    const res = await fetch(url, { cache: "no-store", signal: controller.signal });
    clearTimeout(timer);
    if (!res.ok) return null;
    const json: unknown = await res.json();
    return typeof json === "object" && json !== null ? (json as LocalnetAddresses) : null;
  } catch {
    return null;
  }
}

/** Reads the addresses file and the settings. */
export async function loadConfig(): Promise<AppConfig> {
  const addressesUrl = import.meta.env.VITE_ADDRESSES_URL || "addresses.json";
  const file = await fetchAddresses(addressesUrl);
  const fromPage = new URLSearchParams(window.location.search).get("rpc");
  const saved = savedRpcUrl();
  const env = import.meta.env.VITE_RPC_URL as string | undefined;
  const [rpcUrl, rpcSource]: [string, RpcSource] = saved
    ? [saved, "settings"]
    : fromPage
      ? [fromPage, "page URL"]
      : env
        ? [env, "build setting"]
        : file?.rpcUrl
          ? [file.rpcUrl, "addresses file"]
          : [DEFAULT_RPC_URL, "default"];
  const programId = file?.programId ?? (import.meta.env.VITE_PROGRAM_ID as string | undefined);
  const programAddress = programId && isAddress(programId) ? address(programId) : RESTAKING_PROGRAM_ADDRESS;
  const other = programAddress !== RESTAKING_PROGRAM_ADDRESS;
  const labels = new Map<string, string>();
  for (const p of file?.pools ?? []) {
    labels.set(p.pool, p.name);
    labels.set(p.lstMint, p.name);
  }
  for (const m of file?.rewardMints ?? []) labels.set(m.mint, m.name);
  for (const o of file?.operators ?? []) {
    labels.set(o.operator, o.name);
    if (o.authority) labels.set(o.authority.pubkey, o.name);
  }
  for (const s of file?.services ?? []) labels.set(s.service, s.name);
  for (const w of file?.wallets ?? []) labels.set(w.pubkey, w.name);
  return {
    rpcUrl,
    rpcSource,
    programAddress,
    pda: other ? { programAddress } : {},
    programConfig: other ? { programAddress } : undefined,
    addressesUrl: file ? addressesUrl : null,
    labels,
    poolOrder: (file?.pools ?? []).map((p) => p.pool),
    chain: chainOf(rpcUrl),
  };
}
