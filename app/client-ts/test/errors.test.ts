/**
 * Program failures decoded to their names: from the JSON-RPC-shaped error with logs (as a
 * wallet sees them), from a kit `SolanaError`, and never confusing another program's custom
 * error with the program's own.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { getMintToInstruction } from "@solana-program/token";
import { SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM, SolanaError, type Address } from "@solana/kit";
import {
  decodeErrorCode,
  decodeTransactionError,
  describeProgramError,
  RESTAKING_ERROR__INSUFFICIENT_IDLE,
  RESTAKING_ERROR__ZERO_AMOUNT,
  type PoolKeys,
} from "../src/index";
import {
  completeWithdrawal,
  delegate,
  deposit,
  Env,
  ONE,
  positionValue,
  requestWithdrawal,
  WITHDRAWAL_DELAY,
  type TestOperator,
  type User,
} from "./helpers";

describe("program errors by name", () => {
  let env: Env;
  let pool: PoolKeys;
  let x: TestOperator;
  let alice: User;

  before(async () => {
    env = await Env.create();
    const guardian = await env.wallet(1n);
    await env.initializeConfig(guardian.address, guardian.address);
    pool = await env.stakePoolLst(ONE, ONE);
    x = await env.operator(pool, 1_000);
    alice = await env.user(pool, 100n * ONE);
    assert.ok((await deposit(env, pool, alice, 50n * ONE)).ok);
  });

  it("InsufficientIdle: delegating more than the idle LST", async () => {
    const out = await delegate(env, pool, alice, x, 51n * ONE);
    assert.equal(out.ok, false);
    assert.equal(out.error?.name, "InsufficientIdle");
    assert.equal(out.error?.code, RESTAKING_ERROR__INSUFFICIENT_IDLE);
    assert.equal(out.error?.source, "restaking");
    assert.equal(out.error?.instructionIndex, 1, "after the compute-budget instruction");
  });

  it("ZeroAmount: a deposit of 0", async () => {
    const out = await deposit(env, pool, alice, 0n);
    assert.equal(out.error?.name, "ZeroAmount");
    assert.equal(out.error?.code, RESTAKING_ERROR__ZERO_AMOUNT);
  });

  it("NotPositionOwner: a deposit into someone else's position", async () => {
    const mallory = await env.user(pool, 10n * ONE);
    const out = await deposit(env, pool, { ...mallory, position: alice.position }, ONE);
    assert.ok(out.error);
    assert.equal(out.error.name, "NotPositionOwner");
    assert.equal(describeProgramError(out.error), "NotPositionOwner: Signer is not the owner of this position");
  });

  it("TicketNotMatured, then Anchor's AccountNotInitialized for a completed ticket", async () => {
    const { ticket } = await requestWithdrawal(env, pool, alice, ONE);
    env.advance(WITHDRAWAL_DELAY - 1n);
    const early = await completeWithdrawal(env, pool, alice, ticket as Address);
    assert.equal(early.error?.name, "TicketNotMatured");
    env.advance(1n);
    assert.ok((await completeWithdrawal(env, pool, alice, ticket as Address)).ok);
    const again = await completeWithdrawal(env, pool, alice, ticket as Address);
    assert.equal(again.error?.name, "AccountNotInitialized");
    assert.equal(again.error?.source, "anchor");
    assert.equal(again.error?.code, 3012);
  });

  it("another program's custom error is not taken for the program's", async () => {
    // a mint_to signed by the wrong authority: the token program's custom error 4 (OwnerMismatch)
    const intruder = await env.wallet(1n);
    const out = await env.send([getMintToInstruction({ mint: pool.lstMint, token: alice.lstAccount, mintAuthority: intruder, amount: 1n })]);
    assert.equal(out.ok, false);
    assert.ok(out.logs.some((l) => l.endsWith("failed: custom program error: 0x4")));
    assert.equal(out.error, null);
    // a program error's sentence, for comparison
    const own = await deposit(env, pool, alice, 1_000n * ONE);
    assert.equal(own.error?.name, "InsufficientFunds");
  });

  it("a failed view simulation comes back by name (InvalidViewAccount)", async () => {
    const view = await positionValue(env, pool, alice, [], [pool.pool]);
    assert.equal(view.ok, false);
    assert.equal(view.ok ? null : view.error?.name, "InvalidViewAccount");
  });

  it("decodes kit SolanaErrors and bare RPC errors", () => {
    const solana = new SolanaError(SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM, { code: RESTAKING_ERROR__ZERO_AMOUNT, index: 2 });
    assert.equal(decodeTransactionError(solana)?.name, "ZeroAmount");
    assert.equal(decodeTransactionError(solana)?.instructionIndex, 2);
    const wrapped = new Error("send failed", { cause: solana });
    assert.equal(decodeTransactionError(wrapped)?.name, "ZeroAmount");
    assert.equal(decodeTransactionError({ InstructionError: [0, { Custom: RESTAKING_ERROR__INSUFFICIENT_IDLE }] })?.name, "InsufficientIdle");
    assert.equal(decodeTransactionError({ InstructionError: [0, "InvalidAccountData"] }), null);
    assert.equal(decodeErrorCode(101)?.name, "InstructionFallbackNotFound");
    assert.equal(decodeErrorCode(42), null);
  });
});
