/**
 * The staker's actions on the selected pool, one tab each: deposit, delegate, undelegate and
 * withdraw. Every amount is checked before anything is signed (a number, the mint's decimals,
 * the wallet's balance, the idle LST, the delegation, the cap); the program's own refusals come
 * back as sentences.
 */
import type { Address } from "@solana/kit";
import { useState, type KeyboardEvent, type ReactNode } from "react";
import { valueOfLst } from "@restaking/client";
import { delegatePlan, depositPlan, requestWithdrawalPlan, undelegatePlan, type ActionContext } from "../../chain/actions";
import { useApp, useWorld } from "../../chain/queries";
import { operatorName, type OperatorsOfPool, type PoolInfo, type PositionInfo } from "../../chain/reads";
import type { TxPlan } from "../../chain/send";
import { formatAmount, parseAmount, toInputString, type AmountCheck } from "../../lib/amount";
import { formatDuration } from "../../lib/time";
import { AmountField } from "../../ui/AmountField";
import { useWallet } from "../../wallet/wallet";
import { OperatorPicker } from "../operator/operators";
import { useRunner } from "../tx/activity";

const NO_CAP = 0xffff_ffff_ffff_ffffn;
/** Below this much SOL a wallet cannot pay fees and rent (lamports). */
const MIN_FEE_LAMPORTS = 5_000_000n;

type Props = { pool: PoolInfo; position: PositionInfo; operators: OperatorsOfPool; now: bigint };

type Outcome = { ok: boolean; text: string } | null;

function Result({ outcome }: { outcome: Outcome }) {
  return (
    <p className={outcome?.ok ? "ok-text" : "error-text"} role={outcome ? (outcome.ok ? "status" : "alert") : undefined} data-testid="action-result">
      {outcome?.text ?? "\u00a0"}
    </p>
  );
}

/** Shared submit logic: validation message, busy state, the run and its outcome. */
function useAction() {
  const { run, busy } = useRunner();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submit = async (title: string, build: () => Promise<TxPlan[]>, done: string, reset: () => void) => {
    setOutcome(null);
    const r = await run(title, build);
    if (r.ok) {
      reset();
      setOutcome({ ok: true, text: done });
    } else {
      setOutcome({ ok: false, text: `${r.error ?? "It failed."}${r.errorName ? ` (${r.errorName})` : ""}` });
    }
  };
  return { busy, outcome, submit, clear: () => setOutcome(null) };
}

function check(text: string, decimals: number, rules: readonly ((v: bigint) => string | null)[]): AmountCheck {
  const parsed = parseAmount(text, decimals);
  if (!parsed.ok) return parsed;
  for (const rule of rules) {
    const error = rule(parsed.value);
    if (error) return { ok: false, error };
  }
  return parsed;
}

function SubmitRow({ label, disabled, why }: { label: string; disabled: boolean; why: string | null }) {
  return (
    <div className="submit-row">
      <button type="submit" className="button button-primary" disabled={disabled} data-testid="action-submit">
        {label}
      </button>
      {why ? <span className="small muted">{why}</span> : null}
    </div>
  );
}

function feeCheck(position: PositionInfo): string | null {
  return position.lamports < MIN_FEE_LAMPORTS ? "Your wallet needs a little SOL (0.005) to pay fees." : null;
}

function lienBlock(position: PositionInfo): string | null {
  const h = position.view?.lienHolder;
  return h && h.__option === "Some" ? "This position has a lien: its holder must sign this too, through its own app." : null;
}

function DepositForm({ ctx, paused }: { ctx: ActionContext; paused: boolean }) {
  const { pool, position } = ctx;
  const d = pool.data.lstDecimals;
  const [text, setText] = useState("");
  const { busy, outcome, submit } = useAction();
  const rate = pool.rate?.rate ?? pool.data.rate;
  const cap = pool.data.depositCapValue;
  const amount = check(text, d, [
    (v) => (v > position.lst.amount ? `More than the ${formatAmount(position.lst.amount, d)} LST in your wallet.` : null),
    (v) =>
      cap !== NO_CAP && pool.data.totalPrincipal + valueOfLst(v, rate) > cap
        ? `Above the pool's deposit cap: it has room for ${formatAmount(cap - pool.data.totalPrincipal, 9, 4)} SOL more.`
        : null,
    () => feeCheck(position),
  ]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!amount.ok) return;
        void submit("Deposit", () => depositPlan(ctx, amount.value), `Deposited ${formatAmount(amount.value, d)} LST.`, () => setText(""));
      }}
    >
      <AmountField
        label="Amount of LST to deposit"
        value={text}
        onChange={setText}
        onMax={() => setText(toInputString(position.lst.amount, d))}
        unit="LST"
        hint={`In your wallet: ${formatAmount(position.lst.amount, d)} LST${amount.ok ? ` · worth ≈ ${formatAmount(valueOfLst(amount.value, rate), 9, 4)} SOL` : ""}`}
        error={amount.ok ? null : amount.error}
        testId="deposit-amount"
      />
      {paused ? <p className="small warn-text">Deposits are paused now: the program will refuse this until they resume.</p> : null}
      <p className="small muted">Deposited LST stays idle in the pool's vault, earning its base yield, until you delegate it.</p>
      <SubmitRow label={position.position ? "Deposit" : "Open a position and deposit"} disabled={busy || !amount.ok} why={busy ? "Another transaction is in progress." : null} />
      <Result outcome={outcome} />
    </form>
  );
}

function DelegateForm({ ctx, operators, now, paused }: { ctx: ActionContext; operators: OperatorsOfPool; now: bigint; paused: boolean }) {
  const { pool, position } = ctx;
  const d = pool.data.lstDecimals;
  const options = operators.operators.filter((o) => o.bucket);
  const [choice, setChoice] = useState<Address | null>(null);
  const [text, setText] = useState("");
  const { busy, outcome, submit } = useAction();
  const idle = position.view?.idleLst ?? position.position?.idleLst ?? 0n;
  const op = options.find((o) => o.address === choice) ?? null;
  const amount = check(text, d, [
    () => (op ? null : "Choose an operator."),
    () => (op && !op.data.active ? "This operator is inactive: it takes no new delegations." : null),
    () => (op?.slashPending ? "A slash is pending on this operator: it takes no new delegations until it is executed, vetoed or expired." : null),
    (v) => (v > idle ? `More than your ${formatAmount(idle, d)} idle LST: deposit more first.` : null),
    () => lienBlock(position),
    () => feeCheck(position),
  ]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!amount.ok || !op) return;
        void submit(
          `Delegate to ${operatorName(op)}`,
          () => delegatePlan(ctx, op, amount.value),
          `Delegated ${formatAmount(amount.value, d)} LST to ${operatorName(op)}.`,
          () => setText(""),
        );
      }}
    >
      <OperatorPicker name="delegate-operator" legend="Operator" options={options} value={choice} onChange={setChoice} now={now} />
      <AmountField
        label="Amount of idle LST to delegate"
        value={text}
        onChange={setText}
        onMax={() => setText(toInputString(idle, d))}
        unit="LST"
        hint={`Idle: ${formatAmount(idle, d)} LST`}
        error={amount.ok ? null : amount.error}
        testId="delegate-amount"
      />
      {paused ? <p className="small warn-text">Delegations are paused now: the program will refuse this until they resume.</p> : null}
      <SubmitRow label="Delegate" disabled={busy || !amount.ok} why={busy ? "Another transaction is in progress." : null} />
      <Result outcome={outcome} />
    </form>
  );
}

function UndelegateForm({ ctx, operators, now }: { ctx: ActionContext; operators: OperatorsOfPool; now: bigint }) {
  const { pool, position } = ctx;
  const d = pool.data.lstDecimals;
  const delegated = position.delegations.filter((dl) => dl.data.shares > 0n);
  const options = operators.operators.filter((o) => delegated.some((dl) => dl.operatorPool === o.bucket?.address));
  const [choice, setChoice] = useState<Address | null>(null);
  const [text, setText] = useState("");
  const { busy, outcome, submit } = useAction();
  const op = options.find((o) => o.address === choice) ?? null;
  const dl = op ? delegated.find((x) => x.operatorPool === op.bucket?.address) : undefined;
  const held = dl?.value?.lst ?? 0n;
  const sharesFor = (v: bigint): bigint => (!dl ? 0n : v >= held ? dl.data.shares : held === 0n ? 0n : (v * dl.data.shares) / held);
  const amount = check(text, d, [
    () => (op ? null : "Choose the operator to undelegate from."),
    (v) => (v > held ? `More than the ${formatAmount(held, d)} LST delegated to this operator.` : null),
    (v) => (sharesFor(v) === 0n ? "Too small to undelegate: it is worth less than one share." : null),
    () => lienBlock(position),
    () => feeCheck(position),
  ]);
  if (options.length === 0) return <p className="muted">Nothing is delegated in this pool.</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!amount.ok || !op) return;
        const shares = sharesFor(amount.value);
        void submit(
          `Undelegate from ${operatorName(op)}`,
          () => undelegatePlan(ctx, op, shares),
          `Undelegation from ${operatorName(op)} requested: it returns to idle in ${formatDuration(pool.data.withdrawalDelaySecs)}.`,
          () => setText(""),
        );
      }}
    >
      <OperatorPicker
        name="undelegate-operator"
        legend="Operator"
        options={options}
        value={choice}
        onChange={setChoice}
        now={now}
        extra={(o) => {
          const x = delegated.find((y) => y.operatorPool === o.bucket?.address);
          return x ? `you delegated ${formatAmount(x.value?.lst ?? 0n, d, 4)} LST` : null;
        }}
      />
      <AmountField
        label="Amount of LST to undelegate"
        value={text}
        onChange={setText}
        onMax={op ? () => setText(toInputString(held, d)) : undefined}
        unit="LST"
        hint={op ? `Delegated to ${operatorName(op)}: ${formatAmount(held, d)} LST` : "Choose an operator."}
        error={amount.ok ? null : amount.error}
        testId="undelegate-amount"
      />
      <p className="small muted">
        An undelegation waits {formatDuration(pool.data.withdrawalDelaySecs)} and stays slashable until then; it earns no rewards meanwhile. Then complete it to bring the LST back
        to idle.
      </p>
      <SubmitRow label="Undelegate" disabled={busy || !amount.ok} why={busy ? "Another transaction is in progress." : null} />
      <Result outcome={outcome} />
    </form>
  );
}

function WithdrawForm({ ctx }: { ctx: ActionContext }) {
  const { pool, position } = ctx;
  const d = pool.data.lstDecimals;
  const [text, setText] = useState("");
  const { busy, outcome, submit } = useAction();
  const idle = position.view?.idleLst ?? position.position?.idleLst ?? 0n;
  const amount = check(text, d, [
    (v) => (v > idle ? `More than your ${formatAmount(idle, d)} idle LST: undelegate first.` : null),
    () => lienBlock(position),
    () => feeCheck(position),
  ]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!amount.ok) return;
        void submit(
          "Request withdrawal",
          () => requestWithdrawalPlan(ctx, amount.value),
          `Withdrawal of ${formatAmount(amount.value, d)} LST requested: complete it in ${formatDuration(pool.data.withdrawalDelaySecs)}.`,
          () => setText(""),
        );
      }}
    >
      <AmountField
        label="Amount of idle LST to withdraw"
        value={text}
        onChange={setText}
        onMax={() => setText(toInputString(idle, d))}
        unit="LST"
        hint={`Idle: ${formatAmount(idle, d)} LST`}
        error={amount.ok ? null : amount.error}
        testId="withdraw-amount"
      />
      <p className="small muted">A withdrawal is a ticket that unlocks after {formatDuration(pool.data.withdrawalDelaySecs)}; complete it then to receive the LST in your wallet.</p>
      <SubmitRow label="Request withdrawal" disabled={busy || !amount.ok} why={busy ? "Another transaction is in progress." : null} />
      <Result outcome={outcome} />
    </form>
  );
}

const TABS = ["Deposit", "Delegate", "Undelegate", "Withdraw"] as const;
type Tab = (typeof TABS)[number];

/** Tabs with the WAI-ARIA keyboard pattern: arrows move between tabs, Home / End to the ends. */
function Tabs({ tab, onTab, children }: { tab: Tab; onTab: (t: Tab) => void; children: ReactNode }) {
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = TABS.indexOf(tab);
    const next = e.key === "ArrowRight" ? (i + 1) % TABS.length : e.key === "ArrowLeft" ? (i + TABS.length - 1) % TABS.length : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const t = TABS[next] as Tab;
    onTab(t);
    document.getElementById(`tab-${t}`)?.focus();
  };
  return (
    <>
      <div role="tablist" aria-label="Actions" className="tabs">
        {TABS.map((t) => (
          <button
            key={t}
            id={`tab-${t}`}
            type="button"
            role="tab"
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className="tab"
            onClick={() => onTab(t)}
            onKeyDown={onKey}
          >
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {children}
      </div>
    </>
  );
}

export function ActionPanel({ pool, position, operators, now }: Partial<Omit<Props, "now">> & { now: bigint | null }) {
  const { cfg } = useApp();
  const { signer, account } = useWallet();
  const world = useWorld();
  const [tab, setTab] = useState<Tab>("Deposit");
  const flags = world.data?.config?.pauseFlags ?? 0;
  const ready = signer && pool && position && operators && now !== null;
  const ctx: ActionContext | null = ready ? { cfg, signer, pool, position } : null;
  return (
    <section className="panel" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <Tabs tab={tab} onTab={setTab}>
        {!account ? (
          <p className="muted action-placeholder">Connect a wallet to deposit, delegate, undelegate and withdraw.</p>
        ) : !signer ? (
          <p className="error-text action-placeholder">This wallet cannot sign Solana transactions for this page (it lacks solana:signTransaction).</p>
        ) : !ctx || !operators || now === null ? (
          <p className="muted action-placeholder">Loading the position…</p>
        ) : tab === "Deposit" ? (
          <DepositForm key={`d-${ctx.pool.address}`} ctx={ctx} paused={(flags & 1) !== 0} />
        ) : tab === "Delegate" ? (
          <DelegateForm key={`g-${ctx.pool.address}`} ctx={ctx} operators={operators} now={now} paused={(flags & 2) !== 0} />
        ) : tab === "Undelegate" ? (
          <UndelegateForm key={`u-${ctx.pool.address}`} ctx={ctx} operators={operators} now={now} />
        ) : (
          <WithdrawForm key={`w-${ctx.pool.address}`} ctx={ctx} />
        )}
      </Tabs>
    </section>
  );
}
