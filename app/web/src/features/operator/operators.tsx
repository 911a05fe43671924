/**
 * Operators of the selected pool: commission and any scheduled change, the services they
 * secure (and how much each may slash), the bucket's slash history, and the picker the
 * delegate and undelegate forms use.
 */
import type { Address } from "@solana/kit";
import { SlashStatus } from "@restaking/client";
import { formatAmount, formatBps, shortAddress } from "../../lib/amount";
import { formatDuration, formatUtc } from "../../lib/time";
import { operatorName, type OperatorInfo, type OperatorsOfPool, type PoolInfo } from "../../chain/reads";
import { Amount, Skeleton } from "../../ui/bits";

/** "10 %", or "10 % → 8 % from 2026-12-01 (in 2 d)" while a change is scheduled. */
export function commissionText(op: OperatorInfo, now: bigint): string {
  const d = op.data;
  const current = formatBps(d.commissionBps);
  if (d.commissionEffectiveTs === 0n || d.pendingCommissionBps === d.commissionBps) return current;
  if (d.commissionEffectiveTs > now) {
    return `${current} → ${formatBps(d.pendingCommissionBps)} from ${formatUtc(d.commissionEffectiveTs)} (in ${formatDuration(d.commissionEffectiveTs - now)})`;
  }
  return `${formatBps(d.pendingCommissionBps)} since ${formatUtc(d.commissionEffectiveTs)}`;
}

function servicesText(op: OperatorInfo): string {
  if (op.links.length === 0) return "secures no service";
  const max = Math.max(...op.links.map((l) => l.data.maxSlashBps));
  return `secures ${op.links.length === 1 ? "1 service" : `${op.links.length} services`} · at most ${formatBps(max)} slashable per service`;
}

function slashesText(op: OperatorInfo): string {
  const executed = op.slashes.filter((s) => s.data.status === SlashStatus.Executed).length;
  if (op.slashPending) return "a slash is pending";
  if (op.slashes.length === 0) return "never slashed";
  return executed === 0 ? `${op.slashes.length} slash request${op.slashes.length > 1 ? "s" : ""}, none executed` : `slashed ${executed} time${executed > 1 ? "s" : ""}`;
}

const SLASH_STATUS = { [SlashStatus.Pending]: "Pending", [SlashStatus.Vetoed]: "Vetoed", [SlashStatus.Executed]: "Executed" } as const;

function OperatorCard({ op, pool, now }: { op: OperatorInfo; pool: PoolInfo; now: bigint }) {
  const d = pool.data.lstDecimals;
  return (
    <li className="operator-card" data-testid="operator-card" data-operator={op.address}>
      <header className="operator-head">
        <strong>{operatorName(op)}</strong>
        {!op.data.active ? <span className="badge badge-failed">inactive</span> : null}
        {op.slashPending ? <span className="badge badge-warn">slash pending</span> : null}
      </header>
      <dl className="operator-stats">
        <div>
          <dt>Commission</dt>
          <dd data-testid="operator-commission">{commissionText(op, now)}</dd>
        </div>
        <div>
          <dt>Delegated here</dt>
          <dd>{op.bucket ? <Amount text={formatAmount(op.bucket.data.totalLst, d, 4)} unit="LST" /> : "no bucket in this pool"}</dd>
        </div>
      </dl>
      <h4>Services</h4>
      {op.links.length === 0 ? (
        <p className="muted small">None linked.</p>
      ) : (
        <ul className="plain small" data-testid="operator-services">
          {op.links.map((l) => (
            <li key={l.address}>
              {l.label ?? (l.service ? operatorName({ address: l.data.service, label: null, data: l.service.data }) : shortAddress(l.data.service))} · may slash up to{" "}
              {formatBps(l.data.maxSlashBps)}
              {l.data.unlinkEffectiveTs > 0n ? ` · unlinking ${formatUtc(l.data.unlinkEffectiveTs)}` : ""}
            </li>
          ))}
        </ul>
      )}
      <h4>Slash history</h4>
      {op.slashes.length === 0 ? (
        <p className="muted small" data-testid="operator-slashes">
          Never slashed.
        </p>
      ) : (
        <ul className="plain small" data-testid="operator-slashes">
          {op.slashes.map((s) => (
            <li key={s.address}>
              {SLASH_STATUS[s.data.status]} · {formatBps(s.data.bps)} requested {formatUtc(s.data.requestedTs)}
              {s.data.status === SlashStatus.Executed
                ? ` · ${formatAmount(s.data.seizedActiveLst + s.data.seizedQueuedLst, d, 4)} LST seized`
                : s.data.status === SlashStatus.Pending
                  ? s.data.expiresTs <= now
                    ? " · expired"
                    : ` · executable ${formatUtc(s.data.executableTs)}`
                  : ""}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function OperatorList({ pool, operators, now }: { pool: PoolInfo | null; operators: OperatorsOfPool | undefined; now: bigint | null }) {
  const ops = operators?.operators.filter((o) => o.bucket) ?? null;
  return (
    <section className="panel" aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      <p className="muted small">Operators run the services (AVSs) your delegated LST secures. Each keeps a commission of the rewards; a service may slash what is delegated to an operator it uses.</p>
      <ul className="operator-grid" aria-busy={ops === null}>
        {ops && pool && now !== null ? (
          ops.length === 0 ? (
            <li className="muted">No operator has opened a bucket in this pool yet.</li>
          ) : (
            ops.map((op) => <OperatorCard key={op.address} op={op} pool={pool} now={now} />)
          )
        ) : (
          [0, 1].map((i) => (
            <li key={i} className="operator-card" aria-hidden="true">
              <Skeleton width="8em" />
              <p>
                <Skeleton width="14em" />
              </p>
              <p>
                <Skeleton width="12em" />
              </p>
              <p>
                <Skeleton width="10em" />
              </p>
            </li>
          ))
        )}
      </ul>
    </section>
  );
}

/** A radio group of operators (keyboard: arrow keys), each with what a delegator should know. */
export function OperatorPicker({
  name,
  legend,
  options,
  value,
  onChange,
  now,
  extra,
}: {
  name: string;
  legend: string;
  options: readonly OperatorInfo[];
  value: Address | null;
  onChange: (operator: Address) => void;
  now: bigint;
  extra?: (op: OperatorInfo) => string | null;
}) {
  return (
    <fieldset className="picker">
      <legend>{legend}</legend>
      {options.map((op) => {
        const id = `${name}-${op.address}`;
        const more = extra?.(op);
        return (
          <label key={op.address} htmlFor={id} className={`picker-option ${value === op.address ? "picker-option-selected" : ""}`} data-testid="operator-option">
            <input id={id} type="radio" name={name} value={op.address} checked={value === op.address} onChange={() => onChange(op.address)} />
            <span className="picker-text">
              <strong>{operatorName(op)}</strong>
              <span className="small">commission {commissionText(op, now)}</span>
              <span className="small muted">
                {servicesText(op)} · {slashesText(op)}
                {!op.data.active ? " · inactive" : ""}
              </span>
              {more ? <span className="small">{more}</span> : null}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
