/** Small presentational pieces shared by the features. */
import type { ReactNode } from "react";

/** A placeholder of fixed size while data loads (no layout jump when it arrives). */
export function Skeleton({ width = "6em" }: { width?: string }) {
  return <span className="skeleton" style={{ width }} aria-hidden="true" />;
}

/** A label / value pair in a stats grid; `value === undefined` shows a skeleton. */
export function Stat({ label, value, hint, testId }: { label: ReactNode; value: ReactNode | undefined; hint?: ReactNode; testId?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value === undefined ? <Skeleton /> : value}</dd>
      <dd className="stat-hint">{hint ?? "\u00a0"}</dd>
    </div>
  );
}

/** An amount with its unit; `raw` (base units) is kept in `data-raw` and shown in full on hover. */
export function Amount({ text, unit, raw, full }: { text: string; unit: string; raw?: bigint; full?: string }) {
  return (
    <span className="amount" data-raw={raw?.toString()} title={full ? `${full} ${unit}` : undefined}>
      <span className="amount-value">{text}</span> <span className="amount-unit">{unit}</span>
    </span>
  );
}
