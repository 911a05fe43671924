/**
 * Claim everything across several delegations and streams: the packer's batches fit the
 * 1,232-byte legacy limit as measured, every batch lands, and every stream pays what the view
 * predicted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "@solana/kit";
import { MAX_TRANSACTION_SIZE, type PoolKeys } from "../src/index";
import { claimEverything, delegate, deposit, Env, ONE, positionValue, TOKEN, why, type Stream, type TestOperator, type User } from "./helpers";

type Setup = { env: Env; pool: PoolKeys; alice: User; ops: { op: TestOperator; streams: Stream[]; accounts: Address[] }[] };

/** Alice delegates to `operators` buckets with `streams` funded streams each (100 tokens per stream). */
async function setup(operators: number, streams: number): Promise<Setup> {
  const env = await Env.create();
  const guardian = await env.wallet(1n);
  await env.initializeConfig(guardian.address, guardian.address);
  const pool = await env.stakePoolLst(ONE, ONE);
  const alice = await env.user(pool, 100n * ONE);
  assert.ok((await deposit(env, pool, alice, 100n * ONE)).ok);
  const ops: Setup["ops"] = [];
  for (let o = 0; o < operators; o++) {
    const op = await env.operator(pool, 1_000);
    const list: Stream[] = [];
    const accounts: Address[] = [];
    for (let s = 0; s < streams; s++) {
      const mint = await env.createMint(6);
      list.push(await env.addStream(op, mint));
      accounts.push(await env.createTokenAccount(mint, alice.kp.address));
    }
    const out = await delegate(env, pool, alice, op, 10n * ONE);
    assert.ok(out.ok, why(out.error));
    for (const stream of list) {
      const funder = await env.funder(stream.rewardMint, 100n * TOKEN);
      assert.ok((await env.fund(funder, op, stream, 100n * TOKEN)).ok);
    }
    ops.push({ op, streams: list, accounts });
  }
  env.setRate(pool, 11n * ONE, 10n * ONE);
  return { env, pool, alice, ops };
}

async function claimAllAndCheck({ env, pool, alice, ops }: Setup) {
  const view = await positionValue(env, pool, alice, ops.map((o) => o.op));
  assert.ok(view.ok, why(view));
  const { batches, outs } = await claimEverything(env, pool, alice, ops.map((o) => ({ op: o.op, rewardAccounts: o.accounts })));
  for (const [i, out] of outs.entries()) {
    assert.ok(out.ok, why(out.error));
    assert.equal(out.size, batches[i]?.size, "measured size = sent size");
    assert.ok(out.size <= MAX_TRANSACTION_SIZE);
  }
  assert.equal(batches.reduce((n, b) => n + b.claims, 0), ops.length);
  for (const [i, o] of ops.entries()) {
    for (const [s, account] of o.accounts.entries()) {
      assert.equal(env.balance(account), view.value.delegations[i]?.rewards[s], `operator ${i} stream ${s}`);
      assert.equal(env.balance(account), 90n * TOKEN);
    }
  }
  assert.equal(env.balance(alice.lstAccount), view.value.pendingBaseYield);
  assert.ok(view.value.pendingBaseYield > 0n);
  return batches;
}

describe("claim everything", () => {
  it("packs 4 single-stream claims into as few legacy transactions as fit", async (t) => {
    const batches = await claimAllAndCheck(await setup(4, 1));
    t.diagnostic(`4 delegations × 1 stream: ${batches.map((b) => `${b.claims} claims/${b.size} B`).join(", ")}`);
    assert.ok(batches.length < 4, "several claims share a transaction");
  });

  it("sends one transaction per 4-stream claim, each within 1,232 bytes", async (t) => {
    const batches = await claimAllAndCheck(await setup(3, 4));
    t.diagnostic(`3 delegations × 4 streams: ${batches.map((b) => `${b.claims} claims/${b.size} B`).join(", ")}`);
    assert.equal(batches.length, 3);
  });
});
