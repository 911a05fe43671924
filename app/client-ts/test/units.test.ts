/**
 * The hand-written layer's pure parts against the binary's own state: rate-source readers
 * (the stake-pool fixture, a Marinade state, the pool's cached rate), PDAs against the
 * addresses the program stored, and event parsing of an unknown event.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddressEncoder, getBase58Decoder, getU64Encoder, type Address, type GetAccountInfoApi, type Rpc } from "@solana/kit";
import {
  EVENT_IX_TAG_LE,
  eventsNamed,
  getPositionClosedEventEncoder,
  innerInstructionsOfRpcTransaction,
  fetchPoolRate,
  findPoolVaultAddress,
  findRewardVaultAddress,
  getPoolDecoder,
  getRewardIndexDecoder,
  MalformedRateSourceError,
  parseEventInstructionData,
  parseEvents,
  RATE_SCALE,
  rateFromRatio,
  rateOfSourceData,
  readMarinadeRate,
  readStakePoolRate,
  RESTAKING_EVENT_DISCRIMINATORS,
} from "../src/index";
import { deposit, Env, ONE, rpcShim, stakePoolAccountData } from "./helpers";

const someMint = "So11111111111111111111111111111111111111112" as Address;

describe("rate sources", () => {
  it("reads an SPL stake-pool account at the real offsets", () => {
    const rate = readStakePoolRate(stakePoolAccountData(someMint, 1_050_000_000n, 1_000_000_000n, 700n));
    assert.equal(rate.poolMint, someMint);
    assert.equal(rate.totalLamports, 1_050_000_000n);
    assert.equal(rate.poolTokenSupply, 1_000_000_000n);
    assert.equal(rate.lastUpdateEpoch, 700n);
    assert.equal(rate.rate, (105n * RATE_SCALE) / 100n);
    // the minimal Borsh encoding (435 bytes) is enough; shorter is not
    assert.equal(readStakePoolRate(stakePoolAccountData(someMint, 3n, 2n, 1n).slice(0, 435)).rate, rateFromRatio(3n, 2n));
    assert.throws(() => readStakePoolRate(stakePoolAccountData(someMint, 3n, 2n, 1n).slice(0, 434)), MalformedRateSourceError);
    const wrongType = stakePoolAccountData(someMint, 3n, 2n, 1n);
    wrongType[0] = 2;
    assert.throws(() => readStakePoolRate(wrongType), { name: "MalformedRateSource" });
  });

  it("reads Marinade's msol_price (lamports × 2^32)", () => {
    const data = new Uint8Array(2_616);
    data.set([216, 146, 107, 94, 104, 75, 182, 177], 0);
    data.set(getAddressEncoder().encode(someMint), 8);
    const price = (5n << 32n) / 4n; // 1.25 SOL per mSOL
    data.set(getU64Encoder().encode(price), 512);
    const m = readMarinadeRate(data);
    assert.equal(m.msolMint, someMint);
    assert.equal(m.rate, (125n * RATE_SCALE) / 100n);
    data[0] = 0;
    assert.throws(() => readMarinadeRate(data), MalformedRateSourceError);
  });

  it("agrees with the rate the program cached, read over RPC", async () => {
    const env = await Env.create();
    const guardian = await env.wallet(1n);
    await env.initializeConfig(guardian.address, guardian.address);
    const pool = await env.stakePoolLst(1_234_567_891n, 1_000_000_000n);
    const alice = await env.user(pool, 10n * ONE);
    assert.ok((await deposit(env, pool, alice, ONE)).ok);
    const cached = getPoolDecoder().decode(env.data(pool.pool));
    const read = await fetchPoolRate(rpcShim(env) as unknown as Rpc<GetAccountInfoApi>, cached);
    assert.equal(read.source, "SplStakePool");
    assert.equal(read.rate, cached.rate);
    assert.equal(read.lastUpdateEpoch, env.epoch());
    // a manual pool answers with its cached rate
    const manual = { ...cached, rateSource: { __kind: "Manual" as const, updater: someMint, maxChangeBps: 100, maxAgeSecs: 60 } };
    assert.deepEqual(rateOfSourceData(manual, new Uint8Array()), { rate: cached.rate, source: "Manual" });
    // PDAs: the vault the program stored
    assert.equal(cached.vault, await findPoolVaultAddress(pool.pool));
  });
});

describe("PDAs and events", () => {
  it("derives the reward vault the program stored", async () => {
    const env = await Env.create();
    const guardian = await env.wallet(1n);
    await env.initializeConfig(guardian.address, guardian.address);
    const pool = await env.stakePoolLst(ONE, ONE);
    const op = await env.operator(pool, 500);
    const stream = await env.addStream(op, await env.createMint(6));
    const index = getRewardIndexDecoder().decode(env.data(stream.rewardIndex));
    assert.equal(index.rewardVault, await findRewardVaultAddress(stream.rewardIndex));
  });

  it("keeps an unknown event's bytes and ignores non-event data", () => {
    const data = new Uint8Array([...EVENT_IX_TAG_LE, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
    const ev = parseEventInstructionData(data);
    assert.equal(ev?.name, "Unknown");
    assert.deepEqual(ev && "bytes" in ev ? [...ev.bytes] : [], [9, 9]);
    assert.equal(ev && "eventName" in ev ? ev.eventName : undefined, null);
    // a known event whose body does not decode (another program version) keeps its name
    const truncated = new Uint8Array([...EVENT_IX_TAG_LE, ...RESTAKING_EVENT_DISCRIMINATORS.ClaimEvent, 1, 2]);
    const raw = parseEventInstructionData(truncated);
    assert.equal(raw?.name, "Unknown");
    assert.equal(raw && "eventName" in raw ? raw.eventName : undefined, "ClaimEvent");
    assert.equal(parseEventInstructionData(new Uint8Array(20)), null);
    const program = "RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq" as Address;
    assert.equal(parseEvents([{ programAddress: someMint, data }, { programAddress: program, data }]).length, 1);
    assert.equal(RESTAKING_EVENT_DISCRIMINATORS.ClaimEvent.length, 8);
  });

  it("parses events from a JSON-RPC getTransaction answer (base58 inner instructions)", () => {
    const program = "RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq" as Address;
    const event = { pool: someMint, position: program, owner: someMint };
    const body = getPositionClosedEventEncoder().encode(event);
    const data = new Uint8Array([...EVENT_IX_TAG_LE, ...RESTAKING_EVENT_DISCRIMINATORS.PositionClosedEvent, ...body]);
    const tx = {
      transaction: { message: { accountKeys: [someMint, program] } },
      meta: { innerInstructions: [{ index: 0, instructions: [{ programIdIndex: 1, data: getBase58Decoder().decode(data) }] }] },
    };
    const inner = innerInstructionsOfRpcTransaction(tx);
    assert.deepEqual(eventsNamed(parseEvents(inner), "PositionClosedEvent"), [event]);
  });
});
