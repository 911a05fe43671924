/**
 * Claim everything: one `claim` per delegation of a position, each paying every stream of its
 * bucket, packed into as few legacy transactions as fit the 1,232-byte packet limit.
 *
 * `claim` pays the idle base yield on every call, and one delegation's base yield and rewards
 * per call (the bucket leg is the optional `operator_pool` + `delegation`); its remaining
 * accounts are one group per stream (see {@link claimStreamGroup}).
 *
 * The packer measures, for each candidate batch, the exact wire size of the legacy transaction
 * it would send: compiled message (header, every distinct account key once, blockhash,
 * compiled instructions) plus one 64-byte signature per signer and the signature count, with
 * the compute-budget instruction included. That size does not depend on the blockhash, so the
 * batches stay valid when the caller sets a real lifetime.
 *
 * @module
 */
import { getSetComputeUnitLimitInstruction } from "@solana-program/compute-budget";
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  type Address,
  type Blockhash,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";
import { getClaimInstruction } from "./generated/instructions";
import { eventCpiAccounts, findDelegationAddress, findPositionAddress, type PdaConfig, type PoolKeys } from "./pdas";
import { claimStreamGroup, withRemainingAccounts, type ClaimStream } from "./remainingAccounts";

/** Largest serialized legacy transaction (`PACKET_DATA_SIZE`). */
export const MAX_TRANSACTION_SIZE = 1232;
/** Compute units reserved per `claim` (a 4-stream claim measures about 35,000 on the binary). */
export const DEFAULT_CLAIM_COMPUTE_UNITS = 60_000;
/** Solana's per-transaction compute ceiling. */
const MAX_COMPUTE_UNITS = 1_400_000;

/** One delegation of the position and the streams of its bucket to pay. */
export type ClaimDelegation = {
  readonly operatorPool: Address;
  /** Every stream of the bucket to pay (normally all of `operatorPool.rewardMints`). */
  readonly streams: readonly ClaimStream[];
};

/** What {@link buildClaimEverythingInstructions} needs. */
export type ClaimEverythingInput = {
  readonly owner: TransactionSigner;
  readonly pool: PoolKeys;
  /** The owner's token account of the LST, receiving the base yield. */
  readonly ownerLstAccount: Address;
  /** The position's delegations; with none, a single `claim` pays the idle leg. */
  readonly delegations: readonly ClaimDelegation[];
};

/**
 * One `claim` instruction per delegation (or one idle-only `claim` when there is none), built
 * with the generated builder plus the delegation's stream groups as remaining accounts.
 */
export async function buildClaimEverythingInstructions(input: ClaimEverythingInput, config?: PdaConfig): Promise<Instruction[]> {
  const { owner, pool } = input;
  const position = await findPositionAddress(pool.pool, owner.address, config);
  const common = {
    owner,
    pool: pool.pool,
    position,
    lstMint: pool.lstMint,
    poolVault: pool.vault,
    ownerLstAccount: input.ownerLstAccount,
    rateSource: pool.rateSource,
    tokenProgram: pool.tokenProgram,
    ...(await eventCpiAccounts(config)),
  };
  const programConfig = config?.programAddress ? { programAddress: config.programAddress } : undefined;
  if (input.delegations.length === 0) return [getClaimInstruction(common, programConfig)];
  return Promise.all(
    input.delegations.map(async (d) => {
      const ix = getClaimInstruction(
        { ...common, operatorPool: d.operatorPool, delegation: await findDelegationAddress(position, d.operatorPool, config) },
        programConfig,
      );
      const groups = await Promise.all(d.streams.map((s) => claimStreamGroup(d.operatorPool, s, config)));
      return withRemainingAccounts(ix, groups.flat());
    }),
  );
}

/** One transaction's worth of claims. */
export type ClaimBatch = {
  /** The compute-budget instruction followed by the batch's claims. */
  readonly instructions: readonly Instruction[];
  /** How many `claim` instructions the batch holds. */
  readonly claims: number;
  /** Measured wire size of the signed legacy transaction, in bytes (≤ {@link MAX_TRANSACTION_SIZE}). */
  readonly size: number;
};

/** Options of {@link packClaimTransactions}. */
export type PackOptions = {
  /** Fee payer of the transactions (default: the signer of the first claim, i.e. the owner). */
  readonly feePayer: Address;
  /** Compute units reserved per claim (default {@link DEFAULT_CLAIM_COMPUTE_UNITS}). */
  readonly computeUnitsPerClaim?: number;
};

/** Any 32-byte hash: the size of a legacy transaction does not depend on its blockhash. */
const PLACEHOLDER_BLOCKHASH = "11111111111111111111111111111111" as Blockhash;

/** Wire size, in bytes, of a signed legacy transaction of `instructions` paid by `feePayer`. */
export function legacyTransactionSize(instructions: readonly Instruction[], feePayer: Address): number {
  const message = pipe(
    createTransactionMessage({ version: "legacy" }),
    (m) => setTransactionMessageFeePayer(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: PLACEHOLDER_BLOCKHASH, lastValidBlockHeight: 0n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return getTransactionEncoder().encode(compileTransaction(message)).length;
}

function withBudget(claims: readonly Instruction[], perClaim: number): Instruction[] {
  const units = Math.min(MAX_COMPUTE_UNITS, perClaim * claims.length);
  return [getSetComputeUnitLimitInstruction({ units }), ...claims];
}

/**
 * Packs `claims` (in order) greedily into legacy transactions: each batch takes claims while
 * its measured size, compute-budget instruction included, stays within 1,232 bytes and its
 * compute reservation within 1.4 M units. Throws if one claim alone does not fit (it would
 * need a v0 transaction with an address lookup table).
 */
export function packClaimTransactions(claims: readonly Instruction[], options: PackOptions): ClaimBatch[] {
  const perClaim = options.computeUnitsPerClaim ?? DEFAULT_CLAIM_COMPUTE_UNITS;
  const maxClaims = Math.max(1, Math.floor(MAX_COMPUTE_UNITS / perClaim));
  const batches: ClaimBatch[] = [];
  let current: Instruction[] = [];
  let currentSize = 0;
  for (const claim of claims) {
    const candidate = [...current, claim];
    const size = legacyTransactionSize(withBudget(candidate, perClaim), options.feePayer);
    if (size <= MAX_TRANSACTION_SIZE && candidate.length <= maxClaims) {
      current = candidate;
      currentSize = size;
      continue;
    }
    if (current.length === 0) {
      throw new Error(`claim does not fit one legacy transaction (${size} > ${MAX_TRANSACTION_SIZE} bytes)`);
    }
    batches.push({ instructions: withBudget(current, perClaim), claims: current.length, size: currentSize });
    current = [claim];
    currentSize = legacyTransactionSize(withBudget(current, perClaim), options.feePayer);
    if (currentSize > MAX_TRANSACTION_SIZE) {
      throw new Error(`claim does not fit one legacy transaction (${currentSize} > ${MAX_TRANSACTION_SIZE} bytes)`);
    }
  }
  if (current.length > 0) batches.push({ instructions: withBudget(current, perClaim), claims: current.length, size: currentSize });
  return batches;
}

/** {@link buildClaimEverythingInstructions} then {@link packClaimTransactions}, paid by the owner by default. */
export async function buildClaimEverythingTransactions(
  input: ClaimEverythingInput,
  options: Partial<PackOptions> = {},
  config?: PdaConfig,
): Promise<ClaimBatch[]> {
  const claims = await buildClaimEverythingInstructions(input, config);
  return packClaimTransactions(claims, { ...options, feePayer: options.feePayer ?? input.owner.address });
}
