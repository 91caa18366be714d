/** The seed and model market-making strategies of the backtester, each a constructor returning a `Strategy`. */
export { fixedSpreadStrategy, type FixedSpreadOptions } from "./fixedSpread";
export { volAdaptiveStrategy, type VolAdaptiveOptions, type VolAdaptiveStrategy } from "./volAdaptive";
export { regimeStrategy, type RegimeOptions, type RegimeState, type RegimeStrategy, type VolRegime } from "./regime";
export { avellanedaStoikovStrategy, type AvellanedaStoikovStrategyOptions, type ModelStrategy } from "./avellanedaStoikov";
export { glftStrategy, type GlftStrategyOptions, type GlftStrategy } from "./glft";
