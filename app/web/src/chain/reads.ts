/**
 * Chain reads: the protocol's accounts (found with `getProgramAccounts` and decoded with the
 * Codama client's decoders), the pools' rates from their sources, the owner's token balances,
 * and the position view by simulation (the client's `simulatePositionValue`).
 *
 * Plain async functions over an RPC; the hooks in `queries.ts` cache and refresh them.
 */
import {
  decodeAccount,
  fetchEncodedAccounts,
  getBase58Decoder,
  parseBase64RpcAccount,
  type Address,
  type Base58EncodedBytes,
  type Decoder,
  type Rpc,
  type SolanaRpcApi,
} from "@solana/kit";
import { fetchSysvarClock, type SysvarClock } from "@solana/sysvars";
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda, getMintDecoder, getTokenDecoder } from "@solana-program/token";
import {
  DELEGATION_DISCRIMINATOR,
  OPERATOR_DISCRIMINATOR,
  OPERATOR_POOL_DISCRIMINATOR,
  POOL_DISCRIMINATOR,
  SERVICE_DISCRIMINATOR,
  SERVICE_LINK_DISCRIMINATOR,
  SLASH_REQUEST_DISCRIMINATOR,
  WITHDRAWAL_TICKET_DISCRIMINATOR,
  SlashStatus,
  TicketKind,
  fetchMaybeConfig,
  fetchMaybePosition,
  fetchMaybeUndelegationQueue,
  fetchPoolRate,
  findConfigAddress,
  findPositionAddress,
  findUndelegationQueueAddress,
  getDelegationDecoder,
  getOperatorDecoder,
  getOperatorPoolDecoder,
  getPoolDecoder,
  getServiceDecoder,
  getServiceLinkDecoder,
  getSlashRequestDecoder,
  getWithdrawalTicketDecoder,
  simulatePositionValue,
  valueOfLst,
  type Config,
  type Delegation,
  type DelegationValue,
  type Operator,
  type OperatorPool,
  type Pool,
  type PoolKeys,
  type Position,
  type PositionValue,
  type Service,
  type ServiceLink,
  type SlashRequest,
  type ViewTicket,
  type WithdrawalTicket,
} from "@restaking/client";
import type { AppConfig } from "../config";
import { formatDuration } from "../lib/time";

export type AppRpc = Rpc<SolanaRpcApi>;

/** A decoded account and its address. */
export type Decoded<T> = { readonly address: Address; readonly data: T };

const base58 = getBase58Decoder();

/** JSON with bigints as strings (for error details). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(value);
  }
}

/** Every account of the program with `discriminator`, matching `filters` (`offset` → address). */
async function programAccounts<T extends object>(
  rpc: AppRpc,
  cfg: AppConfig,
  discriminator: Uint8Array,
  decoder: Decoder<T>,
  filters: readonly { readonly offset: number; readonly address: Address }[] = [],
): Promise<Decoded<T>[]> {
  const result = await rpc
    .getProgramAccounts(cfg.programAddress, {
      encoding: "base64",
      filters: [
        { memcmp: { offset: 0n, bytes: base58.decode(discriminator) as Base58EncodedBytes, encoding: "base58" } },
        ...filters.map((f) => ({ memcmp: { offset: BigInt(f.offset), bytes: f.address as unknown as Base58EncodedBytes, encoding: "base58" as const } })),
      ],
    })
    .send();
  return result
    .map(({ pubkey, account }) => decodeAccount(parseBase64RpcAccount(pubkey, account), decoder))
    .map((a) => ({ address: a.address, data: a.data }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

// Offsets of the address fields the reads filter on (after the 8-byte discriminator).
const OPERATOR_POOL_POOL = 8 + 32;
const DELEGATION_POSITION = 8;
const TICKET_POSITION = 8;
const SLASH_OPERATOR_POOL = 8;

// ---- the world: config, clock, pools -------------------------------------------------------

export type RateInfo = {
  readonly rate: bigint;
  readonly source: "SplStakePool" | "Marinade" | "Manual";
  /** The stake-pool or Marinade state account. */
  readonly sourceAccount: Address | null;
  readonly fresh: boolean;
  /** For a person: "fresh · updated this epoch (12)", "stale · last updated epoch 11, now 12". */
  readonly freshness: string;
};

export type PoolInfo = Decoded<Pool> & {
  readonly label: string | null;
  readonly keys: PoolKeys;
  /** LST held by the vault (the pool's TVL in LST). */
  readonly vaultLst: bigint;
  /** The rate read now from its source; `null` with `rateError` when it cannot be read. */
  readonly rate: RateInfo | null;
  readonly rateError: string | null;
};

export type World = {
  readonly config: Config | null;
  readonly configAddress: Address;
  readonly clock: SysvarClock;
  readonly pools: readonly PoolInfo[];
};

function describeRate(pool: Pool, read: Awaited<ReturnType<typeof fetchPoolRate>>, clock: SysvarClock): RateInfo {
  const src = pool.rateSource;
  if (read.source === "SplStakePool" && src.__kind === "SplStakePool") {
    const epoch = read.lastUpdateEpoch ?? 0n;
    const fresh = epoch === clock.epoch;
    return {
      rate: read.rate,
      source: read.source,
      sourceAccount: src.stakePool,
      fresh,
      freshness: fresh ? `fresh · stake pool updated this epoch (${epoch})` : `stale · stake pool last updated in epoch ${epoch}, now ${clock.epoch}`,
    };
  }
  if (read.source === "Marinade" && src.__kind === "Marinade") {
    return { rate: read.rate, source: read.source, sourceAccount: src.state, fresh: true, freshness: "fresh · read live from Marinade's state" };
  }
  if (src.__kind === "Manual") {
    const age = clock.unixTimestamp - pool.rateUpdatedTs;
    const fresh = age <= BigInt(src.maxAgeSecs);
    return {
      rate: read.rate,
      source: "Manual",
      sourceAccount: null,
      fresh,
      freshness: fresh
        ? `fresh · pushed ${formatDuration(age)} ago (valid ${formatDuration(src.maxAgeSecs)})`
        : `stale · pushed ${formatDuration(age)} ago, older than ${formatDuration(src.maxAgeSecs)}`,
    };
  }
  return { rate: read.rate, source: read.source, sourceAccount: null, fresh: false, freshness: "unknown source" };
}

/** The config, the clock and every pool with its rate and TVL. */
export async function readWorld(rpc: AppRpc, cfg: AppConfig): Promise<World> {
  const configAddress = await findConfigAddress(cfg.pda);
  const [config, clock, pools] = await Promise.all([
    fetchMaybeConfig(rpc, configAddress),
    fetchSysvarClock(rpc),
    programAccounts(rpc, cfg, POOL_DISCRIMINATOR, getPoolDecoder()),
  ]);
  const vaults = await fetchEncodedAccounts(rpc, pools.map((p) => p.data.vault));
  const infos = await Promise.all(
    pools.map(async (p, i): Promise<PoolInfo> => {
      const vault = vaults[i];
      const vaultLst = vault?.exists ? getTokenDecoder().decode(vault.data).amount : 0n;
      const src = p.data.rateSource;
      const keys: PoolKeys = {
        pool: p.address,
        lstMint: p.data.lstMint,
        vault: p.data.vault,
        tokenProgram: p.data.tokenProgram,
        rateSource: src.__kind === "SplStakePool" ? src.stakePool : src.__kind === "Marinade" ? src.state : undefined,
      };
      let rate: RateInfo | null = null;
      let rateError: string | null = null;
      try {
        rate = describeRate(p.data, await fetchPoolRate(rpc, p.data), clock);
      } catch (e) {
        rateError = e instanceof Error ? e.message : String(e);
      }
      return { ...p, label: cfg.labels.get(p.address) ?? null, keys, vaultLst, rate, rateError };
    }),
  );
  const order = (p: PoolInfo) => {
    const i = cfg.poolOrder.indexOf(p.address);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  infos.sort((a, b) => order(a) - order(b));
  return { config: config.exists ? config.data : null, configAddress, clock, pools: infos };
}

/** SOL value of `lst` at the pool's current rate (its cached rate when the source is unreadable). */
export function poolValue(pool: PoolInfo, lst: bigint): bigint {
  return valueOfLst(lst, pool.rate?.rate ?? pool.data.rate);
}

// ---- operators of a pool -------------------------------------------------------------------

export type LinkInfo = Decoded<ServiceLink> & { readonly service: Decoded<Service> | null; readonly label: string | null };

export type OperatorInfo = Decoded<Operator> & {
  readonly label: string | null;
  /** The operator's bucket in the pool, if it opened one. */
  readonly bucket: Decoded<OperatorPool> | null;
  readonly links: readonly LinkInfo[];
  /** Slash requests against the bucket, newest first. */
  readonly slashes: readonly Decoded<SlashRequest>[];
  /** A slash is pending: the bucket takes no new delegations until it is executed, vetoed or expired. */
  readonly slashPending: boolean;
};

export type RewardMintInfo = {
  readonly mint: Address;
  readonly decimals: number;
  readonly label: string | null;
  /** Owner program of the mint (SPL Token or Token-2022). */
  readonly tokenProgram: Address;
};

export type OperatorsOfPool = {
  readonly operators: readonly OperatorInfo[];
  /** Every reward mint of the pool's buckets, with its decimals. */
  readonly rewardMints: ReadonlyMap<Address, RewardMintInfo>;
};

function metadataName(uri: string): string | null {
  try {
    return new URL(uri).hostname || null;
  } catch {
    return uri.trim() || null;
  }
}

/** The display name of an operator or service: its label, its metadata URI's host, or its address. */
export function operatorName(op: { readonly address: Address; readonly label: string | null; readonly data: { readonly metadataUri: string } }): string {
  return op.label ?? metadataName(op.data.metadataUri) ?? op.address;
}

/** Every operator, its bucket in `pool`, its service links and the bucket's slash history. */
export async function readOperators(rpc: AppRpc, cfg: AppConfig, pool: Address, now: bigint): Promise<OperatorsOfPool> {
  const [operators, buckets, links, services] = await Promise.all([
    programAccounts(rpc, cfg, OPERATOR_DISCRIMINATOR, getOperatorDecoder()),
    programAccounts(rpc, cfg, OPERATOR_POOL_DISCRIMINATOR, getOperatorPoolDecoder(), [{ offset: OPERATOR_POOL_POOL, address: pool }]),
    programAccounts(rpc, cfg, SERVICE_LINK_DISCRIMINATOR, getServiceLinkDecoder()),
    programAccounts(rpc, cfg, SERVICE_DISCRIMINATOR, getServiceDecoder()),
  ]);
  const slashes = await Promise.all(
    buckets.map((b) => programAccounts(rpc, cfg, SLASH_REQUEST_DISCRIMINATOR, getSlashRequestDecoder(), [{ offset: SLASH_OPERATOR_POOL, address: b.address }])),
  );
  const mintAddresses = [...new Set(buckets.flatMap((b) => b.data.rewardMints.slice(0, b.data.rewardMintCount)))];
  const mintAccounts = await fetchEncodedAccounts(rpc, mintAddresses);
  const rewardMints = new Map<Address, RewardMintInfo>();
  mintAddresses.forEach((mint, i) => {
    const acc = mintAccounts[i];
    const decimals = acc?.exists ? getMintDecoder().decode(acc.data).decimals : 0;
    const tokenProgram = acc?.exists ? acc.programAddress : TOKEN_PROGRAM_ADDRESS;
    rewardMints.set(mint, { mint, decimals, label: cfg.labels.get(mint) ?? null, tokenProgram });
  });
  const serviceByAddress = new Map(services.map((s) => [s.address, s]));
  const infos = operators.map((op): OperatorInfo => {
    const bi = buckets.findIndex((b) => b.data.operator === op.address);
    const bucket = bi >= 0 ? (buckets[bi] ?? null) : null;
    const history = [...(bi >= 0 ? (slashes[bi] ?? []) : [])].sort((a, b) => Number(b.data.requestedTs - a.data.requestedTs));
    return {
      ...op,
      label: cfg.labels.get(op.address) ?? null,
      bucket,
      links: links
        .filter((l) => l.data.operator === op.address)
        .map((l) => ({ ...l, service: serviceByAddress.get(l.data.service) ?? null, label: cfg.labels.get(l.data.service) ?? null })),
      slashes: history,
      slashPending: history.some((s) => s.data.status === SlashStatus.Pending && s.data.expiresTs > now),
    };
  });
  infos.sort((a, b) => operatorName(a).localeCompare(operatorName(b)));
  return { operators: infos, rewardMints };
}

// ---- the owner's position ------------------------------------------------------------------

export type DelegationInfo = Decoded<Delegation> & {
  readonly operatorPool: Address;
  /** The bucket's reward mints in slot order. */
  readonly rewardMints: readonly Address[];
  /** What the view says of it (LST, base yield, rewards per stream). */
  readonly value: DelegationValue | null;
};

/** An open ticket and the LST it holds now (an `Undelegate` ticket's share of its queue cohort). */
export type TicketInfo = Decoded<WithdrawalTicket> & { readonly lst: bigint };

export type TokenHolding = { readonly mint: Address; readonly account: Address; readonly exists: boolean; readonly amount: bigint };

export type PositionInfo = {
  readonly owner: Address;
  readonly address: Address;
  readonly position: Position | null;
  /** SOL of the owner, for fees. */
  readonly lamports: bigint;
  /** The owner's LST (associated token account of the pool's mint). */
  readonly lst: TokenHolding;
  /** The owner's token accounts of every reward mint of the pool's buckets. */
  readonly rewardAccounts: ReadonlyMap<Address, TokenHolding>;
  readonly delegations: readonly DelegationInfo[];
  readonly tickets: readonly TicketInfo[];
  /** The program's view of the position (by simulation); `null` without a position. */
  readonly view: PositionValue | null;
  readonly viewError: string | null;
};

async function holdings(rpc: AppRpc, owner: Address, mints: readonly { mint: Address; tokenProgram: Address }[]): Promise<TokenHolding[]> {
  const atas = await Promise.all(mints.map(async (m) => (await findAssociatedTokenPda({ owner, mint: m.mint, tokenProgram: m.tokenProgram }))[0]));
  const accounts = await fetchEncodedAccounts(rpc, atas);
  return mints.map((m, i) => {
    const acc = accounts[i];
    return {
      mint: m.mint,
      account: atas[i] as Address,
      exists: Boolean(acc?.exists),
      amount: acc?.exists ? getTokenDecoder().decode(acc.data).amount : 0n,
    };
  });
}

/** The view reports at most this many delegations per call. */
const VIEW_DELEGATIONS = 8;

/** Sums the views of several calls (delegations split over them; idle and tickets in the first). */
function mergeViews(views: readonly PositionValue[]): PositionValue | null {
  const [first, ...rest] = views;
  if (!first) return null;
  let merged: PositionValue = first;
  for (const v of rest) {
    const bucketYield = v.pendingBaseYield - v.idleBaseYield;
    const totalLst = merged.totalLst + v.delegatedLst + bucketYield;
    merged = {
      ...merged,
      delegatedLst: merged.delegatedLst + v.delegatedLst,
      pendingBaseYield: merged.pendingBaseYield + bucketYield,
      totalLst,
      totalValue: valueOfLst(totalLst, merged.rate),
      delegations: [...merged.delegations, ...v.delegations],
    };
  }
  return merged;
}

/** The owner's position in `pool`: account, delegations, tickets, token balances and the view. */
export async function readPosition(
  rpc: AppRpc,
  cfg: AppConfig,
  pool: PoolInfo,
  owner: Address,
  buckets: ReadonlyMap<Address, OperatorPool>,
  rewardTokenProgram: (mint: Address) => Address,
): Promise<PositionInfo> {
  const address = await findPositionAddress(pool.address, owner, cfg.pda);
  const [position, balance, delegations, tickets] = await Promise.all([
    fetchMaybePosition(rpc, address),
    rpc.getBalance(owner).send(),
    programAccounts(rpc, cfg, DELEGATION_DISCRIMINATOR, getDelegationDecoder(), [{ offset: DELEGATION_POSITION, address }]),
    programAccounts(rpc, cfg, WITHDRAWAL_TICKET_DISCRIMINATOR, getWithdrawalTicketDecoder(), [{ offset: TICKET_POSITION, address }]),
  ]);
  const rewardMints = new Set<Address>();
  const withMints = delegations.map((d) => {
    const bucket = buckets.get(d.data.operatorPool);
    const mints = bucket ? bucket.rewardMints.slice(0, bucket.rewardMintCount) : [];
    mints.forEach((m) => rewardMints.add(m));
    return { ...d, operatorPool: d.data.operatorPool, rewardMints: mints };
  });
  for (const bucket of buckets.values()) bucket.rewardMints.slice(0, bucket.rewardMintCount).forEach((m) => rewardMints.add(m));
  const [lst, ...rewards] = await holdings(rpc, owner, [
    { mint: pool.data.lstMint, tokenProgram: pool.data.tokenProgram },
    ...[...rewardMints].map((mint) => ({ mint, tokenProgram: rewardTokenProgram(mint) })),
  ]);
  tickets.sort((a, b) => Number(a.data.nonce - b.data.nonce));
  const queueAddresses = [...new Set(tickets.filter((t) => t.data.kind === TicketKind.Undelegate).map((t) => t.data.operatorPool))];
  const queues = new Map(
    await Promise.all(
      queueAddresses.map(async (bucket) => {
        const q = await fetchMaybeUndelegationQueue(rpc, await findUndelegationQueueAddress(bucket, cfg.pda));
        return [bucket, q.exists ? q.data : null] as const;
      }),
    ),
  );
  const ticketInfos: TicketInfo[] = tickets.map((t) => {
    if (t.data.kind !== TicketKind.Undelegate) return { ...t, lst: t.data.lst };
    const cohort = queues.get(t.data.operatorPool)?.cohorts.find((c) => c.key === t.data.cohort && c.shares > 0n);
    return { ...t, lst: cohort ? (t.data.shares * cohort.lst) / cohort.shares : 0n };
  });

  let view: PositionValue | null = null;
  let viewError: string | null = null;
  if (position.exists) {
    const viewTickets: ViewTicket[] = await Promise.all(
      tickets.map(async (t) =>
        t.data.kind === TicketKind.Undelegate
          ? { ticket: t.address, undelegationQueue: await findUndelegationQueueAddress(t.data.operatorPool, cfg.pda) }
          : t.address,
      ),
    );
    const chunks: (typeof withMints)[] = [];
    for (let i = 0; i < Math.max(1, withMints.length); i += VIEW_DELEGATIONS) chunks.push(withMints.slice(i, i + VIEW_DELEGATIONS));
    const results = await Promise.all(
      chunks.map((chunk, i) =>
        simulatePositionValue(
          rpc,
          {
            owner,
            pool: pool.keys,
            delegations: chunk.map((d) => ({ operatorPool: d.operatorPool, rewardMints: d.rewardMints })),
            tickets: i === 0 ? viewTickets : [],
          },
          {},
          cfg.pda,
        ),
      ),
    );
    const ok = results.flatMap((r) => (r.ok ? [r.value] : []));
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) {
      viewError = failed.error ? `${failed.error.message} (${failed.error.name})` : `The position view failed: ${jsonText(failed.raw)}`;
    } else {
      view = mergeViews(ok);
    }
  }
  return {
    owner,
    address,
    position: position.exists ? position.data : null,
    lamports: balance.value,
    lst: lst as TokenHolding,
    rewardAccounts: new Map(rewards.map((r) => [r.mint, r])),
    delegations: withMints.map((d, i) => ({ ...d, value: view?.delegations[i] ?? null })),
    tickets: ticketInfos,
    view,
    viewError,
  };
}
