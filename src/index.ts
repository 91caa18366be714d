/**
 * makerlab's public face. Notebooks import from here: `import * as ml from "./src/index";`
 *
 * Frames, loaders and book replay are exported flat (`ml.loadTardisTrades`, `ml.asofJoin`, …).
 * Capabilities whose names are generic live in namespaces: `ml.plot.timeSeries(…)`, `ml.danfo.toDanfo(…)`;
 * the two display calls every notebook uses are also flat: `ml.show(fig)`, `ml.showTable(frame)`.
 */
export * from "./errors";

// frame
export * from "./frame/frame";
export * from "./frame/search";
export * from "./frame/asof";
export * from "./frame/bars";
export * from "./frame/rolling";
export * as danfo from "./frame/danfo";
export { toDanfo, fromDanfo } from "./frame/danfo";

// plot
export * as plot from "./plot/plot";
export { show, showTable } from "./plot/display";
export type { Figure } from "./plot/figure";

// data
export * from "./data/schemas";
export * from "./data/loadReport";
export * from "./data/dataRoot";
export * from "./data/tardis";
export * from "./data/binanceKlines";
export * from "./data/news";
export { sql, readCsvColumns, loadParquet, writeParquet, closeDuckDB } from "./data/duckdb";
export * as duckdb from "./data/duckdb";
export * as csv from "./data/csv";
export * from "./data/binanceCapture";
export * from "./data/book";
export * from "./data/catalog";
export * from "./data/synthetic";
export * from "./frame/rng";

// small statistics
export * from "./frame/ols";

// liquidity
export * from "./liquidity/amihud";
export * from "./liquidity/roll";
export * from "./liquidity/corwinSchultz";
export * from "./liquidity/edge";
export { classifyTrades, tickTest, bulkVolumeClassification, classificationAccuracy, exchangeTimesOnLocalClock } from "./liquidity/classify";
export type { Classification, ClassifyOptions, ClassifyMethod, ClassifyCounts, BvcOptions, BvcResult, ClassificationAccuracy, TimeColumnOptions } from "./liquidity/classify";
export { spreads, timeWeightedQuotedSpread, horizonLabel, DEFAULT_HORIZONS_US } from "./liquidity/spreads";
export type { SpreadOptions, SpreadResult, SpreadCounts, TimeWeightedSpread, SpreadUnit } from "./liquidity/spreads";
export { kyleLambda, kyleUnits } from "./liquidity/kyle";
export type { KyleOptions, KyleResult, KyleRegressor, KyleDependent } from "./liquidity/kyle";
export { depthAtLevels, timeWeightedMean } from "./liquidity/depth";
export type { DepthOptions, DepthResult } from "./liquidity/depth";
export { liquiditySummary } from "./liquidity/summary";
export type { LiquiditySummaryOptions } from "./liquidity/summary";
