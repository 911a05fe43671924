/**
 * SPEC S4 + S10 through the TypeScript client on the real binary: dual yield in one claim, and
 * the view predicting exactly what the claim pays.
 *
 * Alice delegates 100 and Bob 300 to X (commission 10 %, protocol fee 0); the stake pool's rate
 * moves 1.00 → 1.05 (the account rewritten); a service funds 1,000 reward tokens (6 decimals)
 * with `fund_rewards(amount, 0)`. Alice's claim pays 100 − ceil(100/1.05) = 4.761904761 LST and
 * 225 reward tokens; Bob's 675.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventsNamed, lstForValue, rateFromRatio, valueOfLst } from "../src/index";
import { claimEverything, delegate, deposit, Env, ONE, positionValue, TOKEN, why } from "./helpers";

test("S4 dual yield: one claim pays base yield and rewards; the view predicts it exactly", async () => {
  const env = await Env.create();
  const guardian = await env.wallet(1n);
  await env.initializeConfig(guardian.address, guardian.address);
  const pool = await env.stakePoolLst(ONE, ONE);
  const x = await env.operator(pool, 1_000);
  const rewardMint = await env.createMint(6);
  const stream = await env.addStream(x, rewardMint);
  const alice = await env.user(pool, 100n * ONE);
  const bob = await env.user(pool, 300n * ONE);
  for (const [user, amount] of [[alice, 100n * ONE], [bob, 300n * ONE]] as const) {
    assert.ok((await deposit(env, pool, user, amount)).ok);
    assert.ok((await delegate(env, pool, user, x, amount)).ok);
  }

  env.setRate(pool, 105n * ONE, 100n * ONE);
  const service = await env.funder(rewardMint, 1_000n * TOKEN);
  const funded = await env.fund(service, x, stream, 1_000n * TOKEN);
  assert.ok(funded.ok, why(funded.error));
  const [fundedEvent] = eventsNamed(funded.events, "RewardsFundedEvent");
  assert.ok(fundedEvent, "RewardsFundedEvent parsed");

  // The view, simulated, before the claim.
  const expectedLst = 100n * ONE - lstForValue(100n * ONE, rateFromRatio(105n, 100n));
  assert.equal(expectedLst, 4_761_904_761n);
  const view = await positionValue(env, pool, alice, [x]);
  assert.ok(view.ok, why(view));
  const v = view.value;
  assert.equal(v.rate, rateFromRatio(105n, 100n));
  assert.equal(v.rateFresh, true);
  assert.equal(v.pendingBaseYield, expectedLst);
  assert.equal(v.delegations.length, 1);
  assert.equal(v.delegations[0]?.baseYield, expectedLst);
  assert.deepEqual(v.delegations[0]?.rewards, [225n * TOKEN]);
  assert.equal(v.delegations[0]?.lst, 95_238_095_238n);
  assert.equal(v.totalLst, 100n * ONE - 1n);
  assert.equal(v.totalValue, valueOfLst(100n * ONE - 1n, v.rate));

  // Alice's single claim pays both legs.
  const aliceRewards = await env.createTokenAccount(rewardMint, alice.kp.address);
  const { batches, outs } = await claimEverything(env, pool, alice, [{ op: x, rewardAccounts: [aliceRewards] }]);
  assert.equal(batches.length, 1);
  assert.equal(batches[0]?.claims, 1);
  assert.ok(outs[0]?.ok, why(outs[0]?.error));
  assert.equal(outs[0]?.size, batches[0]?.size, "the packer's measured size is the sent size");
  assert.equal(env.balance(alice.lstAccount), expectedLst);
  assert.equal(env.balance(aliceRewards), 225n * TOKEN);
  assert.equal(env.balance(alice.lstAccount), v.pendingBaseYield);
  assert.equal(env.balance(aliceRewards), v.delegations[0]?.rewards[0]);

  const [claimEvent] = eventsNamed(outs[0]?.events ?? [], "ClaimEvent");
  assert.equal(claimEvent?.baseYieldLst, expectedLst);
  assert.equal(claimEvent?.rewards[0]?.amount, 225n * TOKEN);

  // Nothing left to claim.
  const after = await positionValue(env, pool, alice, [x]);
  assert.ok(after.ok);
  assert.equal(after.value.pendingBaseYield, 0n);
  assert.deepEqual(after.value.delegations[0]?.rewards, [0n]);

  // Bob: 675.
  const bobRewards = await env.createTokenAccount(rewardMint, bob.kp.address);
  const bobView = await positionValue(env, pool, bob, [x]);
  assert.ok(bobView.ok);
  assert.deepEqual(bobView.value.delegations[0]?.rewards, [675n * TOKEN]);
  const bobClaim = await claimEverything(env, pool, bob, [{ op: x, rewardAccounts: [bobRewards] }]);
  assert.ok(bobClaim.outs.every((o) => o.ok));
  assert.equal(env.balance(bobRewards), 675n * TOKEN);
  assert.equal(env.balance(bob.lstAccount), bobView.value.pendingBaseYield);
});
