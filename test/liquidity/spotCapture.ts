import type { TestContext } from "node:test";
import { loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { exchangeTimesOnLocalClock } from "../../src/liquidity/classify";
import type { Frame } from "../../src/frame/frame";
import { needData } from "../helpers";

/** The real spot captures (SOURCES.md §1) as [folder, symbol] pairs. */
export const SPOT_CAPTURES = [
  ["binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/", "BTCUSDT"],
  ["binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/", "ETHUSDT"],
  ["binance-spot-nexousdt-l2-trades-2024-07-23-to-25/tardis-format/", "NEXOUSDT"],
] as const;

/**
 * A real spot capture's trades and best quotes, with the trades' exchange times moved onto the receive clock as
 * column `tradeOnLocal` (`exchangeTimesOnLocalClock`: trades arrive later than bookTicker on these captures). Null,
 * with the skip reason printed by `needData`, when the data are absent (a failure under CI=true).
 */
export async function loadSpotCapture(t: TestContext, dir: string, sym: string): Promise<{ trades: Frame; quotes: Frame } | null> {
  const tp = needData(t, `${dir}binance_trades_${sym}.csv.gz`);
  const qp = needData(t, `${dir}binance_book_ticker_${sym}.csv.gz`);
  if (!tp || !qp) return null;
  const tr = await loadTardisTrades(tp);
  const quotes = await loadTardisQuotes(qp);
  return { trades: tr.withColumn("tradeOnLocal", exchangeTimesOnLocalClock(tr).times), quotes };
}
