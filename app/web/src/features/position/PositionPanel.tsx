/**
 * The connected owner's position in the selected pool, as the program's view reports it
 * (simulated): idle, delegated per operator, queued, withdrawing, pending LST base yield,
 * claimable rewards per stream, totals, and any lien; with "Claim everything".
 */
import type { Address } from "@solana/kit";
import { useEffect, useState } from "react";
import { claimEverythingPlan } from "../../chain/actions";
import { useApp } from "../../chain/queries";
import { operatorName, poolValue, type OperatorsOfPool, type PoolInfo, type PositionInfo } from "../../chain/reads";
import { formatAmount, formatRate, formatShort, shortAddress } from "../../lib/amount";
import { Amount, Skeleton, Stat } from "../../ui/bits";
import { useWallet } from "../../wallet/wallet";
import { useRunner } from "../tx/activity";

const SOL = 9;

/** Rewards claimable now, summed per reward mint. */
export function rewardTotals(position: PositionInfo): Map<Address, bigint> {
  const totals = new Map<Address, bigint>();
  for (const d of position.delegations) {
    d.rewardMints.forEach((mint, j) => totals.set(mint, (totals.get(mint) ?? 0n) + (d.value?.rewards[j] ?? 0n)));
  }
  return totals;
}

function rewardUnit(operators: OperatorsOfPool | undefined, mint: Address): string {
  return operators?.rewardMints.get(mint)?.label ?? shortAddress(mint);
}

function rewardDecimals(operators: OperatorsOfPool | undefined, mint: Address): number {
  return operators?.rewardMints.get(mint)?.decimals ?? 0;
}

function ClaimEverything({ pool, position, operators }: { pool: PoolInfo; position: PositionInfo; operators: OperatorsOfPool | undefined }) {
  const { cfg } = useApp();
  const { signer } = useWallet();
  const { run, busy } = useRunner();
  const [txCount, setTxCount] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const view = position.view;
  const totals = rewardTotals(position);
  const anyReward = [...totals.values()].some((v) => v > 0n);
  const pendingYield = view?.pendingBaseYield ?? 0n;
  const nothing = !view || (pendingYield === 0n && !anyReward);

  useEffect(() => {
    let live = true;
    if (!signer || !position.position || !operators) {
      setTxCount(null);
      return;
    }
    claimEverythingPlan({ cfg, signer, pool, position }, operators.rewardMints)
      .then((plans) => live && setTxCount(plans.length))
      .catch(() => live && setTxCount(null));
    return () => {
      live = false;
    };
  }, [cfg, signer, pool, position, operators]);

  const parts = [
    pendingYield > 0n ? `${formatShort(pendingYield, pool.data.lstDecimals)} LST of base yield` : null,
    ...[...totals.entries()].filter(([, v]) => v > 0n).map(([mint, v]) => `${formatAmount(v, rewardDecimals(operators, mint))} ${rewardUnit(operators, mint)}`),
  ].filter(Boolean);

  return (
    <div className="claim">
      <button
        type="button"
        className="button button-primary"
        disabled={!signer || busy || nothing || !operators}
        data-testid="claim-everything"
        onClick={async () => {
          if (!signer || !operators) return;
          setResult(null);
          const r = await run("Claim everything", () => claimEverythingPlan({ cfg, signer, pool, position }, operators.rewardMints));
          setResult(r.ok ? null : (r.error ?? "The claim failed."));
        }}
      >
        Claim everything
      </button>
      <p className="small muted claim-note" data-testid="claim-note">
        {nothing
          ? "Nothing to claim yet."
          : `Pays ${parts.join(" and ")}${txCount ? ` in ${txCount === 1 ? "1 transaction" : `${txCount} transactions (one wallet approval, ${txCount} signatures)`}` : ""}.`}
      </p>
      {result ? (
        <p className="error-text" role="alert">
          {result}
        </p>
      ) : null}
    </div>
  );
}

export function PositionPanel({
  pool,
  position,
  loading,
  error,
  operators,
}: {
  pool: PoolInfo | null;
  position: PositionInfo | undefined;
  loading: boolean;
  error: string | null;
  operators: OperatorsOfPool | undefined;
}) {
  const { account } = useWallet();
  const d = pool?.data.lstDecimals ?? 9;
  const view = position?.view ?? null;
  const lst = (v: bigint | undefined) => (v === undefined ? undefined : <Amount text={formatShort(v, d)} full={formatAmount(v, d)} raw={v} unit="LST" />);
  const principal = (v: bigint | undefined) => (v === undefined || !ready ? undefined : `principal ${formatAmount(v, SOL, 4)} SOL`);
  const delegatedPrincipal = position?.delegations.reduce((s, x) => s + (x.value?.principal ?? 0n), 0n);
  const ready = Boolean(position && pool) && !loading;
  const has = ready && position?.position;
  const zero = ready ? 0n : undefined;
  const totals = position ? rewardTotals(position) : new Map<Address, bigint>();
  const opName = (bucket: Address) => {
    const op = operators?.operators.find((o) => o.bucket?.address === bucket);
    return op ? operatorName(op) : shortAddress(bucket);
  };
  const lien = view?.lienHolder && view.lienHolder.__option === "Some" ? view.lienHolder.value : null;

  return (
    <section className="panel" aria-labelledby="position-title">
      <h2 id="position-title">Your position</h2>
      <p className="muted status-line" data-testid="position-status">
        {!account ? (
          "Connect a wallet to see your position and act on it."
        ) : !ready ? (
          "Reading your position…"
        ) : !position?.position ? (
          <span data-testid="no-position">No position in this pool yet: a deposit opens one.</span>
        ) : (
          <span title={`position ${position.address}`}>Valued by the program's view just now.</span>
        )}
      </p>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {position?.viewError ? (
        <p className="error-text" role="alert" data-testid="view-error">
          The program's view of the position failed: {position.viewError}
        </p>
      ) : null}
      <dl className="stats" data-testid="position-stats">
        <Stat label="In your wallet" testId="wallet-lst" value={account ? lst(ready ? position?.lst.amount : undefined) : "—"} hint={account && ready && position ? `${formatAmount(position.lamports, SOL, 4)} SOL for fees` : undefined} />
        <Stat label="Idle (not delegated)" testId="idle-lst" value={account ? lst(has ? view?.idleLst : zero) : "—"} hint={has ? principal(view?.idlePrincipal) : undefined} />
        <Stat label="Delegated" testId="delegated-lst" value={account ? lst(has ? view?.delegatedLst : zero) : "—"} hint={has ? principal(delegatedPrincipal) : undefined} />
        <Stat label="Undelegating" testId="queued-lst" value={account ? lst(has ? view?.queuedLst : zero) : "—"} />
        <Stat label="Withdrawing" testId="withdrawing-lst" value={account ? lst(has ? view?.withdrawingLst : zero) : "—"} />
        <Stat label="Pending base yield" testId="pending-yield" value={account ? lst(has ? view?.pendingBaseYield : zero) : "—"} hint="the LST's own staking yield, paid in LST" />
        <Stat
          label="Claimable rewards"
          testId="claimable-rewards"
          value={
            !account
              ? "—"
              : !ready
                ? undefined
                : totals.size === 0
                  ? "none"
                  : [...totals.entries()].map(([mint, v]) => (
                      <span key={mint} className="block">
                        <Amount text={formatAmount(v, rewardDecimals(operators, mint))} raw={v} unit={rewardUnit(operators, mint)} />
                      </span>
                    ))
          }
          hint={
            position && [...position.rewardAccounts.values()].some((h) => h.amount > 0n)
              ? `in your wallet: ${[...position.rewardAccounts.values()]
                  .filter((h) => h.amount > 0n)
                  .map((h) => `${formatAmount(h.amount, rewardDecimals(operators, h.mint))} ${rewardUnit(operators, h.mint)}`)
                  .join(", ")}`
              : "restaking rewards, after commission"
          }
        />
        <Stat
          label="Total"
          testId="total-lst"
          value={account ? lst(has ? view?.totalLst : zero) : "—"}
          hint={
            account && view && pool
              ? `≈ ${formatAmount(view.totalValue, SOL, 4)} SOL at ${formatRate(view.rate)}${view.rateFresh ? "" : " (cached rate: the source is stale)"}`
              : account && ready && pool
                ? `≈ ${formatAmount(poolValue(pool, 0n), SOL, 4)} SOL`
                : undefined
          }
        />
      </dl>
      {lien ? (
        <p className="banner banner-warn" data-testid="lien">
          <strong>Lien:</strong> {shortAddress(lien)} holds a lien on this position. Deposits and claims are yours alone; delegating, undelegating and
          withdrawing need the holder's signature too.
        </p>
      ) : null}
      <h3>Delegations</h3>
      <div className="table-wrap">
        <table className="table" data-testid="delegations">
          <thead>
            <tr>
              <th scope="col">Operator</th>
              <th scope="col">Delegated</th>
              <th scope="col">Base yield</th>
              <th scope="col">Rewards</th>
            </tr>
          </thead>
          <tbody>
            {!account || (ready && position?.delegations.length === 0) ? (
              <tr>
                <td colSpan={4} className="muted">
                  {account ? "Nothing delegated yet." : "—"}
                </td>
              </tr>
            ) : !ready || !position ? (
              <tr>
                <td colSpan={4}>
                  <Skeleton width="14em" />
                </td>
              </tr>
            ) : (
              [...position.delegations].sort((a, b) => opName(a.operatorPool).localeCompare(opName(b.operatorPool))).map((dl) => (
                <tr key={dl.address} data-testid="delegation-row">
                  <th scope="row">{opName(dl.operatorPool)}</th>
                  <td data-label="Delegated">{formatAmount(dl.value?.lst ?? 0n, d, 4)} LST</td>
                  <td data-label="Base yield">{formatShort(dl.value?.baseYield ?? 0n, d)} LST</td>
                  <td data-label="Rewards">
                    {dl.rewardMints.length === 0
                      ? "—"
                      : dl.rewardMints.map((mint, j) => (
                          <span key={mint} className="block">
                            {formatAmount(dl.value?.rewards[j] ?? 0n, rewardDecimals(operators, mint))} {rewardUnit(operators, mint)}
                          </span>
                        ))}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {account && pool && position && ready ? (
        <ClaimEverything pool={pool} position={position} operators={operators} />
      ) : (
        <div className="claim">
          <button type="button" className="button button-primary" disabled>
            Claim everything
          </button>
          <p className="small muted claim-note">{account ? <Skeleton width="16em" /> : "Connect a wallet to claim."}</p>
        </div>
      )}
    </section>
  );
}
