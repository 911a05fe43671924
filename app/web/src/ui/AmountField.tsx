/** An amount input with its label, a "Max" button, a hint and the validation message. */
import { useId } from "react";

export function AmountField({
  label,
  value,
  onChange,
  onMax,
  hint,
  error,
  unit,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onMax?: (() => void) | undefined;
  hint?: string | undefined;
  /** Shown once something is typed. */
  error: string | null;
  unit: string;
  testId?: string;
}) {
  const id = useId();
  const shown = value.trim() !== "" ? error : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder="0.0"
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={shown ? true : undefined}
          aria-describedby={`${id}-hint ${id}-error`}
          data-testid={testId}
        />
        <span className="field-unit" aria-hidden="true">
          {unit}
        </span>
        {onMax ? (
          <button type="button" className="button button-quiet" onClick={onMax}>
            Max
          </button>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="small muted field-hint">
        {hint ?? "\u00a0"}
      </p>
      <p id={`${id}-error`} className="field-error" role={shown ? "alert" : undefined} data-testid={testId ? `${testId}-error` : undefined}>
        {shown ?? "\u00a0"}
      </p>
    </div>
  );
}
