/**
 * Initialising a fresh deployment: `initialize_config` is open to its first caller, so the
 * deployer calls it right after `anchor deploy` (SECURITY.md, "Deployment"); this module does
 * it idempotently — when the config exists it is read back and nothing is sent.
 * `migrations/deploy.ts` (Anchor's deploy hook) runs it.
 *
 * Uses `@solana/kit` only (no Node modules), so a browser bundle may import it too.
 *
 * @module
 */
import {
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Rpc,
  type RpcSubscriptions,
  type Signature,
  type SolanaRpcApi,
  type SolanaRpcSubscriptionsApi,
  type TransactionSigner,
} from "@solana/kit";
import { fetchMaybeConfig, type Config } from "./generated/accounts";
import { getInitializeConfigInstruction } from "./generated/instructions";
import { RESTAKING_PROGRAM_ADDRESS } from "./generated/programs";
import { eventCpiAccounts, findConfigAddress, type PdaConfig } from "./pdas";

/** The arguments of `initialize_config`. */
export type ConfigSettings = {
  readonly guardian: Address;
  readonly treasury: Address;
  readonly protocolFeeBps: number;
  readonly maxCommissionBps: number;
  readonly minWithdrawalDelaySecs: bigint;
  readonly slashVetoSecs: bigint;
};

/** What {@link initializeConfigIfMissing} found or did. */
export type ConfigOutcome =
  | { readonly status: "existing"; readonly config: Address; readonly account: Config }
  | { readonly status: "initialised"; readonly config: Address; readonly account: Config; readonly signature: Signature };

/** What {@link initializeConfigIfMissing} needs. */
export type EnsureConfigInput = {
  readonly rpc: Rpc<SolanaRpcApi>;
  /** The cluster's WebSocket API; without it, confirmation polls `getSignatureStatuses`. */
  readonly rpcSubscriptions?: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
  /** Becomes the config's admin and pays its rent. */
  readonly admin: TransactionSigner;
  /**
   * The settings, asked for only when the config does not exist yet (so a re-run against an
   * initialised cluster needs none).
   */
  readonly settings: ConfigSettings | (() => ConfigSettings);
  /** Confirmation timeout when polling (default 60 s). */
  readonly timeoutMs?: number;
};

/** The WebSocket URL of a cluster by the validator's convention: `http://host:P` → `ws://host:P+1`. */
export function defaultWebSocketUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (url.port) url.port = String(Number(url.port) + 1);
  return url.toString().replace(/\/$/, "");
}

async function sendAndConfirm(input: EnsureConfigInput, settings: ConfigSettings, config: Address, pda?: PdaConfig): Promise<Signature> {
  const { rpc, admin } = input;
  const ix = getInitializeConfigInstruction(
    { admin, config, ...(await eventCpiAccounts(pda)), ...settings },
    pda?.programAddress ? { programAddress: pda.programAddress } : undefined,
  );
  const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
  const tx = await signTransactionMessageWithSigners(
    pipe(
      createTransactionMessage({ version: "legacy" }),
      (m) => setTransactionMessageFeePayerSigner(admin, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
      (m) => appendTransactionMessageInstructions([ix], m),
    ),
  );
  assertIsTransactionWithBlockhashLifetime(tx);
  const signature = getSignatureFromTransaction(tx);
  if (input.rpcSubscriptions) {
    await sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions: input.rpcSubscriptions })(tx, { commitment: "confirmed" });
    return signature;
  }
  await rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: "base64", preflightCommitment: "confirmed" }).send();
  const deadline = Date.now() + (input.timeoutMs ?? 60_000);
  for (;;) {
    const { value } = await rpc.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (status?.err) throw new Error(`initialize_config ${signature} failed: ${JSON.stringify(status.err)}`);
    if (status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized") return signature;
    if (Date.now() > deadline) throw new Error(`initialize_config ${signature} not confirmed in time`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Initialises the program's config with `settings`, signed and paid by `admin` — unless it
 * exists, in which case it is returned as found. Throws if the program is not deployed.
 */
export async function initializeConfigIfMissing(input: EnsureConfigInput, pda?: PdaConfig): Promise<ConfigOutcome> {
  const programAddress = pda?.programAddress ?? RESTAKING_PROGRAM_ADDRESS;
  const config = await findConfigAddress(pda);
  const existing = await fetchMaybeConfig(input.rpc, config, { commitment: "confirmed" });
  if (existing.exists) return { status: "existing", config, account: existing.data };
  const program = await input.rpc.getAccountInfo(programAddress, { encoding: "base64", commitment: "confirmed" }).send();
  if (!program.value?.executable) throw new Error(`program ${programAddress} is not deployed on this cluster`);
  const settings = typeof input.settings === "function" ? input.settings() : input.settings;
  let signature: Signature;
  try {
    signature = await sendAndConfirm(input, settings, config, pda);
  } catch (e) {
    // Someone else may have been first between the read and the send: report what is there.
    const raced = await fetchMaybeConfig(input.rpc, config, { commitment: "confirmed" });
    if (raced.exists) return { status: "existing", config, account: raced.data };
    throw e;
  }
  const created = await fetchMaybeConfig(input.rpc, config, { commitment: "confirmed" });
  if (!created.exists) throw new Error(`config ${config} missing after ${signature}`);
  return { status: "initialised", config, account: created.data, signature };
}

/** {@link initializeConfigIfMissing} from a URL and a 64-byte secret key (a Solana CLI keypair file's bytes). */
export async function deployConfig(options: {
  readonly rpcUrl: string;
  /** `null`: poll instead of subscribing; default {@link defaultWebSocketUrl}. */
  readonly wsUrl?: string | null;
  readonly adminKeypair: Uint8Array;
  readonly settings: ConfigSettings | ((admin: Address) => ConfigSettings);
}): Promise<ConfigOutcome & { readonly admin: Address }> {
  const admin = await createKeyPairSignerFromBytes(options.adminKeypair);
  const rpc = createSolanaRpc(options.rpcUrl);
  const wsUrl = options.wsUrl === undefined ? defaultWebSocketUrl(options.rpcUrl) : options.wsUrl;
  const rpcSubscriptions = wsUrl ? createSolanaRpcSubscriptions(wsUrl) : undefined;
  const { settings } = options;
  const outcome = await initializeConfigIfMissing({
    rpc,
    ...(rpcSubscriptions ? { rpcSubscriptions } : {}),
    admin,
    settings: typeof settings === "function" ? () => settings(admin.address) : settings,
  });
  return { ...outcome, admin: admin.address };
}
