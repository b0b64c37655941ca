/**
 * Retry delays as data (bullmq style): a job carries a `BackoffSpec`, and a named strategy turns
 * (attempts made, spec) into a delay. Jitter spreads retries of jobs that failed together.
 *
 * @example
 * computeBackoff({ type: 'exponential', delay: 1000 }, 3) // 4000 (1000 × 2^(3−1))
 */
export interface BackoffSpec {
  /** Name of a strategy in `backoffStrategies`. @default 'exponential' */
  type: BackoffType;
  /** Base delay in ms. @default 1000 */
  delay: number;
  /** 0..1: the delay is drawn uniformly from [delay × (1 − jitter), delay]. @default 0 */
  jitter?: number;
}

export const backoffStrategies = {
  /** The same delay before every retry. */
  fixed: (_attemptsMade: number, delay: number): number => delay,
  /** `delay × 2^(attemptsMade − 1)`: 1 s, 2 s, 4 s, ... for the defaults. */
  exponential: (attemptsMade: number, delay: number): number => delay * 2 ** Math.max(0, attemptsMade - 1),
} as const;

export type BackoffType = keyof typeof backoffStrategies;
export const BACKOFF_TYPES = Object.keys(backoffStrategies) as BackoffType[];

/** Longest delay we schedule (a day): keeps timers and exponential growth sane. */
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

/** Delay in ms before the next attempt, given how many attempts have already failed (≥ 1). */
export function computeBackoff(spec: BackoffSpec, attemptsMade: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, Math.max(0, backoffStrategies[spec.type](attemptsMade, spec.delay)));
  const jitter = Math.min(1, Math.max(0, spec.jitter ?? 0));
  if (jitter === 0) return Math.round(base);
  return Math.round(base * (1 - jitter * random()));
}
