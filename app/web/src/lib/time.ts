/** Durations and dates for countdowns and delays, in the chain's clock (Unix seconds). */

/** `secs` as "6 d 23 h", "5 h 12 min", "42 s". */
export function formatDuration(secs: bigint | number): string {
  let s = Math.max(0, Math.floor(Number(secs)));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** Unix seconds as "2026-12-07 09:00 UTC". */
export function formatUtc(unix: bigint | number): string {
  const d = new Date(Number(unix) * 1000);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
