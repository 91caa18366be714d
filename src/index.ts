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

// small statistics and optimization
export * from "./frame/ols";
export * from "./frame/optimize";
export * from "./frame/gamma";

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

// volatility
export * from "./volatility/realized";
export * from "./volatility/range";
export * from "./volatility/ewma";
export * from "./volatility/har";
export * from "./volatility/evaluate";
export * from "./volatility/garch";
export { initTensorflow, currentTensorflow, detectTfjsNode, wasmDistDir } from "./volatility/tfBackend";
export type { TfModule, TfBackendName, TfPreference, TfInitOptions, TfInitResult } from "./volatility/tfBackend";
export { fitNeuralVolForecaster, neuralOutOfSample, technicalVolFeatures, NeuralVolForecaster } from "./volatility/neural";
export type { NeuralArchitecture, NeuralExtraFeatures, NeuralVolOptions, NeuralSplit, NeuralForecastOptions, NeuralOutOfSampleOptions, NeuralOutOfSampleResult, TechnicalVolFeatureOptions } from "./volatility/neural";

// inventory
export * from "./inventory/avellanedaStoikov";
export * from "./inventory/glft";
export * from "./inventory/intensity";
export { PnlLedger, ledgerFromFills } from "./inventory/ledger";
export type { FeeSchedule as LedgerFeeSchedule, CostBasis, PnlLedgerOptions, LedgerFill, PositionSnapshot, LedgerTotals, LedgerSnapshot, Lot as LedgerLot, LedgerHolding, FillColumns, LedgerFromFillsOptions, LedgerFromFillsResult } from "./inventory/ledger";
export { inventoryVaR, historicalVaR, parametricVaR, normalQuantile, inventoryExposure, checkInventoryLimits, pnlSinceDayStart, rebalanceToTargets } from "./inventory/risk";
export type { VaRMethod, InventoryVaROptions, VaRResult, AssetVaR, Holding as InventoryHolding, ExposureResult, InventoryLimits, LimitCheck, LimitReport, RebalanceOptions, RebalanceTrade, RebalanceResult } from "./inventory/risk";
export { simulateAvellanedaStoikov, avellanedaStoikovExperiment, avellanedaStoikovPathFills, inventorySpreadAverage, AS_2008_TABLES, AS_BLOCK_SIZE } from "./inventory/simulate";
export type { ASSimulationOptions, ASSimulationResult, ASSamplePaths, ASStats, ASProgress, ASExperimentOptions, ASExperimentRow, ASExperimentResult, ASFillRule, ASMidIncrement, ASDepthFrom, ASStrategy } from "./inventory/simulate";
