/**
 * Test fixture: the real SBF binary in LiteSVM (npm `litesvm`), SPL Token mints and accounts
 * (`@solana-program/token`), byte-exact SPL stake-pool accounts (mirroring
 * `programs/restaking/src/rate_source/fixtures.rs`), and the program's setup (config, pool,
 * operators with reward streams, services), all through the generated builders and the
 * hand-written layer under test.
 */
import { getSetComputeUnitLimitInstruction } from "@solana-program/compute-budget";
import { getCreateAccountInstruction } from "@solana-program/system";
import {
  getInitializeAccount3Instruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToInstruction,
  getTokenDecoder,
  getTokenSize,
  TOKEN_PROGRAM_ADDRESS,
} from "@solana-program/token";
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  getBase64Decoder,
  getBase64Encoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  getTransactionEncoder,
  getU64Encoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Rpc,
  type SimulateTransactionApi,
  type Transaction,
} from "@solana/kit";
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from "litesvm";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  decodeTransactionError,
  eventCpiAccounts,
  findConfigAddress,
  findOperatorAddress,
  findOperatorPoolAddress,
  findPositionAddress,
  findRewardIndexAddress,
  findRewardVaultAddress,
  findServiceAddress,
  findServiceLinkAddress,
  getAddPoolInstruction,
  getAddRewardMintInstruction,
  getFundRewardsInstruction,
  getInitializeConfigInstruction,
  getLinkServiceInstruction,
  getOpenOperatorPoolInstruction,
  getOpenPositionInstruction,
  getOperatorPoolDecoder,
  getPoolKeys,
  getRegisterOperatorInstruction,
  getRegisterServiceInstruction,
  parseEvents,
  RESTAKING_PROGRAM_ADDRESS,
  SPL_STAKE_POOL_PROGRAM_ADDRESS,
  buildClaimEverythingTransactions,
  findDelegationAddress,
  findTicketAddress,
  findUndelegationQueueAddress,
  getCancelWithdrawalInstruction,
  getCloseDelegationInstruction,
  getClosePositionInstruction,
  getCompleteWithdrawalInstruction,
  getDelegateInstruction,
  getDepositInstruction,
  getPositionDecoder,
  getRequestWithdrawalInstruction,
  getUndelegateInstruction,
  rewardIndexMetas,
  simulatePositionValue,
  withRemainingAccounts,
  type ClaimBatch,
  type ViewTicket,
  type ExecutedInstruction,
  type ParsedEvent,
  type PoolKeys,
  type ProgramErrorInfo,
} from "../src/index";

/** One LST (9 decimals). */
export const ONE = 1_000_000_000n;
/** One reward token (6 decimals). */
export const TOKEN = 1_000_000n;
export const DAY = 86_400n;
export const WITHDRAWAL_DELAY = 7n * DAY;
export const START_TS = 1_700_000_000n;

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (app/client-ts/test → ../../..). */
export const REPO_ROOT = path.resolve(here, "../../..");
/** The program binary: `$RESTAKING_SO` (relative to the repo root) or target/deploy/restaking.so. */
export const PROGRAM_SO = path.resolve(REPO_ROOT, process.env.RESTAKING_SO ?? "target/deploy/restaking.so");

/** The outcome of a transaction in LiteSVM, in the shapes a JSON-RPC client sees. */
export type TxOutcome = {
  readonly ok: boolean;
  readonly logs: readonly string[];
  /** Inner instructions, resolved to their program addresses. */
  readonly inner: readonly ExecutedInstruction[];
  readonly events: readonly ParsedEvent[];
  /** The JSON-RPC-shaped error (`{ InstructionError: [index, { Custom: code }] }`, or a string). */
  readonly rpcError: unknown;
  /** The decoded program error, if it failed with one. */
  readonly error: ProgramErrorInfo | null;
  readonly computeUnits: bigint;
  readonly returnData: Uint8Array;
  /** The signed wire size of the transaction. */
  readonly size: number;
};

/** A JSON-RPC-shaped `TransactionError` from LiteSVM's error object. */
function rpcShapedError(failed: FailedTransactionMetadata): unknown {
  const err: unknown = failed.err();
  if (typeof err === "object" && err !== null && "index" in err && "err" in err && typeof err.err === "function") {
    const inner: unknown = err.err();
    const index = Number(err.index);
    if (typeof inner === "object" && inner !== null && "code" in inner) return { InstructionError: [index, { Custom: Number(inner.code) }] };
    return { InstructionError: [index, String(inner)] };
  }
  return String(err);
}

/** The fixture. */
export class Env {
  readonly svm: LiteSVM;
  readonly payer: KeyPairSigner;
  private nonce = 0;

  private constructor(svm: LiteSVM, payer: KeyPairSigner) {
    this.svm = svm;
    this.payer = payer;
  }

  /** A LiteSVM with the program loaded, a funded payer and the clock at {@link START_TS}. */
  static async create(): Promise<Env> {
    // The RPC shim's simulations carry no signatures and a placeholder blockhash, as a
    // `sigVerify: false, replaceRecentBlockhash: true` simulation does over JSON-RPC.
    const svm = new LiteSVM().withSigverify(false).withBlockhashCheck(false);
    svm.addProgramFromFile(RESTAKING_PROGRAM_ADDRESS, PROGRAM_SO);
    const payer = await generateKeyPairSigner();
    svm.airdrop(payer.address, lamports(1_000_000_000_000n));
    const env = new Env(svm, payer);
    env.setTime(START_TS);
    return env;
  }

  // ---- transactions ------------------------------------------------------------------

  /** Signs `instructions` (signers come from the instructions' signer metas; fees by the payer). */
  async sign(instructions: readonly Instruction[]): Promise<Transaction> {
    const message = pipe(
      createTransactionMessage({ version: "legacy" }),
      (m) => setTransactionMessageFeePayerSigner(this.payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: 0n }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    return signTransactionMessageWithSigners(message);
  }

  /** Sends `instructions`, made unique by a compute-budget instruction (identical retries allowed). */
  async send(instructions: readonly Instruction[], options: { readonly budget?: boolean } = {}): Promise<TxOutcome> {
    this.nonce += 1;
    const all = options.budget === false ? instructions : [getSetComputeUnitLimitInstruction({ units: 1_400_000 - this.nonce }), ...instructions];
    const tx = await this.sign(all);
    return this.outcome(tx, this.svm.sendTransaction(tx));
  }

  /** Sends and throws with the decoded error and logs if it fails. */
  async ok(instructions: readonly Instruction[]): Promise<TxOutcome> {
    const out = await this.send(instructions);
    if (!out.ok) {
      const name = out.error ? `${out.error.name} (${out.error.code})` : JSON.stringify(out.rpcError);
      throw new Error(`transaction failed: ${name}\n${out.logs.join("\n")}`);
    }
    return out;
  }

  /** Simulates a signed transaction (nothing is committed). */
  simulate(tx: Transaction): TxOutcome {
    const result = this.svm.simulateTransaction(tx);
    return this.outcome(tx, result instanceof FailedTransactionMetadata ? result : result.meta());
  }

  private outcome(tx: Transaction, result: TransactionMetadata | FailedTransactionMetadata): TxOutcome {
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    const keys = getCompiledTransactionMessageDecoder().decode(tx.messageBytes).staticAccounts;
    const inner = meta.innerInstructions().flatMap((group) =>
      group.flatMap((ix) => {
        const compiled = ix.instruction();
        const programAddress = keys[compiled.programIdIndex()];
        return programAddress ? [{ programAddress, data: compiled.data() }] : [];
      }),
    );
    const logs = meta.logs();
    const rpcError = failed ? rpcShapedError(result) : null;
    const size = getTransactionEncoder().encode(tx).length;
    return {
      ok: !failed,
      logs,
      inner,
      events: parseEvents(inner),
      rpcError,
      error: failed ? decodeTransactionError(rpcError, logs) : null,
      computeUnits: meta.computeUnitsConsumed(),
      returnData: meta.returnData().data(),
      size,
    };
  }

  // ---- clock -------------------------------------------------------------------------

  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  epoch(): bigint {
    return this.svm.getClock().epoch;
  }

  setTime(unixTimestamp: bigint): void {
    const clock = this.svm.getClock();
    clock.unixTimestamp = unixTimestamp;
    this.svm.setClock(clock);
  }

  advance(secs: bigint): void {
    this.setTime(this.now() + secs);
  }

  // ---- accounts ----------------------------------------------------------------------

  data(address: Address): Uint8Array {
    const account = this.svm.getAccount(address);
    if (!account.exists) throw new Error(`account ${address} missing`);
    return new Uint8Array(account.data);
  }

  exists(address: Address): boolean {
    const account = this.svm.getAccount(address);
    return account.exists && account.lamports > 0n;
  }

  setAccount(address: Address, owner: Address, data: Uint8Array): void {
    this.svm.setAccount({
      address,
      data,
      executable: false,
      lamports: lamports(this.svm.minimumBalanceForRentExemption(BigInt(data.length))),
      programAddress: owner,
      space: BigInt(data.length),
    });
  }

  async wallet(sol = 10n): Promise<KeyPairSigner> {
    const kp = await generateKeyPairSigner();
    this.svm.airdrop(kp.address, lamports(sol * ONE));
    return kp;
  }

  // ---- tokens (SPL Token, test-only) --------------------------------------------------

  readonly mintAuthorityPromise = generateKeyPairSigner();

  async createMint(decimals: number): Promise<Address> {
    const mint = await generateKeyPairSigner();
    const space = BigInt(getMintSize());
    await this.ok([
      getCreateAccountInstruction({
        payer: this.payer,
        newAccount: mint,
        lamports: this.svm.minimumBalanceForRentExemption(space),
        space,
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({ mint: mint.address, decimals, mintAuthority: (await this.mintAuthorityPromise).address }),
    ]);
    return mint.address;
  }

  async createTokenAccount(mint: Address, owner: Address): Promise<Address> {
    const account = await generateKeyPairSigner();
    const space = BigInt(getTokenSize());
    await this.ok([
      getCreateAccountInstruction({
        payer: this.payer,
        newAccount: account,
        lamports: this.svm.minimumBalanceForRentExemption(space),
        space,
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeAccount3Instruction({ account: account.address, mint, owner }),
    ]);
    return account.address;
  }

  async mintTo(mint: Address, token: Address, amount: bigint): Promise<void> {
    await this.ok([getMintToInstruction({ mint, token, mintAuthority: await this.mintAuthorityPromise, amount })]);
  }

  balance(tokenAccount: Address): bigint {
    return getTokenDecoder().decode(this.data(tokenAccount)).amount;
  }

  // ---- rate sources ------------------------------------------------------------------

  /** Writes an SPL stake-pool account pricing `mint` at `totalLamports / supply`, updated this epoch. */
  setStakePool(address: Address, mint: Address, totalLamports: bigint, supply: bigint, epoch = this.epoch()): void {
    this.setAccount(address, SPL_STAKE_POOL_PROGRAM_ADDRESS, stakePoolAccountData(mint, totalLamports, supply, epoch));
  }

  // ---- program setup -----------------------------------------------------------------

  /** `initialize_config`: fee 0, max commission 50 %, min delay 3 days, veto window 2 days. */
  async initializeConfig(guardian: Address, treasury: Address): Promise<void> {
    await this.ok([
      getInitializeConfigInstruction({
        admin: this.payer,
        config: await findConfigAddress(),
        ...(await eventCpiAccounts()),
        guardian,
        treasury,
        protocolFeeBps: 0,
        maxCommissionBps: 5_000,
        minWithdrawalDelaySecs: 3n * DAY,
        slashVetoSecs: 2n * DAY,
      }),
    ]);
  }

  /** A pool on a fresh 9-decimal SPL mint priced by a stake pool at `num / den`, 7-day delay, no cap. */
  async stakePoolLst(num: bigint, den: bigint): Promise<PoolKeys> {
    const mint = await this.createMint(9);
    const stakePool = (await generateKeyPairSigner()).address;
    this.setStakePool(stakePool, mint, num, den);
    const keys = await getPoolKeys(mint, TOKEN_PROGRAM_ADDRESS, stakePool);
    await this.ok([
      getAddPoolInstruction({
        admin: this.payer,
        config: await findConfigAddress(),
        lstMint: mint,
        pool: keys.pool,
        poolVault: keys.vault,
        rateSource: stakePool,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
        ...(await eventCpiAccounts()),
        rateSourceArg: { __kind: "SplStakePool", stakePool },
        initialRate: 0n,
        depositCapValue: 0xffff_ffff_ffff_ffffn,
        withdrawalDelaySecs: WITHDRAWAL_DELAY,
        acceptedFreezeAuthority: null,
      }),
    ]);
    return keys;
  }

  /** Moves the pool's stake-pool rate to `num / den` (current epoch). */
  setRate(pool: PoolKeys, num: bigint, den: bigint): void {
    if (!pool.rateSource) throw new Error("not stake-pool priced");
    this.setStakePool(pool.rateSource, pool.lstMint, num, den);
  }

  /** A funded staker with an open position and `lst` LST in a token account. */
  async user(pool: PoolKeys, lst: bigint): Promise<User> {
    const kp = await this.wallet();
    const lstAccount = await this.createTokenAccount(pool.lstMint, kp.address);
    if (lst > 0n) await this.mintTo(pool.lstMint, lstAccount, lst);
    const position = await findPositionAddress(pool.pool, kp.address);
    await this.ok([getOpenPositionInstruction({ owner: kp, pool: pool.pool, position, ...(await eventCpiAccounts()) })]);
    return { kp, lstAccount, position };
  }

  /** A registered operator with `commissionBps` and an open bucket in `pool`. */
  async operator(pool: PoolKeys, commissionBps: number): Promise<TestOperator> {
    const kp = await this.wallet();
    const operator = await findOperatorAddress(kp.address);
    const bucket = await findOperatorPoolAddress(operator, pool.pool);
    const ev = await eventCpiAccounts();
    await this.ok([
      getRegisterOperatorInstruction({
        authority: kp,
        config: await findConfigAddress(),
        operator,
        ...ev,
        commissionBps,
        metadataUri: "https://operator.example",
      }),
      getOpenOperatorPoolInstruction({
        authority: kp,
        operator,
        pool: pool.pool,
        operatorPool: bucket,
        queue: await findUndelegationQueueAddress(bucket),
        ...ev,
      }),
    ]);
    return { kp, operator, bucket };
  }

  /** Opens a reward stream of `rewardMint` on `op`'s bucket (minimum duration 0). */
  async addStream(op: TestOperator, rewardMint: Address): Promise<Stream> {
    const rewardIndex = await findRewardIndexAddress(op.bucket, rewardMint);
    const rewardVault = await findRewardVaultAddress(rewardIndex);
    await this.ok([
      getAddRewardMintInstruction({
        signer: op.kp,
        config: await findConfigAddress(),
        operator: op.operator,
        operatorPool: op.bucket,
        rewardMint,
        rewardIndex,
        rewardVault,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
        ...(await eventCpiAccounts()),
        minDurationSecs: 0,
      }),
    ]);
    return { operatorPool: op.bucket, rewardMint, rewardIndex, rewardVault };
  }

  /** A service wallet holding `amount` of `rewardMint`. */
  async funder(rewardMint: Address, amount: bigint): Promise<{ kp: KeyPairSigner; account: Address }> {
    const kp = await this.wallet(1n);
    const account = await this.createTokenAccount(rewardMint, kp.address);
    await this.mintTo(rewardMint, account, amount);
    return { kp, account };
  }

  /** `fund_rewards(amount, 0)`: paid at once. */
  async fund(funder: { kp: KeyPairSigner; account: Address }, op: TestOperator, stream: Stream, amount: bigint): Promise<TxOutcome> {
    return this.send([
      getFundRewardsInstruction({
        funder: funder.kp,
        config: await findConfigAddress(),
        operator: op.operator,
        operatorPool: op.bucket,
        rewardIndex: stream.rewardIndex,
        rewardMint: stream.rewardMint,
        rewardVault: stream.rewardVault,
        funderRewardAccount: funder.account,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
        ...(await eventCpiAccounts()),
        amount,
        durationSecs: 0,
      }),
    ]);
  }

  /** A registered service linked by `op` (max slash `maxSlashBps`). */
  async service(op: TestOperator, maxSlashBps: number): Promise<Address> {
    const authority = await this.wallet(1n);
    const service = await findServiceAddress(authority.address);
    const ev = await eventCpiAccounts();
    await this.ok([
      getRegisterServiceInstruction({
        authority,
        service,
        ...ev,
        slasher: authority.address,
        destination: authority.address,
        metadataUri: "https://service.example",
      }),
      getLinkServiceInstruction({
        authority: op.kp,
        operator: op.operator,
        service,
        serviceLink: await findServiceLinkAddress(service, op.operator),
        ...ev,
        maxSlashBps,
      }),
    ]);
    return service;
  }

  /** The bucket's reward mints in slot order. */
  rewardMints(bucket: Address): Address[] {
    const b = getOperatorPoolDecoder().decode(this.data(bucket));
    return b.rewardMints.slice(0, b.rewardMintCount);
  }
}

/** A staker. */
export type User = { readonly kp: KeyPairSigner; readonly lstAccount: Address; readonly position: Address };
/** An operator and its bucket in the test pool. */
export type TestOperator = { readonly kp: KeyPairSigner; readonly operator: Address; readonly bucket: Address };
/** A reward stream of a bucket. */
export type Stream = { readonly operatorPool: Address; readonly rewardMint: Address; readonly rewardIndex: Address; readonly rewardVault: Address };

// ---- byte-exact SPL stake-pool account (mirrors fixtures.rs) ------------------------------

const SPL_TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address;

/** A fixed, recognisable key (`[byte; 32]`). */
const key = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

/**
 * Data of an SPL stake-pool `StakePool` account, 611 bytes like a deployed one (435 bytes of
 * Borsh with every `Option` empty, then zeros): the same fields and values as
 * `stake_pool_account_data` in `programs/restaking/src/rate_source/fixtures.rs`.
 */
export function stakePoolAccountData(poolMint: Address, totalLamports: bigint, poolTokenSupply: bigint, lastUpdateEpoch: bigint): Uint8Array {
  const parts: Uint8Array[] = [];
  const u8 = (v: number) => parts.push(new Uint8Array([v]));
  const u64 = (v: bigint) => parts.push(new Uint8Array(getU64Encoder().encode(v)));
  const bytes = (b: Uint8Array) => parts.push(b);
  const pubkey = (a: Address) => parts.push(new Uint8Array(getAddressEncoder().encode(a)));
  const fee = (numerator: bigint, denominator: bigint) => { u64(denominator); u64(numerator); };
  u8(1); // account_type: StakePool
  bytes(key(0x11)); // manager
  bytes(key(0x12)); // staker
  bytes(key(0x13)); // stake_deposit_authority
  u8(255); // stake_withdraw_bump_seed
  bytes(key(0x14)); // validator_list
  bytes(key(0x15)); // reserve_stake
  pubkey(poolMint); // pool_mint
  bytes(key(0x16)); // manager_fee_account
  pubkey(SPL_TOKEN); // token_program_id
  u64(totalLamports);
  u64(poolTokenSupply);
  u64(lastUpdateEpoch);
  u64(0n); u64(0n); bytes(key(0)); // lockup: unix_timestamp, epoch, custodian
  fee(5n, 100n); // epoch_fee
  u8(0); // next_epoch_fee: None
  u8(0); // preferred_deposit_validator_vote_address: None
  u8(0); // preferred_withdraw_validator_vote_address: None
  fee(0n, 10_000n); // stake_deposit_fee
  fee(10n, 10_000n); // stake_withdrawal_fee
  u8(0); // next_stake_withdrawal_fee
  u8(0); // stake_referral_fee
  u8(0); // sol_deposit_authority: None
  fee(0n, 10_000n); // sol_deposit_fee
  u8(0); // sol_referral_fee
  u8(0); // sol_withdraw_authority: None
  fee(3n, 10_000n); // sol_withdrawal_fee
  u8(0); // next_sol_withdrawal_fee
  u64(poolTokenSupply); // last_epoch_pool_token_supply
  u64(totalLamports); // last_epoch_total_lamports
  const serialized = parts.reduce((n, p) => n + p.length, 0);
  if (serialized !== 435) throw new Error(`stake pool fixture wrote ${serialized} bytes, expected 435`);
  const data = new Uint8Array(611);
  let offset = 0;
  for (const p of parts) { data.set(p, offset); offset += p.length; }
  return data;
}

/** A JSON-RPC-like client over LiteSVM for `getAccountInfo` and `simulateTransaction` (what the src layer calls). */
export function rpcShim(env: Env) {
  const base64 = getBase64Decoder();
  return {
    getAccountInfo(address: Address, _config?: unknown) {
      return {
        send: async () => {
          const account = env.svm.getAccount(address);
          if (!account.exists) return { context: { slot: 0n }, value: null };
          return {
            context: { slot: 0n },
            value: {
              data: [base64.decode(account.data), "base64"],
              executable: account.executable,
              lamports: account.lamports,
              owner: account.programAddress,
              space: account.space,
              rentEpoch: 0n,
            },
          };
        },
      };
    },
    simulateTransaction(wire: string, _config?: unknown) {
      return {
        send: async () => {
          const tx = getTransactionDecoder().decode(getBase64Encoder().encode(wire));
          const out = env.simulate(tx);
          return {
            context: { slot: 0n },
            value: {
              err: out.ok ? null : out.rpcError,
              logs: out.logs,
              returnData: out.returnData.length > 0 ? { programId: RESTAKING_PROGRAM_ADDRESS, data: [base64.decode(out.returnData), "base64"] } : null,
              unitsConsumed: out.computeUnits,
              accounts: null,
            },
          };
        },
      };
    },
  };
}

// ---- staker actions: the generated builders + the hand-written remaining accounts ---------

export type StakerAction = Promise<{ out: TxOutcome; ticket?: Address }>;

/** The position's next ticket address (its current `ticketNonce`). */
export async function nextTicket(env: Env, user: User): Promise<Address> {
  const position = getPositionDecoder().decode(env.data(user.position));
  return findTicketAddress(user.position, position.ticketNonce);
}

export async function deposit(env: Env, pool: PoolKeys, user: User, amount: bigint, minValue = 0n): Promise<TxOutcome> {
  return env.send([
    getDepositInstruction({
      owner: user.kp,
      config: await findConfigAddress(),
      pool: pool.pool,
      position: user.position,
      lstMint: pool.lstMint,
      ownerLstAccount: user.lstAccount,
      poolVault: pool.vault,
      rateSource: pool.rateSource,
      tokenProgram: pool.tokenProgram,
      ...(await eventCpiAccounts()),
      amount,
      minValue,
    }),
  ]);
}

export async function delegate(env: Env, pool: PoolKeys, user: User, op: TestOperator, amount: bigint, signer: KeyPairSigner = user.kp): Promise<TxOutcome> {
  const ix = getDelegateInstruction({
    owner: signer,
    config: await findConfigAddress(),
    pool: pool.pool,
    position: user.position,
    operator: op.operator,
    operatorPool: op.bucket,
    delegation: await findDelegationAddress(user.position, op.bucket),
    rateSource: pool.rateSource,
    ...(await eventCpiAccounts()),
    amount,
  });
  return env.send([withRemainingAccounts(ix, await rewardIndexMetas(op.bucket, env.rewardMints(op.bucket)))]);
}

export async function undelegate(env: Env, pool: PoolKeys, user: User, op: TestOperator, shares: bigint): StakerAction {
  const ticket = await nextTicket(env, user);
  const ix = getUndelegateInstruction({
    authority: user.kp,
    pool: pool.pool,
    position: user.position,
    operatorPool: op.bucket,
    delegation: await findDelegationAddress(user.position, op.bucket),
    queue: await findUndelegationQueueAddress(op.bucket),
    ticket,
    rateSource: pool.rateSource,
    ...(await eventCpiAccounts()),
    shares,
  });
  const out = await env.send([withRemainingAccounts(ix, await rewardIndexMetas(op.bucket, env.rewardMints(op.bucket)))]);
  return { out, ticket };
}

export async function requestWithdrawal(env: Env, pool: PoolKeys, user: User, amount: bigint): StakerAction {
  const ticket = await nextTicket(env, user);
  const out = await env.send([
    getRequestWithdrawalInstruction({
      authority: user.kp,
      pool: pool.pool,
      position: user.position,
      ticket,
      rateSource: pool.rateSource,
      ...(await eventCpiAccounts()),
      amount,
    }),
  ]);
  return { out, ticket };
}

/** `complete_withdrawal`; `bucket` for an `Undelegate` ticket. */
export async function completeWithdrawal(env: Env, pool: PoolKeys, user: User, ticket: Address, bucket?: Address): Promise<TxOutcome> {
  return env.send([
    getCompleteWithdrawalInstruction({
      authority: user.kp,
      pool: pool.pool,
      position: user.position,
      ticket,
      lstMint: pool.lstMint,
      poolVault: pool.vault,
      ownerLstAccount: user.lstAccount,
      tokenProgram: pool.tokenProgram,
      operatorPool: bucket,
      delegation: bucket ? await findDelegationAddress(user.position, bucket) : undefined,
      queue: bucket ? await findUndelegationQueueAddress(bucket) : undefined,
      ...(await eventCpiAccounts()),
    }),
  ]);
}

/** `cancel_withdrawal`; `op` for an `Undelegate` ticket (its bucket, queue, operator and reward indexes are passed). */
export async function cancelWithdrawal(env: Env, pool: PoolKeys, user: User, ticket: Address, op?: TestOperator): Promise<TxOutcome> {
  const bucket = op?.bucket;
  const ix = getCancelWithdrawalInstruction({
    authority: user.kp,
    pool: pool.pool,
    position: user.position,
    ticket,
    rateSource: pool.rateSource,
    operatorPool: bucket,
    delegation: bucket ? await findDelegationAddress(user.position, bucket) : undefined,
    queue: bucket ? await findUndelegationQueueAddress(bucket) : undefined,
    config: bucket ? await findConfigAddress() : undefined,
    operator: op?.operator,
    ...(await eventCpiAccounts()),
  });
  return env.send([bucket ? withRemainingAccounts(ix, await rewardIndexMetas(bucket, env.rewardMints(bucket))) : ix]);
}

export async function closeDelegation(env: Env, user: User, op: TestOperator, forfeitRewards = false): Promise<TxOutcome> {
  const ix = getCloseDelegationInstruction({
    owner: user.kp,
    position: user.position,
    operatorPool: op.bucket,
    delegation: await findDelegationAddress(user.position, op.bucket),
    ...(await eventCpiAccounts()),
    forfeitRewards,
  });
  return env.send([forfeitRewards ? withRemainingAccounts(ix, await rewardIndexMetas(op.bucket, env.rewardMints(op.bucket))) : ix]);
}

export async function closePosition(env: Env, pool: PoolKeys, user: User): Promise<TxOutcome> {
  return env.send([
    getClosePositionInstruction({ owner: user.kp, pool: pool.pool, position: user.position, ...(await eventCpiAccounts()) }),
  ]);
}

/** Claims everything of `user` with the claim-everything builder; sends every batch. */
export async function claimEverything(
  env: Env,
  pool: PoolKeys,
  user: User,
  delegations: readonly { op: TestOperator; rewardAccounts: readonly Address[] }[],
): Promise<{ batches: ClaimBatch[]; outs: TxOutcome[] }> {
  const batches = await buildClaimEverythingTransactions(
    {
      owner: user.kp,
      pool,
      ownerLstAccount: user.lstAccount,
      delegations: delegations.map(({ op, rewardAccounts }) => ({
        operatorPool: op.bucket,
        streams: env.rewardMints(op.bucket).map((rewardMint, i) => ({
          rewardMint,
          tokenProgram: TOKEN_PROGRAM_ADDRESS,
          ownerRewardAccount: rewardAccounts[i] ?? rewardAccounts[0] ?? user.lstAccount,
        })),
      })),
    },
    { feePayer: env.payer.address },
  );
  const outs: TxOutcome[] = [];
  for (const batch of batches) outs.push(await env.send(batch.instructions, { budget: false }));
  return { batches, outs };
}

/** The view of `user`'s position by simulation through the src layer (over the RPC shim). */
export async function positionValue(env: Env, pool: PoolKeys, user: User, ops: readonly TestOperator[], tickets: readonly ViewTicket[] = []) {
  const rpc = rpcShim(env) as unknown as Rpc<SimulateTransactionApi>;
  return simulatePositionValue(
    rpc,
    {
      owner: user.kp.address,
      pool,
      delegations: ops.map((op) => ({ operatorPool: op.bucket, rewardMints: env.rewardMints(op.bucket) })),
      tickets,
    },
    { feePayer: env.payer.address },
  );
}

/** A failure message for assertions: JSON with bigints, and logs when present. */
export function why(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 1);
}
