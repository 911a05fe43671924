/**
 * Every staker instruction through the generated builders and the hand-written layer, on the
 * real binary: state checked with the generated account decoders, events parsed from the
 * `emit_cpi!` inner instructions.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Address } from "@solana/kit";
import {
  eventsNamed,
  findUndelegationQueueAddress,
  getDelegationDecoder,
  getPositionDecoder,
  getWithdrawalTicketDecoder,
  lstForValue,
  rateFromRatio,
  TicketKind,
} from "../src/index";
import {
  cancelWithdrawal,
  claimEverything,
  closeDelegation,
  closePosition,
  completeWithdrawal,
  delegate,
  deposit,
  Env,
  ONE,
  positionValue,
  requestWithdrawal,
  undelegate,
  WITHDRAWAL_DELAY,
  why,
  type TestOperator,
  type User,
} from "./helpers";
import type { PoolKeys } from "../src/index";

describe("staker instructions", () => {
  let env: Env;
  let pool: PoolKeys;
  let x: TestOperator;
  let alice: User;
  const position = () => getPositionDecoder().decode(env.data(alice.position));

  before(async () => {
    env = await Env.create();
    const guardian = await env.wallet(1n);
    await env.initializeConfig(guardian.address, guardian.address);
    pool = await env.stakePoolLst(ONE, ONE);
    x = await env.operator(pool, 1_000);
    await env.addStream(x, await env.createMint(6));
    await env.service(x, 1_000);
  });

  it("open_position creates the position (PositionOpenedEvent)", async () => {
    alice = await env.user(pool, 200n * ONE);
    const p = position();
    assert.equal(p.owner, alice.kp.address);
    assert.equal(p.pool, pool.pool);
    assert.equal(p.idleLst, 0n);
  });

  it("deposit credits idle LST and principal (DepositEvent)", async () => {
    const out = await deposit(env, pool, alice, 100n * ONE);
    assert.ok(out.ok);
    const [ev] = eventsNamed(out.events, "DepositEvent");
    assert.ok(ev);
    assert.equal(ev.amount, 100n * ONE);
    assert.equal(ev.positionIdleLst, 100n * ONE);
    assert.equal(position().idleLst, 100n * ONE);
    assert.equal(env.balance(pool.vault), 100n * ONE);
  });

  it("delegate moves idle LST into the bucket (DelegateEvent)", async () => {
    const out = await delegate(env, pool, alice, x, 60n * ONE);
    assert.ok(out.ok, why(out.error));
    const [ev] = eventsNamed(out.events, "DelegateEvent");
    assert.equal(ev?.shares, 60n * ONE);
    assert.equal(position().idleLst, 40n * ONE);
    const d = getDelegationDecoder().decode(env.data(ev?.delegation as Address));
    assert.equal(d.shares, 60n * ONE);
  });

  it("get_position_value reports idle and delegated LST", async () => {
    const view = await positionValue(env, pool, alice, [x]);
    assert.ok(view.ok);
    assert.equal(view.value.idleLst, 40n * ONE);
    assert.equal(view.value.delegatedLst, 60n * ONE);
    assert.equal(view.value.totalLst, 100n * ONE);
    assert.equal(view.value.rate, rateFromRatio(1n, 1n));
    assert.equal(view.value.rateFresh, true);
    assert.equal(view.value.lienHolder.__option, "None");
    assert.deepEqual(view.value.delegations[0]?.rewards, [0n]);
  });

  it("request_withdrawal then cancel_withdrawal returns the LST to idle", async () => {
    const { out, ticket } = await requestWithdrawal(env, pool, alice, 10n * ONE);
    assert.ok(out.ok);
    assert.equal(eventsNamed(out.events, "WithdrawalRequestedEvent").length, 1);
    assert.equal(position().idleLst, 30n * ONE);
    const t = getWithdrawalTicketDecoder().decode(env.data(ticket as Address));
    assert.equal(t.kind, TicketKind.Withdraw);
    assert.equal(t.lst, 10n * ONE);
    const view = await positionValue(env, pool, alice, [x], [ticket as Address]);
    assert.ok(view.ok);
    assert.equal(view.value.withdrawingLst, 10n * ONE);

    const cancel = await cancelWithdrawal(env, pool, alice, ticket as Address);
    assert.ok(cancel.ok);
    assert.equal(eventsNamed(cancel.events, "WithdrawalCancelledEvent").length, 1);
    assert.equal(position().idleLst, 40n * ONE);
    assert.equal(env.exists(ticket as Address), false);
  });

  it("complete_withdrawal pays a matured ticket and closes it", async () => {
    const { ticket } = await requestWithdrawal(env, pool, alice, 10n * ONE);
    const before = env.balance(alice.lstAccount);
    env.advance(WITHDRAWAL_DELAY);
    const out = await completeWithdrawal(env, pool, alice, ticket as Address);
    assert.ok(out.ok, why(out.error));
    assert.equal(eventsNamed(out.events, "WithdrawalCompletedEvent")[0]?.lst, 10n * ONE);
    assert.equal(env.balance(alice.lstAccount), before + 10n * ONE);
    assert.equal(env.exists(ticket as Address), false);
    assert.equal(position().idleLst, 30n * ONE);
  });

  it("undelegate queues the shares; completing the ticket returns them to idle", async () => {
    const { out, ticket } = await undelegate(env, pool, alice, x, 60n * ONE);
    assert.ok(out.ok, why(out.error));
    assert.equal(eventsNamed(out.events, "UndelegationRequestedEvent").length, 1);
    const t = getWithdrawalTicketDecoder().decode(env.data(ticket as Address));
    assert.equal(t.kind, TicketKind.Undelegate);
    const queue = await findUndelegationQueueAddress(x.bucket);
    const view = await positionValue(env, pool, alice, [x], [{ ticket: ticket as Address, undelegationQueue: queue }]);
    assert.ok(view.ok, why(view));
    assert.equal(view.value.queuedLst, 60n * ONE);

    env.advance(WITHDRAWAL_DELAY);
    const done = await completeWithdrawal(env, pool, alice, ticket as Address, x.bucket);
    assert.ok(done.ok, why(done.error));
    assert.equal(position().idleLst, 90n * ONE);
  });

  it("claim pays the idle base yield after the rate rises (ClaimEvent)", async () => {
    env.setRate(pool, 11n * ONE, 10n * ONE);
    const p = position();
    const rate = rateFromRatio(11n, 10n);
    const expected = p.idleLst - lstForValue(p.idlePrincipal, rate);
    const before = env.balance(alice.lstAccount);
    const { outs } = await claimEverything(env, pool, alice, []);
    assert.equal(outs.length, 1);
    assert.ok(outs[0]?.ok, why(outs[0]?.error));
    assert.equal(eventsNamed(outs[0]?.events ?? [], "ClaimEvent")[0]?.baseYieldLst, expected);
    assert.equal(env.balance(alice.lstAccount), before + expected);
    assert.equal(expected, 8_181_818_181n);
  });

  it("close_delegation closes the emptied delegation", async () => {
    const out = await closeDelegation(env, alice, x);
    assert.ok(out.ok, why(out.error));
    const [ev] = eventsNamed(out.events, "DelegationClosedEvent");
    assert.ok(ev);
    assert.equal(env.exists(ev.delegation), false);
    assert.equal(position().openDelegations, 0);
  });

  it("close_position closes an emptied position and refunds its rent", async () => {
    const { ticket } = await requestWithdrawal(env, pool, alice, position().idleLst);
    env.advance(WITHDRAWAL_DELAY);
    env.setRate(pool, 11n * ONE, 10n * ONE);
    assert.ok((await completeWithdrawal(env, pool, alice, ticket as Address)).ok);
    const rent = env.svm.getBalance(alice.position) ?? 0n;
    const lamportsBefore = env.svm.getBalance(alice.kp.address) ?? 0n;
    const out = await closePosition(env, pool, alice);
    assert.ok(out.ok, why(out.error));
    assert.equal(eventsNamed(out.events, "PositionClosedEvent")[0]?.owner, alice.kp.address);
    assert.equal(env.exists(alice.position), false);
    assert.equal(env.svm.getBalance(alice.kp.address), lamportsBefore + rent);
  });
});
