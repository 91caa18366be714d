/** The plot namespace (`ml.plot`): figure builders, display and export. */
export * from "./figure";
export * from "./figures/timeSeries";
export * from "./figures/scatter";
export * from "./figures/histogram";
export * from "./figures/heatmap";
export * from "./figures/subplots";
export * from "./display";
export * from "./export";
export * from "./figures/bar";
