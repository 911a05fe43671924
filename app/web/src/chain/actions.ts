/**
 * The staker's actions as transaction plans, built only with the Codama client's instruction
 * builders and its hand-written layer (PDAs, remaining accounts, claim-everything packing) and
 * `@solana-program/token` (associated token accounts). No instruction is encoded here.
 */
import type { Address, Instruction, TransactionSigner } from "@solana/kit";
import { getCreateAssociatedTokenIdempotentInstruction } from "@solana-program/token";
import {
  TicketKind,
  buildClaimEverythingTransactions,
  eventCpiAccounts,
  findConfigAddress,
  findDelegationAddress,
  findTicketAddress,
  findUndelegationQueueAddress,
  getCancelWithdrawalInstruction,
  getCompleteWithdrawalInstruction,
  getDelegateInstruction,
  getDepositInstruction,
  getOpenPositionInstruction,
  getRequestWithdrawalInstruction,
  getUndelegateInstruction,
  rewardIndexMetas,
  valueOfLst,
  withRemainingAccounts,
  type WithdrawalTicket,
} from "@restaking/client";
import type { AppConfig } from "../config";
import type { Decoded, OperatorInfo, PoolInfo, PositionInfo, RewardMintInfo } from "./reads";
import type { TxPlan } from "./send";

/** What every action needs. */
export type ActionContext = {
  readonly cfg: AppConfig;
  readonly signer: TransactionSigner;
  readonly pool: PoolInfo;
  readonly position: PositionInfo;
};

/** Deposits accept a rate up to this much lower than the one shown (basis points). */
export const DEPOSIT_SLIPPAGE_BPS = 50n;

function bucketMints(op: OperatorInfo): Address[] {
  const b = op.bucket?.data;
  return b ? b.rewardMints.slice(0, b.rewardMintCount) : [];
}

function createAta(signer: TransactionSigner, holding: { account: Address; mint: Address }, owner: Address, tokenProgram: Address): Instruction {
  return getCreateAssociatedTokenIdempotentInstruction({ payer: signer, ata: holding.account, owner, mint: holding.mint, tokenProgram });
}

/** `open_position` when the position does not exist yet, then `deposit(amount, min_value)`. */
export async function depositPlan(ctx: ActionContext, amount: bigint): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const ev = await eventCpiAccounts(cfg.pda);
  const instructions: Instruction[] = [];
  if (!position.position) {
    instructions.push(getOpenPositionInstruction({ owner: signer, pool: pool.address, position: position.address, ...ev }, cfg.programConfig));
  }
  const rate = pool.rate?.rate ?? pool.data.rate;
  const minValue = (valueOfLst(amount, rate) * (10_000n - DEPOSIT_SLIPPAGE_BPS)) / 10_000n;
  instructions.push(
    getDepositInstruction(
      {
        owner: signer,
        config: await findConfigAddress(cfg.pda),
        pool: pool.address,
        position: position.address,
        lstMint: pool.data.lstMint,
        ownerLstAccount: position.lst.account,
        poolVault: pool.data.vault,
        rateSource: pool.keys.rateSource,
        tokenProgram: pool.data.tokenProgram,
        ...ev,
        amount,
        minValue,
      },
      cfg.programConfig,
    ),
  );
  return [{ label: position.position ? "Deposit" : "Open the position and deposit", instructions }];
}

/** `delegate(amount)` to `op`'s bucket, with every reward index of the bucket (slot order). */
export async function delegatePlan(ctx: ActionContext, op: OperatorInfo, amount: bigint): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const bucket = op.bucket;
  if (!bucket) throw new Error("This operator has no bucket in this pool.");
  const ix = getDelegateInstruction(
    {
      owner: signer,
      config: await findConfigAddress(cfg.pda),
      pool: pool.address,
      position: position.address,
      operator: op.address,
      operatorPool: bucket.address,
      delegation: await findDelegationAddress(position.address, bucket.address, cfg.pda),
      rateSource: pool.keys.rateSource,
      ...(await eventCpiAccounts(cfg.pda)),
      amount,
    },
    cfg.programConfig,
  );
  return [{ label: "Delegate", instructions: [withRemainingAccounts(ix, await rewardIndexMetas(bucket.address, bucketMints(op), cfg.pda))] }];
}

/** `undelegate(shares)` from `op`'s bucket: a ticket at the position's next nonce. */
export async function undelegatePlan(ctx: ActionContext, op: OperatorInfo, shares: bigint): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const bucket = op.bucket;
  if (!bucket || !position.position) throw new Error("Nothing is delegated to this operator.");
  const ix = getUndelegateInstruction(
    {
      authority: signer,
      pool: pool.address,
      position: position.address,
      operatorPool: bucket.address,
      delegation: await findDelegationAddress(position.address, bucket.address, cfg.pda),
      queue: await findUndelegationQueueAddress(bucket.address, cfg.pda),
      ticket: await findTicketAddress(position.address, position.position.ticketNonce, cfg.pda),
      rateSource: pool.keys.rateSource,
      ...(await eventCpiAccounts(cfg.pda)),
      shares,
    },
    cfg.programConfig,
  );
  return [{ label: "Undelegate", instructions: [withRemainingAccounts(ix, await rewardIndexMetas(bucket.address, bucketMints(op), cfg.pda))] }];
}

/** `request_withdrawal(amount)` of idle LST: a ticket at the position's next nonce. */
export async function requestWithdrawalPlan(ctx: ActionContext, amount: bigint): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  if (!position.position) throw new Error("There is no position to withdraw from.");
  const ix = getRequestWithdrawalInstruction(
    {
      authority: signer,
      pool: pool.address,
      position: position.address,
      ticket: await findTicketAddress(position.address, position.position.ticketNonce, cfg.pda),
      rateSource: pool.keys.rateSource,
      ...(await eventCpiAccounts(cfg.pda)),
      amount,
    },
    cfg.programConfig,
  );
  return [{ label: "Request withdrawal", instructions: [ix] }];
}

/** `complete_withdrawal` of a matured ticket (an `Undelegate` ticket names its bucket). */
export async function completePlan(ctx: ActionContext, ticket: Decoded<WithdrawalTicket>): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const undelegation = ticket.data.kind === TicketKind.Undelegate;
  const bucket = undelegation ? ticket.data.operatorPool : undefined;
  const instructions: Instruction[] = [];
  if (!position.lst.exists) instructions.push(createAta(signer, position.lst, position.owner, pool.data.tokenProgram));
  instructions.push(
    getCompleteWithdrawalInstruction(
      {
        authority: signer,
        pool: pool.address,
        position: position.address,
        ticket: ticket.address,
        lstMint: pool.data.lstMint,
        poolVault: pool.data.vault,
        ownerLstAccount: position.lst.account,
        tokenProgram: pool.data.tokenProgram,
        operatorPool: bucket,
        delegation: bucket ? await findDelegationAddress(position.address, bucket, cfg.pda) : undefined,
        queue: bucket ? await findUndelegationQueueAddress(bucket, cfg.pda) : undefined,
        ...(await eventCpiAccounts(cfg.pda)),
      },
      cfg.programConfig,
    ),
  );
  return [{ label: undelegation ? "Complete the undelegation" : "Complete the withdrawal", instructions }];
}

/** `cancel_withdrawal`: back to idle, or (an `Undelegate` ticket) back into the bucket. */
export async function cancelPlan(ctx: ActionContext, ticket: Decoded<WithdrawalTicket>, operators: readonly OperatorInfo[]): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const undelegation = ticket.data.kind === TicketKind.Undelegate;
  const op = undelegation ? operators.find((o) => o.bucket?.address === ticket.data.operatorPool) : undefined;
  if (undelegation && !op) throw new Error("The ticket's operator bucket was not found.");
  const bucket = op?.bucket?.address;
  const ix = getCancelWithdrawalInstruction(
    {
      authority: signer,
      pool: pool.address,
      position: position.address,
      ticket: ticket.address,
      rateSource: pool.keys.rateSource,
      operatorPool: bucket,
      delegation: bucket ? await findDelegationAddress(position.address, bucket, cfg.pda) : undefined,
      queue: bucket ? await findUndelegationQueueAddress(bucket, cfg.pda) : undefined,
      config: bucket ? await findConfigAddress(cfg.pda) : undefined,
      operator: op?.address,
      ...(await eventCpiAccounts(cfg.pda)),
    },
    cfg.programConfig,
  );
  const instructions = op && bucket ? [withRemainingAccounts(ix, await rewardIndexMetas(bucket, bucketMints(op), cfg.pda))] : [ix];
  return [{ label: undelegation ? "Cancel the undelegation" : "Cancel the withdrawal", instructions }];
}

/**
 * Claim everything: the client's claim-everything builder (every delegation, every stream,
 * packed into as few transactions as fit), preceded by one transaction creating the token
 * accounts that would receive a payment and do not exist yet.
 */
export async function claimEverythingPlan(ctx: ActionContext, rewardMints: ReadonlyMap<Address, RewardMintInfo>): Promise<TxPlan[]> {
  const { cfg, signer, pool, position } = ctx;
  const setup: Instruction[] = [];
  if (!position.lst.exists) setup.push(createAta(signer, position.lst, position.owner, pool.data.tokenProgram));
  const tokenProgramOf = (mint: Address) => rewardMints.get(mint)?.tokenProgram ?? pool.data.tokenProgram;
  const created = new Set<Address>();
  for (const d of position.delegations) {
    for (const mint of d.rewardMints) {
      const holding = position.rewardAccounts.get(mint);
      if (holding && !holding.exists && !created.has(mint)) {
        setup.push(createAta(signer, holding, position.owner, tokenProgramOf(mint)));
        created.add(mint);
      }
    }
  }
  const batches = await buildClaimEverythingTransactions(
    {
      owner: signer,
      pool: pool.keys,
      ownerLstAccount: position.lst.account,
      delegations: position.delegations.map((d) => ({
        operatorPool: d.operatorPool,
        streams: d.rewardMints.map((rewardMint) => ({
          rewardMint,
          tokenProgram: tokenProgramOf(rewardMint),
          ownerRewardAccount: position.rewardAccounts.get(rewardMint)?.account ?? position.lst.account,
        })),
      })),
    },
    {},
    cfg.pda,
  );
  const plans: TxPlan[] = [];
  if (setup.length > 0) plans.push({ label: `Create ${setup.length === 1 ? "a token account" : `${setup.length} token accounts`} to receive the payments`, instructions: setup });
  batches.forEach((b, i) =>
    plans.push({
      label:
        position.delegations.length === 0
          ? "Claim the base yield"
          : `Claim ${b.claims === 1 ? "1 delegation" : `${b.claims} delegations`}${batches.length > 1 ? ` (${i + 1} of ${batches.length})` : ""}`,
      instructions: b.instructions,
    }),
  );
  return plans;
}
