/**
 * Transactions in progress and their results: `useRunner()` runs an action (its plans built
 * just before signing), and `<Activity>` lists each action with every transaction's status,
 * signature and, on failure, the sentence saying why.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { useApp, useRefreshChain } from "../../chain/queries";
import { describeFailure, sendPlans, type TxPlan, type TxState, type TxStatus } from "../../chain/send";
import { shortAddress } from "../../lib/amount";
import { useWallet } from "../../wallet/wallet";

export type Operation = {
  readonly id: number;
  readonly title: string;
  readonly txs: readonly TxState[];
  readonly state: "running" | "succeeded" | "failed" | "rejected";
  /** Failure before any transaction was built. */
  readonly error?: string;
};

/** How an action ended: all confirmed, or the sentence saying why not. */
export type RunResult = { readonly ok: boolean; readonly error?: string; readonly errorName?: string };

type Runner = {
  readonly operations: readonly Operation[];
  readonly busy: boolean;
  /** Builds the plans, checks, signs and sends them. */
  readonly run: (title: string, build: () => Promise<TxPlan[]>) => Promise<RunResult>;
};

const RunnerContext = createContext<Runner | null>(null);

export function useRunner(): Runner {
  const value = useContext(RunnerContext);
  if (!value) throw new Error("useRunner outside <RunnerProvider>");
  return value;
}

export function RunnerProvider({ children }: { children: ReactNode }) {
  const { cfg, rpc } = useApp();
  const { signer } = useWallet();
  const refresh = useRefreshChain();
  const [operations, setOperations] = useState<Operation[]>([]);
  const [busy, setBusy] = useState(false);
  const nextId = useRef(1);

  const run = useCallback(
    async (title: string, build: () => Promise<TxPlan[]>): Promise<RunResult> => {
      if (!signer) return { ok: false, error: "Connect a wallet first." };
      const id = nextId.current++;
      const update = (fn: (op: Operation) => Operation) => setOperations((ops) => ops.map((op) => (op.id === id ? fn(op) : op)));
      setOperations((ops) => [{ id, title, txs: [], state: "running" as const }, ...ops].slice(0, 6));
      setBusy(true);
      try {
        let plans: TxPlan[];
        try {
          plans = await build();
        } catch (e) {
          const error = describeFailure(e, cfg.programAddress).sentence;
          update((op) => ({ ...op, state: "failed", error }));
          return { ok: false, error };
        }
        update((op) => ({ ...op, txs: plans.map((p) => ({ label: p.label, status: "queued" as TxStatus })) }));
        let failure: { error?: string; errorName?: string } = {};
        const ok = await sendPlans(rpc, signer, cfg.programAddress, plans, (index, patch) => {
          if ((patch.status === "failed" || patch.status === "rejected") && patch.error && !failure.error) {
            failure = { error: patch.error, ...(patch.errorName ? { errorName: patch.errorName } : {}) };
          }
          update((op) => ({ ...op, txs: op.txs.map((t, i) => (i === index ? { ...t, ...patch } : t)) }));
        });
        update((op) => ({
          ...op,
          state: ok ? "succeeded" : op.txs.some((t) => t.status === "rejected") ? "rejected" : "failed",
        }));
        return ok ? { ok } : { ok, ...failure };
      } finally {
        setBusy(false);
        await refresh();
      }
    },
    [signer, rpc, cfg.programAddress, refresh],
  );

  const value = useMemo(() => ({ operations, busy, run }), [operations, busy, run]);
  return <RunnerContext.Provider value={value}>{children}</RunnerContext.Provider>;
}

const STATUS_TEXT: Record<TxStatus, string> = {
  queued: "Waiting",
  checking: "Checking with the program",
  signing: "Waiting for your wallet",
  sending: "Sending",
  confirming: "Confirming",
  confirmed: "Confirmed",
  failed: "Failed",
  rejected: "Declined in the wallet",
  skipped: "Not sent",
};

const STATE_TEXT: Record<Operation["state"], string> = {
  running: "In progress",
  succeeded: "Done",
  failed: "Failed",
  rejected: "Declined",
};

function signaturesNote(op: Operation): string | null {
  const n = op.txs.length;
  if (n === 0) return null;
  return n === 1 ? "1 transaction, 1 signature" : `${n} transactions, ${n} signatures in one wallet approval`;
}

export function Activity() {
  const { operations } = useRunner();
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      <div aria-live="polite" className="activity-list" data-testid="activity">
        {operations.length === 0 ? <p className="muted">Your transactions and their progress appear here.</p> : null}
        {operations.map((op) => (
          <article key={op.id} className={`operation operation-${op.state}`} data-testid="operation" data-state={op.state}>
            <header className="operation-head">
              <strong>{op.title}</strong>
              <span className={`badge badge-${op.state}`}>{STATE_TEXT[op.state]}</span>
            </header>
            {signaturesNote(op) ? <p className="muted small">{signaturesNote(op)}</p> : null}
            {op.error ? (
              <p className="error-text" role="alert">
                {op.error}
              </p>
            ) : null}
            <ol className="tx-list">
              {op.txs.map((tx, i) => (
                <li key={i} className={`tx tx-${tx.status}`} data-testid="tx" data-status={tx.status}>
                  <span className="tx-label">{tx.label}</span>
                  <span className="tx-status">
                    {tx.status === "checking" || tx.status === "signing" || tx.status === "sending" || tx.status === "confirming" ? (
                      <span className="spinner" aria-hidden="true" />
                    ) : null}
                    {STATUS_TEXT[tx.status]}
                  </span>
                  {tx.signature ? (
                    <code className="tx-signature" title={tx.signature}>
                      {shortAddress(tx.signature)}
                    </code>
                  ) : null}
                  {tx.error ? (
                    <p className="error-text" role={tx.status === "skipped" ? undefined : "alert"} data-testid="tx-error">
                      {tx.error}
                      {tx.errorName ? <span className="error-name"> ({tx.errorName})</span> : null}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          </article>
        ))}
      </div>
    </section>
  );
}
