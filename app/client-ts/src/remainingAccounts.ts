/**
 * Remaining-account layouts the IDL cannot state (`programs/restaking/src/reward_streams.rs`,
 * `get_position_value.rs`), and a helper to append them to a generated instruction.
 *
 * - `delegate`, `undelegate`, `cancel_withdrawal` of an `Undelegate` ticket: every
 *   `RewardIndex` of the bucket, writable, in slot order ({@link rewardIndexMetas}).
 * - `claim`: one group per stream, any order ({@link claimStreamGroup}).
 * - `close_delegation(forfeit_rewards = true)`: the writable `RewardIndex` of each stream
 *   given up ({@link rewardIndexMetas}).
 * - `get_position_value`: a read-only group per delegation ({@link viewDelegationMetas}),
 *   then one read-only meta per open ticket.
 *
 * @module
 */
import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import { findDelegationAddress, findRewardIndexAddress, findRewardVaultAddress, type PdaConfig } from "./pdas";

/** Returns `instruction` with `metas` appended to its accounts (the generated builders' output is frozen). */
export function withRemainingAccounts<T extends Instruction>(instruction: T, metas: readonly AccountMeta[]): T {
  return Object.freeze({ ...instruction, accounts: [...(instruction.accounts ?? []), ...metas] });
}

const writable = (address: Address): AccountMeta => ({ address, role: AccountRole.WRITABLE });
const readonly = (address: Address): AccountMeta => ({ address, role: AccountRole.READONLY });

/**
 * The bucket's `RewardIndex` accounts, writable, in the order given: pass
 * `operatorPool.rewardMints.slice(0, operatorPool.rewardMintCount)` (slot order) for
 * `delegate` / `undelegate` / `cancel_withdrawal`.
 */
export async function rewardIndexMetas(
  operatorPool: Address,
  rewardMints: readonly Address[],
  config?: PdaConfig,
): Promise<AccountMeta[]> {
  return Promise.all(rewardMints.map(async (mint) => writable(await findRewardIndexAddress(operatorPool, mint, config))));
}

/** One reward stream of a bucket as `claim` pays it. */
export type ClaimStream = {
  readonly rewardMint: Address;
  /** Token program of the reward mint (SPL Token or Token-2022). */
  readonly tokenProgram: Address;
  /** The owner's token account of the reward mint that receives the rewards. */
  readonly ownerRewardAccount: Address;
};

/**
 * `claim`'s group for one stream:
 * `[reward_index (w), reward_vault (w), reward_mint, owner_reward_account (w), token_program]`.
 */
export async function claimStreamGroup(
  operatorPool: Address,
  stream: ClaimStream,
  config?: PdaConfig,
): Promise<AccountMeta[]> {
  const rewardIndex = await findRewardIndexAddress(operatorPool, stream.rewardMint, config);
  return [
    writable(rewardIndex),
    writable(await findRewardVaultAddress(rewardIndex, config)),
    readonly(stream.rewardMint),
    writable(stream.ownerRewardAccount),
    readonly(stream.tokenProgram),
  ];
}

/**
 * `get_position_value`'s group for one delegation, all read-only:
 * `[delegation, operator_pool, reward_index × reward_mint_count (slot order)]`.
 */
export async function viewDelegationMetas(
  position: Address,
  operatorPool: Address,
  rewardMints: readonly Address[],
  config?: PdaConfig,
): Promise<AccountMeta[]> {
  const indexes = await Promise.all(rewardMints.map((mint) => findRewardIndexAddress(operatorPool, mint, config)));
  return [readonly(await findDelegationAddress(position, operatorPool, config)), readonly(operatorPool), ...indexes.map(readonly)];
}
