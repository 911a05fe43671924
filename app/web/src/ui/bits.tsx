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
      {hint !== undefined ? <dd className="stat-hint">{hint}</dd> : null}
    </div>
  );
}

/** An amount with its unit. */
export function Amount({ text, unit }: { text: string; unit: string }) {
  return (
    <span className="amount">
      <span className="amount-value">{text}</span> <span className="amount-unit">{unit}</span>
    </span>
  );
}
