/**
 * Program-derived addresses of the restaking program, one function per account kind.
 *
 * Codama renders PDA helpers only for seeds the IDL can state on its own; the withdrawal
 * ticket and slash request (seeded by a nonce read from another account), the delegation and
 * the `emit_cpi!` event authority are not among them. This module derives every one of the
 * program's addresses with the same seeds as the program (`programs/restaking/src/state`) and
 * the Rust client (`tests/src/client.rs`), so callers use one API for all of them.
 *
 * @module
 */
import {
  getAddressEncoder,
  getProgramDerivedAddress,
  getU64Encoder,
  type Address,
  type ReadonlyUint8Array,
} from "@solana/kit";
import { RESTAKING_PROGRAM_ADDRESS } from "./generated/programs";

const text = new TextEncoder();
const addressBytes = (address: Address): ReadonlyUint8Array => getAddressEncoder().encode(address);
const u64Le = (value: bigint | number): ReadonlyUint8Array => getU64Encoder().encode(value);

/** Options common to every derivation: another deployment's program id. */
export type PdaConfig = { readonly programAddress?: Address };

async function derive(
  seeds: ReadonlyArray<string | ReadonlyUint8Array>,
  config: PdaConfig = {},
): Promise<Address> {
  const [address] = await getProgramDerivedAddress({
    programAddress: config.programAddress ?? RESTAKING_PROGRAM_ADDRESS,
    seeds: seeds.map((seed) => (typeof seed === "string" ? text.encode(seed) : seed)),
  });
  return address;
}

/** `Config`: `["config"]`. */
export function findConfigAddress(config?: PdaConfig): Promise<Address> {
  return derive(["config"], config);
}

/** `Pool`: `["pool", lst_mint]`. */
export function findPoolAddress(lstMint: Address, config?: PdaConfig): Promise<Address> {
  return derive(["pool", addressBytes(lstMint)], config);
}

/** The pool's LST vault (token account): `["pool_vault", pool]`. */
export function findPoolVaultAddress(pool: Address, config?: PdaConfig): Promise<Address> {
  return derive(["pool_vault", addressBytes(pool)], config);
}

/** `Position`: `["position", pool, owner]`. */
export function findPositionAddress(pool: Address, owner: Address, config?: PdaConfig): Promise<Address> {
  return derive(["position", addressBytes(pool), addressBytes(owner)], config);
}

/**
 * `WithdrawalTicket`: `["ticket", position, nonce as u64 little-endian]`. A new ticket takes
 * the position's current `ticketNonce`.
 */
export function findTicketAddress(position: Address, nonce: bigint | number, config?: PdaConfig): Promise<Address> {
  return derive(["ticket", addressBytes(position), u64Le(nonce)], config);
}

/** `Operator`: `["operator", authority]`. */
export function findOperatorAddress(authority: Address, config?: PdaConfig): Promise<Address> {
  return derive(["operator", addressBytes(authority)], config);
}

/** `OperatorPool` (the operator's bucket in a pool): `["operator_pool", operator, pool]`. */
export function findOperatorPoolAddress(operator: Address, pool: Address, config?: PdaConfig): Promise<Address> {
  return derive(["operator_pool", addressBytes(operator), addressBytes(pool)], config);
}

/**
 * A bucket's `UndelegationQueue`: `["undelegation_queue", operator_pool]` (programs that queue
 * undelegations by cohort; pass it where the IDL names a `queue` account).
 */
export function findUndelegationQueueAddress(operatorPool: Address, config?: PdaConfig): Promise<Address> {
  return derive(["undelegation_queue", addressBytes(operatorPool)], config);
}

/** `Delegation`: `["delegation", position, operator_pool]`. */
export function findDelegationAddress(position: Address, operatorPool: Address, config?: PdaConfig): Promise<Address> {
  return derive(["delegation", addressBytes(position), addressBytes(operatorPool)], config);
}

/** `RewardIndex` (one reward stream of a bucket): `["reward_index", operator_pool, reward_mint]`. */
export function findRewardIndexAddress(operatorPool: Address, rewardMint: Address, config?: PdaConfig): Promise<Address> {
  return derive(["reward_index", addressBytes(operatorPool), addressBytes(rewardMint)], config);
}

/** The stream's reward vault (token account): `["reward_vault", reward_index]`. */
export function findRewardVaultAddress(rewardIndex: Address, config?: PdaConfig): Promise<Address> {
  return derive(["reward_vault", addressBytes(rewardIndex)], config);
}

/** `Service`: `["service", authority]`. */
export function findServiceAddress(authority: Address, config?: PdaConfig): Promise<Address> {
  return derive(["service", addressBytes(authority)], config);
}

/** `ServiceLink`: `["service_link", service, operator]`. */
export function findServiceLinkAddress(service: Address, operator: Address, config?: PdaConfig): Promise<Address> {
  return derive(["service_link", addressBytes(service), addressBytes(operator)], config);
}

/**
 * `SlashRequest`: `["slash", operator_pool, service, nonce as u64 little-endian]`; a new
 * request takes the bucket's current `slashNonce`.
 */
export function findSlashRequestAddress(
  operatorPool: Address,
  service: Address,
  nonce: bigint | number,
  config?: PdaConfig,
): Promise<Address> {
  return derive(["slash", addressBytes(operatorPool), addressBytes(service), u64Le(nonce)], config);
}

/** Anchor's `emit_cpi!` event authority: `["__event_authority"]`. */
export function findEventAuthorityAddress(config?: PdaConfig): Promise<Address> {
  return derive(["__event_authority"], config);
}

/**
 * The two accounts every event-emitting instruction ends with (`#[event_cpi]`), ready to spread
 * into a generated builder's input: `{ ...(await eventCpiAccounts()), ... }`.
 */
export async function eventCpiAccounts(
  config?: PdaConfig,
): Promise<{ readonly eventAuthority: Address; readonly program: Address }> {
  return {
    eventAuthority: await findEventAuthorityAddress(config),
    program: config?.programAddress ?? RESTAKING_PROGRAM_ADDRESS,
  };
}

/** Everything that identifies a pool to its instructions. */
export type PoolKeys = {
  readonly pool: Address;
  readonly lstMint: Address;
  readonly vault: Address;
  readonly tokenProgram: Address;
  /** The pool's rate-source account; `undefined` for manual pools. */
  readonly rateSource?: Address;
};

/** The keys of the pool of `lstMint` (`rateSource`: its stake-pool or Marinade state account). */
export async function getPoolKeys(
  lstMint: Address,
  tokenProgram: Address,
  rateSource?: Address,
  config?: PdaConfig,
): Promise<PoolKeys> {
  const pool = await findPoolAddress(lstMint, config);
  return { pool, lstMint, vault: await findPoolVaultAddress(pool, config), tokenProgram, rateSource };
}
