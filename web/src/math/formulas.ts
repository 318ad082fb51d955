// The formulas Math Peek shows, evaluated with the student's numbers. Pure
// functions; the sources are in docs/analytic.md.

/** M/M/1 with arrival rate lambda and service rate mu (both 1/s). */
export function mm1(lambda: number, mu: number): { rho: number; stable: boolean; meanMs: number | null; p99Ms: number | null } {
  const rho = lambda / mu;
  if (!(lambda >= 0) || !(mu > 0) || rho >= 1) return { rho, stable: false, meanMs: null, p99Ms: null };
  // Sojourn time is exponential with rate mu - lambda: mean 1/(mu-lambda), P99 ln(100)/(mu-lambda).
  return { rho, stable: true, meanMs: 1000 / (mu - lambda), p99Ms: (1000 * Math.log(100)) / (mu - lambda) };
}

/** Time to first token vs time per output token: E2E ≈ TTFT + (n - 1) × TPOT. */
export function ttftTpot(ttftMs: number, tpotMs: number, outputTokens: number): { e2eMs: number; decodeShare: number } {
  const decode = Math.max(outputTokens - 1, 0) * tpotMs;
  const e2e = ttftMs + decode;
  return { e2eMs: e2e, decodeShare: e2e > 0 ? decode / e2e : 0 };
}

/** Ring all-reduce of `bytes` over n ranks, link bandwidth B (GB/s), per-step latency alpha (µs): ms. */
export function ringAllReduceMs(n: number, bytes: number, bandwidthGBps: number, alphaUs: number): { factor: number; ms: number } {
  if (n <= 1) return { factor: 0, ms: 0 };
  const factor = (2 * (n - 1)) / n;
  const ms = (factor * bytes) / (bandwidthGBps * 1e9) * 1000 + (2 * (n - 1) * alphaUs) / 1000;
  return { factor, ms };
}

/** The pipeline bubble fraction (p - 1)/(m + p - 1) for p stages and m micro-batches. */
export function pipelineBubble(p: number, m: number): number {
  if (p < 1 || m < 1) return NaN;
  return (p - 1) / (m + p - 1);
}

/** Leviathan et al.: expected tokens per target step with acceptance a and gamma drafted tokens. */
export function leviathanTokensPerStep(a: number, gamma: number): number {
  if (a >= 1) return gamma + 1;
  return (1 - Math.pow(a, gamma + 1)) / (1 - a);
}

/** Leviathan's expected wall-time speedup with draft cost c relative to a target step. */
export function leviathanSpeedup(a: number, gamma: number, c: number): number {
  return leviathanTokensPerStep(a, gamma) / (gamma * c + 1);
}

/**
 * The Serving Cost Dominance Law: lifetime serving OpEx (what the fleet
 * costs to run: usd_per_hour × hours in service) against the hardware
 * CapEx (GPUs × purchase price). The price is the student's input: the
 * catalog keeps rental prices only.
 */
export function costDominance(usdPerHour: number, years: number, gpus: number, capexPerGpuUsd: number): { opexUsd: number; capexUsd: number; ratio: number } {
  const opexUsd = usdPerHour * 24 * 365 * years;
  const capexUsd = gpus * capexPerGpuUsd;
  return { opexUsd, capexUsd, ratio: capexUsd > 0 ? opexUsd / capexUsd : Infinity };
}

/**
 * Erlang C: the probability that an arrival waits in an M/M/c queue with c
 * servers and offered load a = λ/μ (a < c). Computed by the stable
 * recursion on Erlang B: B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
 */
export function erlangC(c: number, a: number): number {
  if (!(c >= 1) || !(a >= 0)) return NaN;
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** Dean & Barroso's fan-out: a request that waits for n calls, each slow with probability p, is slow with 1 − (1 − p)^n. */
export function fanoutSlow(p: number, n: number): number { return 1 - Math.pow(1 - p, n); }

/** A hedged call is late only when both copies are: P(T > t) = P(T1 > t) × P(T2 > t − d) (independent copies). */
export function hedgedLate(p1: number, p2: number): number { return p1 * p2; }

/** A message over a link: its start-up latency α plus its bytes at the link's bandwidth β. */
export function linkMs(alphaMs: number, bytes: number, bandwidthGBps: number): number {
  return alphaMs + (bytes / (bandwidthGBps * 1e9)) * 1000;
}

/** Energy per inference: mean power over the request rate (W ÷ 1/s = J). */
export function energyPerRequestJ(meanPowerW: number, ratePerS: number): number { return ratePerS > 0 ? meanPowerW / ratePerS : NaN; }

/**
 * The Serving Cost Dominance Law with the same device count on both sides:
 * OpEx per hour (devices × rental price + power × energy price) against the
 * one-time CapEx (devices × purchase price): the lifetime ratio and the
 * month at which cumulative OpEx passes CapEx.
 */
export function costLaw(i: { devices: number; rentUsdPerDeviceHour: number; powerW: number; usdPerKwh: number; capexUsdPerDevice: number; years: number }) {
  const opexPerHour = i.devices * i.rentUsdPerDeviceHour + (i.powerW / 1000) * i.usdPerKwh;
  const capex = i.devices * i.capexUsdPerDevice;
  const lifetimeOpex = opexPerHour * 8760 * i.years;
  const perMonth = (opexPerHour * 8760) / 12;
  return { opexPerHour, capex, lifetimeOpex, ratio: capex > 0 ? lifetimeOpex / capex : Infinity, crossoverMonth: perMonth > 0 ? capex / perMonth : Infinity };
}
