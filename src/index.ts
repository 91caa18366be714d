/**
 * makerlab's public face. Notebooks import from here: `import * as ml from "./src/index"`.
 */
export * from "./errors";
export * from "./frame/frame";
export * from "./data/schemas";
export * from "./data/loadReport";
