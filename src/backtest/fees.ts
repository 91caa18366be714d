/**
 * Fee models of the backtest exchange (exchange.ts): what one fill costs, in quote currency. A negative fee is a
 * rebate (paid to us). The exchange calls `fee` once per fill row (a partial fill is a row), so a fixed per-fill
 * fee is charged on every partial fill, as venues that charge per execution do.
 *
 * Conventions (as src/inventory/ledger.ts): bps of notional, notional = price·amount (quote currency);
 * 1 bp = 1e−4. Binance spot VIP 0 is 10 bps maker and taker; USDⓈ-M futures VIP 0 is 2 / 5 bps; some venues pay
 * makers (e.g. −0.5 bps at high tiers).
 */
import { ArgumentError } from "../errors";

/** A fee model: the fee of one fill. */
export interface FeeModel {
  /** Short description for tables, e.g. "maker -0.5 bps / taker 5 bps". */
  readonly name: string;
  /**
   * Fee of one fill, quote currency (negative = rebate).
   * @param price fill price, quote per base
   * @param amount filled size, base units (> 0)
   * @param isMaker true when the fill provided liquidity (our resting order was hit)
   */
  fee(price: number, amount: number, isMaker: boolean): number;
}

function finite(x: number, field: string): void {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new ArgumentError(`${field} must be a finite number, got ${x}`, { field });
}

/**
 * Maker/taker fees in basis points of notional: fee = bps·1e−4·price·amount, with `makerBps` for maker fills and
 * `takerBps` for taker fills. `makerBps < 0` is a rebate (e.g. −0.5 → we are paid 0.5 bp of the notional).
 * Example: bpsFees({ makerBps: -0.5, takerBps: 5 }).fee(60000, 0.01, true) = −0.03 (quote currency).
 */
export function bpsFees(opts: { makerBps: number; takerBps: number }): FeeModel {
  const { makerBps, takerBps } = opts;
  finite(makerBps, "makerBps");
  finite(takerBps, "takerBps");
  const mk = makerBps * 1e-4;
  const tk = takerBps * 1e-4;
  return {
    name: `maker ${makerBps} bps / taker ${takerBps} bps`,
    fee: (price, amount, isMaker) => (isMaker ? mk : tk) * price * amount,
  };
}

/**
 * A fixed fee per fill row (quote currency), maker and taker separately, plus optional bps of notional:
 * fee = fixed + bps·1e−4·price·amount. Negative values are rebates. Every partial fill pays the fixed part again.
 * Example: perFillFees({ makerFee: 0.01, takerFee: 0.02 }).fee(p, a, false) = 0.02 for any p, a.
 */
export function perFillFees(opts: { makerFee: number; takerFee: number; makerBps?: number; takerBps?: number }): FeeModel {
  const { makerFee, takerFee } = opts;
  const makerBps = opts.makerBps ?? 0;
  const takerBps = opts.takerBps ?? 0;
  finite(makerFee, "makerFee");
  finite(takerFee, "takerFee");
  finite(makerBps, "makerBps");
  finite(takerBps, "takerBps");
  const mk = makerBps * 1e-4;
  const tk = takerBps * 1e-4;
  const bps = makerBps !== 0 || takerBps !== 0 ? ` + ${makerBps} / ${takerBps} bps` : "";
  return {
    name: `per fill maker ${makerFee} / taker ${takerFee}${bps}`,
    fee: (price, amount, isMaker) => (isMaker ? makerFee + mk * price * amount : takerFee + tk * price * amount),
  };
}

/** No fees at all (fee 0 on every fill). */
export function noFees(): FeeModel {
  return { name: "no fees", fee: () => 0 };
}
