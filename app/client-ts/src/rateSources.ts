/**
 * Rates of a pool's LST (numeraire units per LST unit × 10^18, `RATE_SCALE`), read the way the
 * program reads them (`programs/restaking/src/rate_source/`): from an SPL stake-pool account
 * (`total_lamports / pool_token_supply`), from Marinade's state (`msol_price / 2^32`), or, for
 * manual pools, the rate cached in the `Pool` account. Rounded down, as the program does.
 *
 * @module
 */
import {
  fetchEncodedAccount,
  getAddressDecoder,
  getU64Decoder,
  type Address,
  type GetAccountInfoApi,
  type ReadonlyUint8Array,
  type Rpc,
} from "@solana/kit";
import type { Pool } from "./generated/accounts";

/** Fixed-point scale of a rate. */
export const RATE_SCALE = 1_000_000_000_000_000_000n;
/** SPL stake-pool program, owner of stake-pool accounts. */
export const SPL_STAKE_POOL_PROGRAM_ADDRESS = "SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy" as Address;
/** Marinade program, owner of its state account. */
export const MARINADE_PROGRAM_ADDRESS = "MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD" as Address;

/** `StakePool` layout (Borsh, fixed prefix): see `spl_stake_pool.rs`. */
const STAKE_POOL = {
  accountType: 0,
  poolMint: 162,
  totalLamports: 258,
  poolTokenSupply: 266,
  lastUpdateEpoch: 274,
  /** Shortest Borsh encoding of a whole `StakePool`. */
  minLength: 435,
} as const;
/** `AccountType::StakePool`. */
const ACCOUNT_TYPE_STAKE_POOL = 1;

/** Marinade `State` layout: see `marinade.rs`. */
const MARINADE = {
  discriminator: new Uint8Array([216, 146, 107, 94, 104, 75, 182, 177]),
  msolMint: 8,
  msolPrice: 512,
  minLength: 638,
  priceDenominator: 1n << 32n,
} as const;

/** A rate source account that is not what it claims to be (the program's `MalformedRateSource`). */
export class MalformedRateSourceError extends Error {
  override readonly name = "MalformedRateSource";
}

const u64At = (data: ReadonlyUint8Array, offset: number): bigint => getU64Decoder().decode(data, offset);

/** `numerator × 10^18 / denominator`, rounded down (the program's `rate_from_ratio`). */
export function rateFromRatio(numerator: bigint, denominator: bigint): bigint {
  if (numerator <= 0n || denominator <= 0n) throw new MalformedRateSourceError("rate needs a positive numerator and denominator");
  return (numerator * RATE_SCALE) / denominator;
}

/** What a stake-pool account says. */
export type StakePoolRate = {
  readonly poolMint: Address;
  readonly totalLamports: bigint;
  readonly poolTokenSupply: bigint;
  /** The program refuses the rate (`StaleRate`) unless this equals the current epoch. */
  readonly lastUpdateEpoch: bigint;
  /** `totalLamports × 10^18 / poolTokenSupply`. */
  readonly rate: bigint;
};

/** Reads an SPL stake-pool account's data (owner not checked here: see {@link fetchPoolRate}). */
export function readStakePoolRate(data: ReadonlyUint8Array): StakePoolRate {
  if (data.length < STAKE_POOL.minLength || data[STAKE_POOL.accountType] !== ACCOUNT_TYPE_STAKE_POOL) {
    throw new MalformedRateSourceError("not an SPL stake-pool account");
  }
  const totalLamports = u64At(data, STAKE_POOL.totalLamports);
  const poolTokenSupply = u64At(data, STAKE_POOL.poolTokenSupply);
  return {
    poolMint: getAddressDecoder().decode(data, STAKE_POOL.poolMint),
    totalLamports,
    poolTokenSupply,
    lastUpdateEpoch: u64At(data, STAKE_POOL.lastUpdateEpoch),
    rate: rateFromRatio(totalLamports, poolTokenSupply),
  };
}

/** What Marinade's state says. */
export type MarinadeRate = {
  readonly msolMint: Address;
  /** mSOL price in lamports × 2^32. */
  readonly msolPrice: bigint;
  /** `msolPrice × 10^18 / 2^32`. */
  readonly rate: bigint;
};

/** Reads Marinade's `State` account data. */
export function readMarinadeRate(data: ReadonlyUint8Array): MarinadeRate {
  const discriminatorOk = MARINADE.discriminator.every((b, i) => data[i] === b);
  if (data.length < MARINADE.minLength || !discriminatorOk) throw new MalformedRateSourceError("not a Marinade state account");
  const msolPrice = u64At(data, MARINADE.msolPrice);
  return {
    msolMint: getAddressDecoder().decode(data, MARINADE.msolMint),
    msolPrice,
    rate: rateFromRatio(msolPrice, MARINADE.priceDenominator),
  };
}

/** A pool's rate as read now, and where from. */
export type PoolRate = {
  readonly rate: bigint;
  readonly source: "SplStakePool" | "Marinade" | "Manual";
  /** For a stake pool: the epoch it was last updated (stale unless it is the current epoch). */
  readonly lastUpdateEpoch?: bigint;
};

/**
 * The rate of `pool` (a decoded `Pool` account): read from its stake-pool or Marinade account
 * (owner and mint checked, as the program does), or the cached rate of a manual pool.
 */
export async function fetchPoolRate(rpc: Rpc<GetAccountInfoApi>, pool: Pool): Promise<PoolRate> {
  const source = pool.rateSource;
  if (source.__kind === "Manual") return { rate: pool.rate, source: "Manual" };
  const address = source.__kind === "SplStakePool" ? source.stakePool : source.state;
  const owner = source.__kind === "SplStakePool" ? SPL_STAKE_POOL_PROGRAM_ADDRESS : MARINADE_PROGRAM_ADDRESS;
  const account = await fetchEncodedAccount(rpc, address);
  if (!account.exists || account.programAddress !== owner) {
    throw new MalformedRateSourceError(`rate source ${address} is missing or not owned by ${owner}`);
  }
  return rateOfSourceData(pool, account.data);
}

/** {@link fetchPoolRate} on account data already fetched (owner checked by the caller). */
export function rateOfSourceData(pool: Pool, data: ReadonlyUint8Array): PoolRate {
  const source = pool.rateSource;
  switch (source.__kind) {
    case "Manual":
      return { rate: pool.rate, source: "Manual" };
    case "SplStakePool": {
      const sp = readStakePoolRate(data);
      if (sp.poolMint !== pool.lstMint) throw new MalformedRateSourceError("stake pool mints another token");
      return { rate: sp.rate, source: "SplStakePool", lastUpdateEpoch: sp.lastUpdateEpoch };
    }
    case "Marinade": {
      const m = readMarinadeRate(data);
      if (m.msolMint !== pool.lstMint) throw new MalformedRateSourceError("Marinade state prices another token");
      return { rate: m.rate, source: "Marinade" };
    }
  }
}

/** Value of `lst` at `rate`, rounded down (what a deposit is credited with). */
export function valueOfLst(lst: bigint, rate: bigint): bigint {
  return (lst * rate) / RATE_SCALE;
}

/** LST backing `value` at `rate`, rounded up (what stays locked for a principal). */
export function lstForValue(value: bigint, rate: bigint): bigint {
  return (value * RATE_SCALE + rate - 1n) / rate;
}
