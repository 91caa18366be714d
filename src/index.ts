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
export { inventoryVaR, historicalVaR, parametricVaR, inventoryExposure, checkInventoryLimits, pnlSinceDayStart, rebalanceToTargets } from "./inventory/risk";
export type { VaRMethod, InventoryVaROptions, VaRResult, AssetVaR, Holding as InventoryHolding, ExposureResult, InventoryLimits, LimitCheck, LimitReport, RebalanceOptions, RebalanceTrade, RebalanceResult } from "./inventory/risk";
export { simulateAvellanedaStoikov, avellanedaStoikovExperiment, avellanedaStoikovPathFills, inventorySpreadAverage, AS_2008_TABLES, AS_BLOCK_SIZE } from "./inventory/simulate";
export type { ASSimulationOptions, ASSimulationResult, ASSamplePaths, ASStats, ASProgress, ASExperimentOptions, ASExperimentRow, ASExperimentResult, ASFillRule, ASMidIncrement, ASDepthFrom, ASStrategy } from "./inventory/simulate";

// sentiment
export type { SentimentScore, ScoreRecord, Scorer, SentimentHorizon, ScoreBatchOptions, ScoreProvenance } from "./sentiment/types";
export { createLlmClient, llmScorer, LlmError, DEFAULT_PRICE_TABLE } from "./sentiment/llmClient";
export type { LlmClient, LlmClientOptions, LlmScorer, ModelPrice, UsageReport, ModelUsage, CallUsage, LlmFailureReason, FailureRecord as SentimentFailure } from "./sentiment/llmClient";
export { createResponseCache, defaultLlmCacheDir } from "./sentiment/responseCache";
export type { ResponseCache, CacheEntry, CacheStats } from "./sentiment/responseCache";
export { scoreHeadlines, headlineTexts } from "./sentiment/scoreHeadlines";
export type { ScoreColumns, ScoreSummary, ScoredHeadlines, ScoreHeadlinesOptions } from "./sentiment/scoreHeadlines";
export { DEFAULT_PROMPT_VERSION, PROMPTS, sentimentReplySchema } from "./sentiment/prompts";
export { lexiconScore, lexiconScorer, assetTags, LEXICON_NAME } from "./sentiment/lexicon";
export type { LexiconResult, LexiconHit, LexiconScorerOptions } from "./sentiment/lexicon";
export { signalStudy, alignSignals, sentimentVsAbsReturns, leadLag, aggregateToBars, barLogReturns, compareScorers } from "./sentiment/signalStudy";
export type { SignalInput, PriceBars, PriceInput, PricesInput, BootstrapOptions, SignalStudyOptions, AlignedSignals, HorizonStats, SignalStudyResult, AbsReturnStats, LeadLagResult, ScorerComparison } from "./sentiment/signalStudy";
export { eventStudy } from "./sentiment/eventStudy";
export type { EventStudyOptions, EventPaths, EventStudyResult } from "./sentiment/eventStudy";
export * as llm from "./sentiment/llmClient";
export * as rateLimit from "./sentiment/rateLimit";
export * as prompts from "./sentiment/prompts";
export * as lexicon from "./sentiment/lexicon";
export * as signals from "./sentiment/signalStudy";

// execution
export { almgrenChriss, scheduleCostVariance, efficientFrontier, liquidityVaR, minimizeLVaR, criticalLambda } from "./execution/almgrenChriss";
export type { AlmgrenChrissParams, AlmgrenChrissInput, AlmgrenChrissResult, ScheduleCost, EfficientFrontierColumns } from "./execution/almgrenChriss";
export { twapSchedule, vwapSchedule, weightedSchedule, povTargets, povSchedule, createPovTracker, allocateQuantity, equalSlices } from "./execution/schedules";
export type { ExecutionSchedule, TwapOptions, VwapOptions, WeightedOptions, PovOptions, PovTracker, PovStep, PovTargets } from "./execution/schedules";
export { intradayVolumeProfile, profileVolumeShare, profileCumulative, checkProfile } from "./execution/volumeProfile";
export type { IntradayVolumeProfile, VolumeProfileOptions, ProfileShares, VolumeCandles } from "./execution/volumeProfile";
export { tca, calibrateSqrtImpact, sqrtImpactBps, intervalVwap, timeWeightedAverage, realizedSigma, prevailingPrice, sliceBounds } from "./execution/tca";
export type { TcaFills, TcaMarket, TcaSlices, TcaOptions, TcaResult, ShortfallParts, SliceReportColumns, PreTradeInputs, PreTradeComparison, SqrtImpactFit } from "./execution/tca";
export { simulateExecution, walkBook, asChildSchedule } from "./execution/simulate";
export type { ChildSchedule, ScheduleInput, ChildOrderKind, ExecutionPolicies, SimulateExecutionOptions, ExecutionResult, ExecutionFillColumns, ExecutionEventColumns, BookWalk } from "./execution/simulate";
export { scheduleExecutor } from "./execution/executor";
export type { ScheduleExecutor, ScheduleExecutorOptions, ExecutorState } from "./execution/executor";

// backtest
export type { Side, OrderType, OrderStatus, OrderRequest, OrderView, BookView, TradeTape, MidTape, FillEvent, StrategyContext, StrategySchedule, Strategy, BacktestFillColumns, BacktestSampleColumns, OrderCounts, BacktestRaw } from "./backtest/types";
export { runBacktest } from "./backtest/runBacktest";
export type { RunBacktestOptions, BacktestResult, BacktestData, ExchangeModelConfig } from "./backtest/runBacktest";
export { prepareMarketData } from "./backtest/data";
export type { MarketStreams, MarketDataOptions } from "./backtest/data";
export { riskAverseQueue, powerProbQueue, logProbQueue, probQueue } from "./backtest/queue";
export type { QueueModel, QueueState } from "./backtest/queue";
export { constantLatency, logNormalLatency } from "./backtest/latency";
export type { LatencyModel, LogNormalLatencyOptions } from "./backtest/latency";
export { bpsFees, perFillFees, noFees } from "./backtest/fees";
export type { FeeModel } from "./backtest/fees";
export * from "./backtest/strategies/index";
export { withRiskGuards, placeQuotes, roundDownToTick, roundUpToTick, floorToLot } from "./backtest/guards";
export type { RiskGuardOptions, GuardStats, GuardedStrategy, PlaceQuoteOptions } from "./backtest/guards";
export { OnlineCalibrator, TrailingVolatility, TrailingIntensity } from "./backtest/online";
export type { TrailingVolatilityOptions, TrailingIntensityOptions, IntensityEstimate, OnlineCalibrationOptions, OnlineParams } from "./backtest/online";
export { computeBacktestMetrics, adverseSelectionAt, compareBacktests, maxDrawdown as backtestMaxDrawdown, DEFAULT_ADVERSE_HORIZONS_US } from "./backtest/metrics";
export type { BacktestMetrics, BacktestMetricsOptions, BacktestDecomposition, AdverseSelectionRow, InventoryStats, QuoteStats, OrderFlowStats, TradingStats, BacktestResultLike, BacktestComparisonColumns } from "./backtest/metrics";
export { equityFigure, positionFigure, quotesFigure, pnlDecompositionFigure, adverseSelectionFigure, inventoryHistogramFigure, backtestTearsheet } from "./backtest/tearsheet";
export type { TearsheetFigureOptions, QuotesFigureOptions, BacktestTearsheetOptions } from "./backtest/tearsheet";
