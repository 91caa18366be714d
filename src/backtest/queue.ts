/**
 * Queue-position models for resting limit orders in an L2 (price-level) backtest, after hftbacktest's
 * RiskAdverseQueueModel and ProbQueueModel (Nakaz, hftbacktest docs "Order Fill"; the probabilistic share follows
 * the queue-position estimates discussed by Almgren and on quant.stackexchange q. 3782).
 *
 * L2 data show only the total size at a level, so the size *ahead* of our order is an estimate, kept in
 * `QueueState.ahead` (base units):
 * - on arrival (`onNew`): ahead = the level's size at our price when the order reaches the exchange (0 when we open
 *   a new level): everyone there was first;
 * - a market trade at our price of size A (`onTrade`) consumes the queue front first: ahead −= A; the part of A
 *   beyond the queue ahead fills us (returned; the exchange caps it at our remaining size);
 * - a level size change from `prev` to `next` not explained by trades (`onDepth`): increases are orders joining
 *   behind us (ahead unchanged); decreases are cancels, which the models place differently (below). In every model
 *   ahead ≤ next (the queue ahead cannot exceed the level).
 * The exchange calls these only for the level of our own order's side and price; own orders are not part of the
 * L2 sizes (no market impact, as hftbacktest).
 */
import { ArgumentError } from "../errors";

/** Per-order queue estimate, owned by the exchange (fields are mutated by the model). */
export interface QueueState {
  /** Estimated size ahead of our order at its level, base units (≥ 0). */
  ahead: number;
  /** Trade volume at our level since the last depth change (so the next depth decrease is not counted twice). */
  tradedSinceDepth: number;
}

/** A queue-position model (see the module comment). Implementations keep no per-order state outside `QueueState`. */
export interface QueueModel {
  /** Short description for tables. */
  readonly name: string;
  /** Our order joins a level holding `levelAmount` (0 when the level is new). */
  onNew(q: QueueState, levelAmount: number): void;
  /** A market trade of `amount` at our price hit our side; returns the part that reaches our order (≥ 0). */
  onTrade(q: QueueState, amount: number): number;
  /** Our level's size changed from `prev` to `next` (book update). */
  onDepth(q: QueueState, prev: number, next: number): void;
}

function tradeFront(q: QueueState, amount: number): number {
  const a = q.ahead - amount;
  if (a >= 0) {
    q.ahead = a;
    return 0;
  }
  q.ahead = 0;
  return -a;
}

/**
 * Risk-averse queue (hftbacktest RiskAdverseQueueModel): our place advances **only** through trades at our price;
 * every decrease of the level size is assumed to come from behind us, so ahead = min(ahead, next). The most
 * conservative choice: it never credits a cancel ahead of us.
 */
export function riskAverseQueue(): QueueModel {
  return {
    name: "risk-averse",
    onNew(q, levelAmount) {
      q.ahead = levelAmount > 0 ? levelAmount : 0;
      q.tradedSinceDepth = 0;
    },
    onTrade: tradeFront,
    onDepth(q, _prev, next) {
      if (q.ahead > next) q.ahead = next > 0 ? next : 0;
      q.tradedSinceDepth = 0;
    },
  };
}

/**
 * A probabilistic queue model over a share function: of a size decrease `chg` not explained by trades, the part
 * share(ahead, behind)·chg is attributed to cancels ahead of us, the rest to cancels behind (behind = prev − ahead);
 * what exceeds the size behind also comes from ahead. Formula (hftbacktest ProbQueueModel, in its expected-value
 * form, so it is deterministic):
 *   chg = prev − next − tradedSinceDepth (trades already advanced us; tradedSinceDepth is then reset);
 *   if chg ≤ 0: ahead = min(ahead, next);
 *   else: s = share(ahead, behind), ahead' = ahead − s·chg + min(behind − (1 − s)·chg, 0), ahead = clamp(ahead', 0, next).
 * `share` must return a value in [0, 1].
 */
export function probQueue(share: (ahead: number, behind: number) => number, name: string): QueueModel {
  return {
    name,
    onNew(q, levelAmount) {
      q.ahead = levelAmount > 0 ? levelAmount : 0;
      q.tradedSinceDepth = 0;
    },
    onTrade(q, amount) {
      q.tradedSinceDepth += amount;
      return tradeFront(q, amount);
    },
    onDepth(q, prev, next) {
      const chg = prev - next - q.tradedSinceDepth;
      q.tradedSinceDepth = 0;
      let a = q.ahead;
      if (chg > 0) {
        let behind = prev - a;
        if (behind < 0) behind = 0;
        let s = a > 0 ? share(a, behind) : 0;
        if (!(s >= 0)) s = 0;
        else if (s > 1) s = 1;
        const rest = behind - (1 - s) * chg;
        a = a - s * chg + (rest < 0 ? rest : 0);
      }
      if (a > next) a = next;
      q.ahead = a > 0 ? a : 0;
    },
  };
}

/**
 * Power-law probabilistic queue (hftbacktest PowerProbQueueFunc): share of cancels ahead of us
 * f = x^n / (x^n + y^n), x = size ahead, y = size behind. n = 1: cancels proportional to size; larger n pushes
 * the share towards the bigger side (n → ∞: all from the larger side). hftbacktest's examples use n = 2 or 3.
 * Default n = 2.
 */
export function powerProbQueue(n = 2): QueueModel {
  if (!(n > 0) || n === Infinity) throw new ArgumentError(`powerProbQueue: n must be a finite number > 0, got ${n}`, { field: "n" });
  return probQueue((x, y) => {
    const xn = Math.pow(x, n);
    const yn = Math.pow(y, n);
    const d = xn + yn;
    return d > 0 ? xn / d : 0.5;
  }, `power-prob n=${n}`);
}

/**
 * Logarithmic probabilistic queue (hftbacktest LogProbQueueFunc): share ahead f = log(1 + x) / (log(1 + x) +
 * log(1 + y)), x = size ahead, y = size behind: flatter than the power law, closer to 1/2 for large queues.
 */
export function logProbQueue(): QueueModel {
  return probQueue((x, y) => {
    const lx = Math.log1p(x);
    const ly = Math.log1p(y);
    const d = lx + ly;
    return d > 0 ? lx / d : 0.5;
  }, "log-prob");
}
