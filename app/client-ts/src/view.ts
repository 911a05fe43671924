/**
 * The position view: `get_position_value` with its remaining-account groups, simulated, and its
 * return data decoded into the generated `PositionValue` type.
 *
 * The view runs the same transitions as `claim` on copies of the accounts, so its
 * `pendingBaseYield` and per-stream `rewards` are exactly what the delegations' claims would pay
 * at that moment. One call reports up to 8 delegations with 4 streams each (`ViewTooLarge`
 * beyond: split the delegations over several calls).
 *
 * Remaining accounts, all read-only: per delegation `[delegation, operator_pool, reward_index ×
 * count (slot order)]`, then per open ticket `[withdrawal_ticket]` — followed by its bucket's
 * `undelegation_queue` for an `Undelegate` ticket where the program values tickets by queue
 * cohort (pass {@link ViewTicket} with `undelegationQueue`). Delegation groups come first, so
 * an `Undelegate` ticket always follows its delegation's group.
 *
 * @module
 */
import {
  appendTransactionMessageInstruction,
  compileTransaction,
  createTransactionMessage,
  getBase64Encoder,
  getBase64EncodedWireTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  AccountRole,
  type Address,
  type Blockhash,
  type Instruction,
  type ReadonlyUint8Array,
  type Rpc,
  type SimulateTransactionApi,
} from "@solana/kit";
import { getGetPositionValueInstruction } from "./generated/instructions";
import { getPositionValueDecoder, type PositionValue } from "./generated/types";
import { findPositionAddress, type PdaConfig, type PoolKeys } from "./pdas";
import { viewDelegationMetas, withRemainingAccounts } from "./remainingAccounts";
import { decodeTransactionError, type ProgramErrorInfo } from "./errors";

export type { PositionValue };

/** Solana's return-data limit (`MAX_RETURN_DATA`). */
export const MAX_RETURN_DATA = 1024;

/** A delegation to report: its bucket and the bucket's reward mints in slot order. */
export type ViewDelegation = {
  readonly operatorPool: Address;
  /** `operatorPool.rewardMints.slice(0, operatorPool.rewardMintCount)`. */
  readonly rewardMints: readonly Address[];
};

/**
 * An open ticket of the position: its address, or the address and its bucket's undelegation
 * queue (`findUndelegationQueueAddress`) for an `Undelegate` ticket when the program
 * takes `[withdrawal_ticket, undelegation_queue]`.
 */
export type ViewTicket = Address | { readonly ticket: Address; readonly undelegationQueue?: Address };

/** What {@link buildPositionValueInstruction} needs. */
export type PositionValueInput = {
  readonly owner: Address;
  readonly pool: PoolKeys;
  readonly delegations?: readonly ViewDelegation[];
  /** Open tickets of the position to count (`Withdraw` and `Undelegate`). */
  readonly tickets?: readonly ViewTicket[];
};

/** `get_position_value` for `owner`'s position with a group per delegation and a meta per ticket. */
export async function buildPositionValueInstruction(input: PositionValueInput, config?: PdaConfig): Promise<Instruction> {
  const position = await findPositionAddress(input.pool.pool, input.owner, config);
  const ix = getGetPositionValueInstruction(
    { position, pool: input.pool.pool, rateSource: input.pool.rateSource },
    config?.programAddress ? { programAddress: config.programAddress } : undefined,
  );
  const groups = await Promise.all(
    (input.delegations ?? []).map((d) => viewDelegationMetas(position, d.operatorPool, d.rewardMints, config)),
  );
  const tickets = (input.tickets ?? []).flatMap((t) =>
    (typeof t === "string" ? [t] : t.undelegationQueue ? [t.ticket, t.undelegationQueue] : [t.ticket]).map((address) => ({
      address,
      role: AccountRole.READONLY,
    })),
  );
  return withRemainingAccounts(ix, [...groups.flat(), ...tickets]);
}

/**
 * Decodes `get_position_value`'s return data. The runtime drops trailing zero bytes from return
 * data, so the bytes are read as if followed by zeros (padded to the 1,024-byte limit).
 */
export function decodePositionValue(returnData: ReadonlyUint8Array): PositionValue {
  const padded = new Uint8Array(Math.max(MAX_RETURN_DATA, returnData.length) + 64);
  padded.set(returnData);
  return getPositionValueDecoder().decode(padded);
}

/** Result of {@link simulatePositionValue}. */
export type PositionValueResult =
  | { readonly ok: true; readonly value: PositionValue; readonly logs: readonly string[] }
  | { readonly ok: false; readonly error: ProgramErrorInfo | null; readonly raw: unknown; readonly logs: readonly string[] };

/** Any recent-enough blockhash; the simulation replaces it. */
const PLACEHOLDER_BLOCKHASH = "11111111111111111111111111111111" as Blockhash;

/**
 * Simulates the view over JSON-RPC (`sigVerify: false`, `replaceRecentBlockhash: true`) and
 * decodes its return data. `feePayer` must be an existing system account (default: the owner).
 */
export async function simulatePositionValue(
  rpc: Rpc<SimulateTransactionApi>,
  input: PositionValueInput,
  options: { readonly feePayer?: Address } = {},
  config?: PdaConfig,
): Promise<PositionValueResult> {
  const ix = await buildPositionValueInstruction(input, config);
  const message = pipe(
    createTransactionMessage({ version: "legacy" }),
    (m) => setTransactionMessageFeePayer(options.feePayer ?? input.owner, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: PLACEHOLDER_BLOCKHASH, lastValidBlockHeight: 0n }, m),
    (m) => appendTransactionMessageInstruction(ix, m),
  );
  const wire = getBase64EncodedWireTransaction(compileTransaction(message));
  const { value } = await rpc
    .simulateTransaction(wire, { encoding: "base64", sigVerify: false, replaceRecentBlockhash: true })
    .send();
  const logs = value.logs ?? [];
  if (value.err) return { ok: false, error: decodeTransactionError(value.err, logs), raw: value.err, logs };
  const data = value.returnData ? getBase64Encoder().encode(value.returnData.data[0]) : new Uint8Array();
  return { ok: true, value: decodePositionValue(data), logs };
}
