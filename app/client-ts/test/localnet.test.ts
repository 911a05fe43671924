/**
 * The client over JSON-RPC against a real localnet: `restaking-cli localnet` (Surfpool, offline,
 * free ports on 127.0.0.1) as a child process, `@solana/kit`'s `createSolanaRpc` and
 * `sendAndConfirmTransactionFactory` with the localnet's WebSocket subscriptions, and the
 * localnet's fixture world from its addresses file.
 *
 * One lifecycle of alice in the SPL stake-pool pool, each step asserting balances on chain:
 * deposit; delegate to operators X and Y; the rate moved to 1.05 and both reward streams funded
 * (the CLI's tester commands); the view by simulation (`view.ts`) matched to the base unit by
 * what claim-everything (`claim.ts`) then pays; a slash of X requested by the service's slasher,
 * refused inside its veto window (`VetoWindowOpen`, decoded by `errors.ts`), executed after a
 * warp; undelegation from X, `TicketNotMatured` before the delay, completed back into idle after
 * a warp; a withdrawal of all idle LST, completed to the wallet after another. Events are parsed
 * (`events.ts`) from the inner instructions of transactions fetched with `getTransaction`.
 *
 * Then `migrations/deploy.ts` (run as `npm run migrate`): against this localnet it finds the
 * config and sends nothing; against a bare localnet (`localnet --bare`: the program only) it
 * initialises the config, and a second run finds it.
 *
 * Skips (with the reason) when the CLI binary or target/deploy/restaking.so is missing.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getSetComputeUnitLimitInstruction } from "@solana-program/compute-budget";
import {
  fetchMaybeToken,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstructionAsync,
  TOKEN_PROGRAM_ADDRESS,
} from "@solana-program/token";
import {
  address,
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  getSignatureFromTransaction,
  isSolanaError,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Signature,
} from "@solana/kit";
import {
  buildClaimEverythingTransactions,
  decodeTransactionError,
  eventCpiAccounts,
  eventsNamed,
  fetchConfig,
  fetchDelegation,
  fetchMaybeConfig,
  fetchOperatorPool,
  fetchPosition,
  fetchSlashRequest,
  findConfigAddress,
  findDelegationAddress,
  findPositionAddress,
  findServiceLinkAddress,
  findSlashRequestAddress,
  findTicketAddress,
  findUndelegationQueueAddress,
  getCompleteWithdrawalInstruction,
  getDelegateInstruction,
  getDepositInstruction,
  getExecuteSlashInstruction,
  getOpenPositionInstruction,
  getPoolKeys,
  getRequestSlashInstruction,
  getRequestWithdrawalInstruction,
  getUndelegateInstruction,
  innerInstructionsOfRpcTransaction,
  parseEvents,
  rateFromRatio,
  rewardIndexMetas,
  simulatePositionValue,
  withRemainingAccounts,
  type ParsedEvent,
  type PoolKeys,
  type ProgramErrorInfo,
  type RpcTransactionWithInnerInstructions,
  type ViewDelegation,
  type ViewTicket,
} from "../src/index";
import { ONE, TOKEN } from "./helpers";
import { cliHasBare, Localnet, localnetSkipReason, type Addresses, type BareAddresses } from "./localnetHarness";

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DAY = 86_400;
const skip = localnetSkipReason();
if (skip) console.log(`# ${skip}`);

const readSigner = (file: string): Promise<KeyPairSigner> =>
  createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(fs.readFileSync(file, "utf8")) as number[]));

/** The client's side of a localnet: RPC, subscriptions, a send-and-confirm, reads. */
function connect(rpcUrl: string, wsUrl: string) {
  const rpc = createSolanaRpc(rpcUrl);
  const rpcSubscriptions = createSolanaRpcSubscriptions(wsUrl);
  const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
  let nonce = 0;
  return {
    rpc,
    /** Signs with every signer of the instructions (fee by `payer`), sends, waits for `confirmed`. */
    async send(payer: KeyPairSigner, instructions: readonly Instruction[], options: { readonly budget?: boolean } = {}): Promise<Signature> {
      nonce += 1; // a distinct compute limit keeps retried instructions distinct transactions
      const all = options.budget === false ? instructions : [getSetComputeUnitLimitInstruction({ units: 600_000 + nonce }), ...instructions];
      const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
      const tx = await signTransactionMessageWithSigners(
        pipe(
          createTransactionMessage({ version: "legacy" }),
          (m) => setTransactionMessageFeePayerSigner(payer, m),
          (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
          (m) => appendTransactionMessageInstructions(all, m),
        ),
      );
      assertIsTransactionWithBlockhashLifetime(tx);
      await sendAndConfirm(tx, { commitment: "confirmed" });
      return getSignatureFromTransaction(tx);
    },
    /** A token account's balance (0 when it does not exist). */
    async balance(account: Address): Promise<bigint> {
      const token = await fetchMaybeToken(rpc, account, { commitment: "confirmed" });
      return token.exists ? token.data.amount : 0n;
    },
    /** The program's events in a confirmed transaction, from its inner instructions. */
    async events(signature: Signature): Promise<ParsedEvent[]> {
      const tx = await rpc.getTransaction(signature, { encoding: "json", maxSupportedTransactionVersion: 0, commitment: "confirmed" }).send();
      assert.ok(tx, `getTransaction ${signature} found nothing`);
      return parseEvents(innerInstructionsOfRpcTransaction(tx as unknown as RpcTransactionWithInnerInstructions));
    },
  };
}
type Client = ReturnType<typeof connect>;

/** The failure's decoded program error (a kit `SolanaError` from a failed preflight, logs included). */
async function programError(attempt: Promise<unknown>): Promise<ProgramErrorInfo> {
  try {
    await attempt;
  } catch (e) {
    const logs = isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) ? (e.context.logs ?? []) : [];
    const info = decodeTransactionError(e, logs);
    assert.ok(info, `not a program error: ${String(e)}`);
    return info;
  }
  assert.fail("the transaction succeeded");
}

const run = promisify(execFile);

/** `npm run migrate` (migrations/deploy.ts) against a localnet; its exit code and output. */
async function migrate(rpcUrl: string, keypair: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "migrate", "--", "--url", rpcUrl, "--keypair", keypair], {
      cwd: CLIENT_DIR,
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("the client over JSON-RPC against the localnet", { skip: skip ?? false }, () => {
  let net: Localnet<Addresses>;
  let c: Client;
  let a: Addresses;
  let alice: KeyPairSigner;
  let pool: PoolKeys;
  let aliceLst: Address;
  let aliceRewards: Address;
  let rewardMint: Address;
  let position: Address;
  const ops: { name: string; operator: Address; bucket: Address }[] = [];
  const started = Date.now();

  before(async () => {
    net = await Localnet.start<Addresses>();
    a = net.addresses;
    c = connect(a.rpcUrl, a.wsUrl);
    const w = a.wallets.find((x) => x.name === "alice");
    const p = a.pools.find((x) => x.name === "spl");
    assert.ok(w && p && p.rateSource.account, "alice and the spl pool in the addresses file");
    alice = await readSigner(w.keypair);
    pool = await getPoolKeys(address(p.lstMint), address(p.tokenProgram), address(p.rateSource.account));
    // pdas.ts derives the addresses the Rust CLI wrote
    assert.equal(pool.pool, p.pool);
    assert.equal(pool.vault, p.vault);
    assert.equal(await findConfigAddress(), a.config);
    const lst = w.tokenAccounts[p.lstMint];
    assert.ok(lst);
    aliceLst = address(lst);
    rewardMint = address(a.rewardMints[0]?.mint ?? "");
    [aliceRewards] = await findAssociatedTokenPda({ owner: alice.address, mint: rewardMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    position = await findPositionAddress(pool.pool, alice.address);
    for (const name of ["operator-x", "operator-y"]) {
      const o = a.operators.find((x) => x.name === name);
      const b = o?.buckets.find((x) => x.pool === p.pool);
      assert.ok(o && b);
      ops.push({ name, operator: address(o.operator), bucket: address(b.operatorPool) });
    }
  });

  after(async () => {
    await net?.stop();
    console.log(`# localnet lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const [x, y] = [() => ops[0]!, () => ops[1]!];
  const mintsOf = async (bucket: Address): Promise<Address[]> => {
    const b = await fetchOperatorPool(c.rpc, bucket, { commitment: "confirmed" });
    return b.data.rewardMints.slice(0, b.data.rewardMintCount);
  };
  const viewDelegations = async (): Promise<ViewDelegation[]> =>
    Promise.all(ops.map(async (o) => ({ operatorPool: o.bucket, rewardMints: await mintsOf(o.bucket) })));
  const view = async (tickets: readonly ViewTicket[] = []) => {
    const v = await simulatePositionValue(c.rpc, { owner: alice.address, pool, delegations: await viewDelegations(), tickets });
    assert.ok(v.ok, `view failed: ${JSON.stringify(v.ok ? null : v.error)}\n${v.logs.join("\n")}`);
    return v.value;
  };
  const nextTicket = async () => findTicketAddress(position, (await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.ticketNonce);

  test("migrations/deploy.ts finds the localnet's config and sends nothing", async () => {
    const before = await fetchConfig(c.rpc, address(a.config));
    const out = await migrate(a.rpcUrl, a.admin.keypair);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`config ${a.config} already initialised; nothing sent`));
    assert.match(out.stdout, new RegExp(`admin +${a.admin.pubkey} \\(this wallet\\)`));
    const afterwards = await fetchConfig(c.rpc, address(a.config));
    assert.deepEqual(afterwards.data, before.data);

    // as Anchor calls the hook: `module.exports(provider)` with an AnchorProvider
    const hook = ((await import("../../../migrations/deploy.ts")) as { default: (provider: unknown) => Promise<{ status: string; config: string }> }).default;
    const secretKey = new Uint8Array(JSON.parse(fs.readFileSync(a.admin.keypair, "utf8")) as number[]);
    const log = console.log;
    console.log = () => {};
    try {
      const outcome = await hook({ connection: { rpcEndpoint: a.rpcUrl }, wallet: { payer: { secretKey } } });
      assert.equal(outcome.status, "existing");
      assert.equal(outcome.config, a.config);
    } finally {
      console.log = log;
    }
  });

  test("deposit 100 LST (open_position + deposit in one transaction)", async () => {
    const [lstBefore, vaultBefore] = [await c.balance(aliceLst), await c.balance(pool.vault)];
    const ev = await eventCpiAccounts();
    const sig = await c.send(alice, [
      getOpenPositionInstruction({ owner: alice, pool: pool.pool, position, ...ev }),
      getDepositInstruction({
        owner: alice,
        config: await findConfigAddress(),
        pool: pool.pool,
        position,
        lstMint: pool.lstMint,
        ownerLstAccount: aliceLst,
        poolVault: pool.vault,
        rateSource: pool.rateSource,
        tokenProgram: pool.tokenProgram,
        ...ev,
        amount: 100n * ONE,
        minValue: 0n,
      }),
    ]);
    assert.equal(await c.balance(aliceLst), lstBefore - 100n * ONE);
    assert.equal(await c.balance(pool.vault), vaultBefore + 100n * ONE);
    assert.equal((await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.idleLst, 100n * ONE);
    // events from getTransaction's inner instructions
    const events = await c.events(sig);
    assert.deepEqual(events.map((e) => e.name), ["PositionOpenedEvent", "DepositEvent"]);
    const [deposit] = eventsNamed(events, "DepositEvent");
    assert.equal(deposit?.owner, alice.address);
    assert.equal(deposit?.receivedLst, 100n * ONE);
    assert.equal(deposit?.positionIdleLst, 100n * ONE);
  });

  test("delegate 60 to operator X and 30 to operator Y", async () => {
    for (const [o, amount] of [[x(), 60n * ONE], [y(), 30n * ONE]] as const) {
      const before = (await fetchOperatorPool(c.rpc, o.bucket, { commitment: "confirmed" })).data.totalLst;
      const ix = getDelegateInstruction({
        owner: alice,
        config: await findConfigAddress(),
        pool: pool.pool,
        position,
        operator: o.operator,
        operatorPool: o.bucket,
        delegation: await findDelegationAddress(position, o.bucket),
        rateSource: pool.rateSource,
        ...(await eventCpiAccounts()),
        amount,
      });
      const sig = await c.send(alice, [withRemainingAccounts(ix, await rewardIndexMetas(o.bucket, await mintsOf(o.bucket)))]);
      const bucket = await fetchOperatorPool(c.rpc, o.bucket, { commitment: "confirmed" });
      assert.equal(bucket.data.totalLst, before + amount, `${o.name}'s bucket`);
      const [event] = eventsNamed(await c.events(sig), "DelegateEvent");
      assert.ok(event, "DelegateEvent parsed");
    }
    assert.equal((await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.idleLst, 10n * ONE);
    const v = await view();
    assert.equal(v.idleLst, 10n * ONE);
    assert.equal(v.delegatedLst, 90n * ONE);
    assert.equal(v.pendingBaseYield, 0n);
  });

  test("the rate moves to 1.05 and both streams are funded (CLI tester commands)", async () => {
    const service = a.services[0];
    assert.ok(service);
    await net.cli(["set-rate", "--pool", pool.lstMint, "--rate", "1.05"]);
    const vaults: bigint[] = [];
    for (const [o, amount] of [[x(), "1000"], [y(), "500"]] as const) {
      const stream = a.operators.find((op) => op.operator === o.operator)?.buckets.find((b) => b.operatorPool === o.bucket)?.rewardStreams[0];
      assert.ok(stream);
      const before = await c.balance(address(stream.rewardVault));
      await net.cli(["fund-rewards", "--pool", pool.lstMint, "--operator", o.operator, "--mint", rewardMint, amount], service.authority.keypair);
      vaults.push((await c.balance(address(stream.rewardVault))) - before);
    }
    assert.deepEqual(vaults, [1_000n * TOKEN, 500n * TOKEN]);
  });

  test("the view by simulation predicts to the base unit what claim-everything pays", async () => {
    const v = await view();
    assert.equal(v.rateFresh, true);
    assert.equal(v.rate, rateFromRatio(105n, 100n));
    assert.ok(v.pendingBaseYield > 4n * ONE && v.pendingBaseYield < 5n * ONE, `base yield ${v.pendingBaseYield}`);
    const [vx, vy] = [v.delegations[0], v.delegations[1]];
    assert.ok(vx && vy);
    // alice is each bucket's only delegator: the stream less the operator's commission
    assert.ok(vx.rewards[0]! <= 900n * TOKEN && vx.rewards[0]! > 899n * TOKEN, `X rewards ${vx.rewards[0]}`);
    assert.ok(vy.rewards[0]! <= 475n * TOKEN && vy.rewards[0]! > 474n * TOKEN, `Y rewards ${vy.rewards[0]}`);
    const expectedRewards = vx.rewards[0]! + vy.rewards[0]!;

    await c.send(alice, [await getCreateAssociatedTokenIdempotentInstructionAsync({ payer: alice, owner: alice.address, mint: rewardMint })]);
    const [lstBefore, rewardsBefore] = [await c.balance(aliceLst), await c.balance(aliceRewards)];
    const delegations = await Promise.all(
      ops.map(async (o) => ({
        operatorPool: o.bucket,
        streams: (await mintsOf(o.bucket)).map((mint) => ({ rewardMint: mint, tokenProgram: TOKEN_PROGRAM_ADDRESS, ownerRewardAccount: aliceRewards })),
      })),
    );
    const batches = await buildClaimEverythingTransactions({ owner: alice, pool, ownerLstAccount: aliceLst, delegations });
    assert.equal(batches.reduce((n, b) => n + b.claims, 0), 2, "one claim per delegation");
    const claimEvents = [];
    for (const batch of batches) {
      const sig = await c.send(alice, batch.instructions, { budget: false });
      claimEvents.push(...eventsNamed(await c.events(sig), "ClaimEvent"));
    }
    assert.equal((await c.balance(aliceLst)) - lstBefore, v.pendingBaseYield);
    assert.equal((await c.balance(aliceRewards)) - rewardsBefore, expectedRewards);
    // the ClaimEvents say the same
    assert.equal(claimEvents.length, 2);
    assert.equal(claimEvents.reduce((s, e) => s + e.baseYieldLst, 0n), v.pendingBaseYield);
    assert.equal(claimEvents.flatMap((e) => e.rewards).reduce((s, r) => s + r.amount, 0n), expectedRewards);
    // nothing left
    const afterwards = await view();
    assert.equal(afterwards.pendingBaseYield, 0n);
    assert.deepEqual(afterwards.delegations.map((d) => d.rewards), [[0n], [0n]]);
  });

  test("a slash of X: refused in its veto window (VetoWindowOpen), executed after a warp", async () => {
    const service = a.services[0];
    assert.ok(service);
    const slasher = await readSigner(service.slasher.keypair);
    const serviceAddress = address(service.service);
    const bucket = await fetchOperatorPool(c.rpc, x().bucket, { commitment: "confirmed" });
    const request = await findSlashRequestAddress(x().bucket, serviceAddress, bucket.data.slashNonce);
    const sig = await c.send(slasher, [
      getRequestSlashInstruction({
        slasher,
        config: await findConfigAddress(),
        service: serviceAddress,
        serviceLink: await findServiceLinkAddress(serviceAddress, x().operator),
        operatorPool: x().bucket,
        slashRequest: request,
        ...(await eventCpiAccounts()),
        bps: 1_000,
        evidenceHash: new Uint8Array(32).fill(7),
      }),
    ]);
    assert.ok(eventsNamed(await c.events(sig), "SlashRequestedEvent")[0], "SlashRequestedEvent parsed");

    const [destination] = await findAssociatedTokenPda({ owner: address(service.destination), mint: pool.lstMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    await c.send(alice, [await getCreateAssociatedTokenIdempotentInstructionAsync({ payer: alice, owner: address(service.destination), mint: pool.lstMint })]);
    const execute = async () =>
      getExecuteSlashInstruction({
        pool: pool.pool,
        operatorPool: x().bucket,
        slashRequest: request,
        service: serviceAddress,
        queue: await findUndelegationQueueAddress(x().bucket),
        lstMint: pool.lstMint,
        poolVault: pool.vault,
        destination,
        rateSource: pool.rateSource,
        tokenProgram: pool.tokenProgram,
        ...(await eventCpiAccounts()),
      });
    const refused = await programError(c.send(alice, [await execute()]));
    assert.equal(refused.name, "VetoWindowOpen");
    assert.equal(refused.code, 6064);
    assert.equal(refused.source, "restaking");

    await net.warp(2 * DAY + 1);
    const [destBefore, vaultBefore, totalBefore] = [
      await c.balance(destination),
      await c.balance(pool.vault),
      (await fetchOperatorPool(c.rpc, x().bucket, { commitment: "confirmed" })).data.totalLst,
    ];
    const executed = await c.send(alice, [await execute()]);
    const r = (await fetchSlashRequest(c.rpc, request, { commitment: "confirmed" })).data;
    const seized = r.seizedActiveLst + r.seizedQueuedLst;
    assert.equal(r.seizedActiveLst, totalBefore / 10n, "10 % of the bucket's active LST");
    assert.equal((await c.balance(destination)) - destBefore, seized);
    assert.equal(vaultBefore - (await c.balance(pool.vault)), seized);
    assert.equal((await fetchOperatorPool(c.rpc, x().bucket, { commitment: "confirmed" })).data.totalLst, totalBefore - r.seizedActiveLst);
    const [event] = eventsNamed(await c.events(executed), "SlashExecutedEvent");
    assert.equal(event?.seizedActiveLst, r.seizedActiveLst);
    assert.equal(event?.destination, destination);
  });

  test("undelegate everything from X; TicketNotMatured before the delay; complete (back to idle) after a warp", async () => {
    const o = x();
    const delegation = await findDelegationAddress(position, o.bucket);
    const { shares } = (await fetchDelegation(c.rpc, delegation, { commitment: "confirmed" })).data;
    const ticket = await nextTicket();
    const queue = await findUndelegationQueueAddress(o.bucket);
    const ix = getUndelegateInstruction({
      authority: alice,
      pool: pool.pool,
      position,
      operatorPool: o.bucket,
      delegation,
      queue,
      ticket,
      rateSource: pool.rateSource,
      ...(await eventCpiAccounts()),
      shares,
    });
    const sig = await c.send(alice, [withRemainingAccounts(ix, await rewardIndexMetas(o.bucket, await mintsOf(o.bucket)))]);
    assert.ok(eventsNamed(await c.events(sig), "UndelegationRequestedEvent")[0]);
    const queued = (await view([{ ticket, undelegationQueue: queue }])).queuedLst;
    assert.ok(queued > 50n * ONE && queued < 60n * ONE, `queued ${queued}`);

    const complete = async () =>
      getCompleteWithdrawalInstruction({
        authority: alice,
        pool: pool.pool,
        position,
        ticket,
        lstMint: pool.lstMint,
        poolVault: pool.vault,
        ownerLstAccount: aliceLst,
        tokenProgram: pool.tokenProgram,
        operatorPool: o.bucket,
        delegation,
        queue,
        ...(await eventCpiAccounts()),
      });
    const early = await programError(c.send(alice, [await complete()]));
    assert.equal(early.name, "TicketNotMatured");

    await net.warp(7 * DAY + 1);
    // an undelegation completes into the position's idle LST (the wallet is paid by a withdrawal)
    const [before, idleBefore] = [await c.balance(aliceLst), (await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.idleLst];
    const done = await c.send(alice, [await complete()]);
    assert.equal(await c.balance(aliceLst), before);
    const idleAfter = (await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.idleLst;
    assert.equal(idleAfter - idleBefore, queued, "the view's queued LST is what came back");
    const [event] = eventsNamed(await c.events(done), "WithdrawalCompletedEvent");
    assert.equal(event?.lst, queued);
    assert.equal((await fetchDelegation(c.rpc, delegation, { commitment: "confirmed" })).data.shares, 0n);
  });

  test("request the withdrawal of all idle LST; complete after a warp (to the wallet)", async () => {
    const idle = (await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data.idleLst;
    assert.equal(idle, (await view()).idleLst);
    // 10 idle less its stripped yield, and the LST back from X (90 % of 60, less its yield)
    assert.ok(idle > 60n * ONE && idle < 61n * ONE, `idle ${idle}`);
    const ticket = await nextTicket();
    await c.send(alice, [
      getRequestWithdrawalInstruction({
        authority: alice,
        pool: pool.pool,
        position,
        ticket,
        rateSource: pool.rateSource,
        ...(await eventCpiAccounts()),
        amount: idle,
      }),
    ]);
    assert.equal((await view([ticket])).withdrawingLst, idle);
    await net.warp(7 * DAY + 1);
    const [before, vaultBefore] = [await c.balance(aliceLst), await c.balance(pool.vault)];
    await c.send(alice, [
      getCompleteWithdrawalInstruction({
        authority: alice,
        pool: pool.pool,
        position,
        ticket,
        lstMint: pool.lstMint,
        poolVault: pool.vault,
        ownerLstAccount: aliceLst,
        tokenProgram: pool.tokenProgram,
        ...(await eventCpiAccounts()),
      }),
    ]);
    assert.equal((await c.balance(aliceLst)) - before, idle);
    assert.equal(vaultBefore - (await c.balance(pool.vault)), idle);
    const p = (await fetchPosition(c.rpc, position, { commitment: "confirmed" })).data;
    assert.equal(p.idleLst, 0n);
    assert.equal(p.openTickets, 0);
    // what is left: the delegation to Y
    const v = await view();
    assert.equal(v.delegations[0]?.lst, 0n);
    assert.ok(v.totalLst > 28n * ONE && v.totalLst < 30n * ONE, `left ${v.totalLst}`);
  });
});

describe("migrations/deploy.ts on a bare localnet (the program only)", { skip: skip ?? false }, () => {
  let net: Localnet<BareAddresses> | undefined;
  let bareSkip: string | false = false;

  before(async () => {
    if (!(await cliHasBare())) {
      bareSkip = "this restaking-cli has no `localnet --bare`";
      return;
    }
    net = await Localnet.start<BareAddresses>({ bare: true });
  });
  after(async () => {
    await net?.stop();
  });

  test("initialises the config once, then finds it", async (t) => {
    if (bareSkip || !net) return t.skip(bareSkip || "no bare localnet");
    const b = net.addresses;
    assert.equal(b.bare, true);
    const rpc = createSolanaRpc(b.rpcUrl);
    assert.equal((await fetchMaybeConfig(rpc, address(b.config))).exists, false, "a bare localnet has no config");
    const guardian = (await readSigner(b.admin.keypair)).address; // any key will do
    const env = { RESTAKING_GUARDIAN: guardian, RESTAKING_TREASURY: b.programId, RESTAKING_MAX_COMMISSION_BPS: "3000" };

    const first = await migrate(b.rpcUrl, b.admin.keypair, env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`config ${b.config} initialised: \\w+`));
    const config = (await fetchConfig(rpc, address(b.config), { commitment: "confirmed" })).data;
    assert.equal(config.admin, b.admin.pubkey);
    assert.equal(config.treasury, b.programId);
    assert.equal(config.maxCommissionBps, 3000);
    assert.equal(config.protocolFeeBps, 0);
    assert.equal(config.minWithdrawalDelaySecs, 259_200n);
    assert.equal(config.slashVetoSecs, 172_800n);

    const second = await migrate(b.rpcUrl, b.admin.keypair, { ...env, RESTAKING_MAX_COMMISSION_BPS: "100" });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already initialised; nothing sent/);
    assert.equal((await fetchConfig(rpc, address(b.config), { commitment: "confirmed" })).data.maxCommissionBps, 3000);

    const bad = await migrate(b.rpcUrl, path.join(net.dir, "missing.json"));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /^error: cannot read the keypair file/m);
  });
});
