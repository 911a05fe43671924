/**
 * The position's open tickets (withdrawals and undelegations), each with its countdown in the
 * chain's clock, and the buttons to complete it once matured or cancel it.
 */
import { TicketKind } from "@restaking/client";
import { useState } from "react";
import { cancelPlan, completePlan } from "../../chain/actions";
import { useApp } from "../../chain/queries";
import { operatorName, type OperatorsOfPool, type PoolInfo, type PositionInfo, type TicketInfo } from "../../chain/reads";
import { formatAmount } from "../../lib/amount";
import { formatDuration, formatUtc } from "../../lib/time";
import { Skeleton } from "../../ui/bits";
import { useWallet } from "../../wallet/wallet";
import { useRunner } from "../tx/activity";

function TicketRow({ ticket, pool, position, operators, now }: { ticket: TicketInfo; pool: PoolInfo; position: PositionInfo; operators: OperatorsOfPool; now: bigint }) {
  const { cfg } = useApp();
  const { signer } = useWallet();
  const { run, busy } = useRunner();
  const [error, setError] = useState<string | null>(null);
  const d = pool.data.lstDecimals;
  const undelegation = ticket.data.kind === TicketKind.Undelegate;
  const op = undelegation ? operators.operators.find((o) => o.bucket?.address === ticket.data.operatorPool) : undefined;
  const left = ticket.data.unlockTs - now;
  const matured = left <= 0n;
  const enforcement = ticket.data.enforcement;
  const title = undelegation ? `Undelegation from ${op ? operatorName(op) : "an operator"}` : "Withdrawal";
  const act = async (what: "complete" | "cancel") => {
    if (!signer) return;
    setError(null);
    const ctx = { cfg, signer, pool, position };
    const r = await run(`${what === "complete" ? "Complete" : "Cancel"}: ${title.toLowerCase()}`, () =>
      what === "complete" ? completePlan(ctx, ticket) : cancelPlan(ctx, ticket, operators.operators),
    );
    if (!r.ok) setError(`${r.error ?? "It failed."}${r.errorName ? ` (${r.errorName})` : ""}`);
  };
  return (
    <li className="ticket" data-testid="ticket" data-kind={undelegation ? "undelegate" : "withdraw"} data-matured={matured}>
      <div className="ticket-main">
        <strong>{title}</strong>
        <span>{formatAmount(ticket.lst, d, 6)} LST</span>
      </div>
      <div className="ticket-time small">
        <span data-testid="ticket-countdown" className={matured ? "ok-text" : ""}>
          {matured ? "Ready" : `Unlocks in ${formatDuration(left)}`}
        </span>
        <span className="muted"> · {matured ? "unlocked" : "unlocks"} {formatUtc(ticket.data.unlockTs)}</span>
        {undelegation ? <span className="muted"> · returns to idle; slashable until then</span> : <span className="muted"> · pays to your wallet</span>}
      </div>
      {enforcement ? (
        <p className="small warn-text">Opened by the lien holder: only it can complete or cancel this ticket.</p>
      ) : (
        <div className="row">
          <button type="button" className="button button-primary" disabled={!signer || busy || !matured} onClick={() => void act("complete")} data-testid="ticket-complete">
            Complete
          </button>
          <button type="button" className="button button-quiet" disabled={!signer || busy} onClick={() => void act("cancel")} data-testid="ticket-cancel">
            Cancel
          </button>
          {!matured ? <span className="small muted">Complete becomes available when it unlocks.</span> : null}
        </div>
      )}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function TicketList({ pool, position, operators, now }: { pool: PoolInfo | null; position: PositionInfo | undefined; operators: OperatorsOfPool | undefined; now: bigint | null }) {
  const { account } = useWallet();
  const ready = pool && position && operators && now !== null;
  return (
    <section className="panel" aria-labelledby="tickets-title">
      <h2 id="tickets-title">Withdrawals and undelegations</h2>
      <ul className="ticket-list" data-testid="tickets">
        {!account ? (
          <li className="muted">Connect a wallet to see your tickets.</li>
        ) : !ready ? (
          <li aria-hidden="true">
            <Skeleton width="16em" />
          </li>
        ) : position.tickets.length === 0 ? (
          <li className="muted">No open ticket.</li>
        ) : (
          position.tickets.map((t) => <TicketRow key={t.address} ticket={t} pool={pool} position={position} operators={operators} now={now} />)
        )}
      </ul>
    </section>
  );
}
