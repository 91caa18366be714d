import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { dailyRealizedVariance } from "../../src/volatility/realized";

/**
 * BTCUSDT daily realized variance from the hourly candles (2021-04 → 2023-12), shared by the HAR and forecast-
 * evaluation tests: RV_d = Σ squared hourly log returns of the candles opening that UTC day
 * (`dailyRealizedVariance`). The first and last days are partial (fewer than 24 candles) and dropped; gap days
 * inside (a few candles missing) are kept with their spanning returns and counted in `partialInside`.
 */
export async function btcDailyRv(path: string): Promise<{ rv: Float64Array; partialInside: number }> {
  const daily = dailyRealizedVariance(await loadBinanceKlines(path, { interval: "1h" }));
  const rvAll = daily.f64("rv");
  const count = daily.col("n");
  let a = 0;
  while (count[a] < 24) a++;
  let b = daily.length - 1;
  while (count[b] < 24) b--;
  let partialInside = 0;
  for (let d = a; d <= b; d++) if (count[d] < 24) partialInside++;
  return { rv: rvAll.slice(a, b + 1), partialInside };
}
