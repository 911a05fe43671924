/**
 * The pools: each LST with its rate (source and freshness), TVL in LST and in SOL, deposit cap
 * and withdrawal delay. Selecting one shows the position and the actions in that pool.
 */
import type { Address } from "@solana/kit";
import { formatAmount, formatRate, shortAddress } from "../../lib/amount";
import { formatDuration } from "../../lib/time";
import { poolValue, type PoolInfo } from "../../chain/reads";
import { useApp, useWorld } from "../../chain/queries";
import { Amount, Skeleton } from "../../ui/bits";

const SOURCE_TEXT = { SplStakePool: "SPL stake pool", Marinade: "Marinade", Manual: "pushed by an updater" } as const;
const NO_CAP = 0xffff_ffff_ffff_ffffn;
/** SOL has 9 decimals (lamports). */
const SOL_DECIMALS = 9;

export function poolTitle(pool: PoolInfo): string {
  return pool.label ?? shortAddress(pool.data.lstMint);
}

function PoolCard({ pool, selected, onSelect }: { pool: PoolInfo; selected: boolean; onSelect: () => void }) {
  const d = pool.data.lstDecimals;
  const cap = pool.data.depositCapValue;
  return (
    <li className={`pool-card ${selected ? "pool-card-selected" : ""}`} data-testid="pool-card" data-pool={pool.address}>
      <button type="button" className="pool-select" aria-pressed={selected} onClick={onSelect}>
        <span className="pool-name">{poolTitle(pool)}</span>
        <span className="muted small">LST {shortAddress(pool.data.lstMint)}</span>
      </button>
      <dl className="pool-stats">
        <div>
          <dt>Rate</dt>
          <dd data-testid="pool-rate">
            {pool.rate ? <Amount text={formatRate(pool.rate.rate)} unit="SOL per LST" /> : <span className="error-text">unreadable</span>}
          </dd>
          <dd className={`small ${pool.rate?.fresh ? "fresh" : "stale"}`} data-testid="pool-freshness">
            {pool.rate ? `${SOURCE_TEXT[pool.rate.source]} · ${pool.rate.freshness}` : pool.rateError}
          </dd>
        </div>
        <div>
          <dt>Total value locked</dt>
          <dd data-testid="pool-tvl">
            <Amount text={formatAmount(pool.vaultLst, d, 4)} unit="LST" />
          </dd>
          <dd className="small muted">≈ {formatAmount(poolValue(pool, pool.vaultLst), SOL_DECIMALS, 4)} SOL</dd>
        </div>
        <div>
          <dt>Deposit cap</dt>
          <dd data-testid="pool-cap">{cap === NO_CAP ? "No cap" : <Amount text={formatAmount(cap, SOL_DECIMALS, 2)} unit="SOL" />}</dd>
          <dd className="small muted">
            {cap === NO_CAP ? "any amount may be deposited" : `${formatAmount(pool.data.totalPrincipal, SOL_DECIMALS, 2)} SOL used`}
          </dd>
        </div>
        <div>
          <dt>Withdrawal delay</dt>
          <dd data-testid="pool-delay">{formatDuration(pool.data.withdrawalDelaySecs)}</dd>
          <dd className="small muted">from request to payout</dd>
        </div>
      </dl>
    </li>
  );
}

function PoolCardSkeleton() {
  return (
    <li className="pool-card" aria-hidden="true">
      <div className="pool-select">
        <Skeleton width="7em" />
        <Skeleton width="9em" />
      </div>
      <dl className="pool-stats">
        {["Rate", "Total value locked", "Deposit cap", "Withdrawal delay"].map((label) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <Skeleton width="8em" />
            </dd>
            <dd className="small">
              <Skeleton width="10em" />
            </dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

export function PoolList({ selected, onSelect }: { selected: Address | null; onSelect: (pool: Address) => void }) {
  const world = useWorld();
  const { cfg } = useApp();
  return (
    <section className="panel" aria-labelledby="pools-title">
      <h2 id="pools-title">Pools</h2>
      {world.isError ? (
        <p className="error-text" role="alert">
          Cannot read the chain: {world.error instanceof Error ? world.error.message : String(world.error)}. Check the RPC URL in Settings.
        </p>
      ) : null}
      <ul className="pool-list" aria-busy={world.isPending}>
        {world.data ? (
          world.data.pools.length === 0 ? (
            <li className="muted">No pool yet on this cluster.</li>
          ) : (
            world.data.pools.map((p) => <PoolCard key={p.address} pool={p} selected={p.address === selected} onSelect={() => onSelect(p.address)} />)
          )
        ) : (
          // as many placeholders as the addresses file names pools (2 without it)
          Array.from({ length: Math.max(1, cfg.poolOrder.length || 2) }, (_, i) => <PoolCardSkeleton key={i} />)
        )}
      </ul>
    </section>
  );
}
