/**
 * The `makerlab` command (bin/makerlab.js runs this file through tsx):
 *   makerlab report                  run every notebook headless and write reports/ (= npm start)
 *   makerlab notebooks run [files…]  run notebooks headless; non-zero exit on the first failing cell
 *   makerlab kernel install          install the Jupyter kernelspec (tslab started at the project root)
 *   makerlab data info               show the data root (and why) and the data catalog
 *   makerlab sentiment score         score headlines with an OpenAI-compatible LLM into the response cache
 * MakerlabError messages are printed without a stack trace (add --debug for it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ArgumentError, FileNotFoundError, MakerlabError } from "./errors";
import { projectRoot } from "./data/dataRoot";

function positiveSeconds(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number of seconds > 0, got "${v}"`);
  return n;
}

/** Every file exists, else FileNotFoundError for the first missing one (with the cwd and a hint). */
function checkFiles(files: string[]): string[] {
  const abs = files.map((f) => path.resolve(f));
  abs.forEach((f, i) => {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) {
      throw new FileNotFoundError(
        `notebook "${files[i]}" not found`,
        { file: f },
        `paths are relative to the current directory ${process.cwd()}; run \`makerlab notebooks list\` to see the project's notebooks`,
      );
    }
  });
  return abs;
}

function isMakerlabError(e: unknown): e is MakerlabError {
  return e instanceof MakerlabError || (!!e && typeof e === "object" && "location" in e && e instanceof Error);
}

/** Prints an error the way the CLI does: MakerlabError → its message only (stack with --debug); others → stack. */
export function printError(e: unknown, debug: boolean, write: (s: string) => void = (s) => process.stderr.write(s)): void {
  if (isMakerlabError(e)) {
    write(`makerlab: ${e.message}\n`);
    if (debug && e.stack) write(`${e.stack}\n`);
    return;
  }
  const err = e as Error;
  write(`makerlab: unexpected error: ${err && err.message ? err.message : String(e)}\n`);
  if (err && err.stack) write(`${err.stack}\n`);
}

/** Builds the commander program. `setCode` receives each command's exit status. */
export function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command();
  const version = readVersion();
  program
    .name("makerlab")
    .description("makerlab: a TypeScript research lab for crypto market making (tslab notebooks + a tested toolkit)")
    .version(version, "-V, --version", "print the makerlab version")
    .option("--debug", "print stack traces of makerlab errors")
    .showHelpAfterError("(run makerlab --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  $ makerlab report                         run notebooks/*.ipynb, write reports/index.html (same as npm start)
  $ makerlab notebooks run                  run every notebook headless, stop a notebook at its first failing cell
  $ makerlab notebooks run notebooks/01-market-data.ipynb --out /tmp/runs
  $ makerlab kernel install --prefix /tmp/jk && JUPYTER_PATH=/tmp/jk/share/jupyter jupyter lab
  $ makerlab data info                      which data root is used, and what data it holds`,
    );

  program
    .command("report")
    .description("run every notebook headless and write the report: executed notebooks, HTML pages, chart PNGs, index.html")
    .argument("[files...]", "notebooks to include (default: every notebooks/*.ipynb, in name order)")
    .option("-o, --out <dir>", "report folder", path.join(projectRoot(), "reports"))
    .option("--notebooks <dir>", "folder of notebooks", path.join(projectRoot(), "notebooks"))
    .option("--no-png", "skip chart PNG export (HTML only)")
    .option("--timeout <seconds>", "fail a cell that runs longer than this", positiveSeconds, 600)
    .addHelpText(
      "after",
      `
Writes <out>/index.html, <out>/<name>.html, <out>/notebooks/<name>.ipynb and <out>/charts/<name>/NN-<slug>.png.
Exits with status 1 when a notebook fails (the index still shows which cell and why).

Examples:
  $ makerlab report
  $ makerlab report --no-png --out /tmp/report
  $ MAKERLAB_DATA=/path/to/data makerlab report`,
    )
    .action(async (files: string[], opts: { out: string; notebooks: string; png: boolean; timeout: number }) => {
      const { buildReport } = (require("./notebook/report") as typeof import("./notebook/report"));
      const { createProgress } = (require("./notebook/progress") as typeof import("./notebook/progress"));
      const list = files.length ? checkFiles(files) : undefined;
      const progress = createProgress();
      let r;
      try {
        r = await buildReport({
          files: list,
          notebooksDir: opts.notebooks,
          outDir: opts.out,
          png: opts.png,
          timeoutPerCellMs: opts.timeout * 1000,
          onProgress: (e) => progress.onProgress(e),
          log: (line) => process.stderr.write(line + "\n"),
        });
      } finally {
        progress.close();
      }
      const failed = r.entries.filter((e) => !e.ok);
      process.stdout.write(
        [
          "",
          `${r.entries.length} notebook${r.entries.length === 1 ? "" : "s"}: ${r.entries.length - failed.length} ok` +
            (failed.length ? `, ${failed.length} failed (${failed.map((e) => `${e.name} at code cell ${e.failedCell ? e.failedCell.number : "?"}`).join(", ")})` : "") +
            `, ${r.pngCount} chart PNG${r.pngCount === 1 ? "" : "s"}, ${(r.ms / 1000).toFixed(1)} s`,
          ...(r.pngNote ? [r.pngNote] : []),
          `Report:    ${r.indexPath}`,
          `Data root: ${r.dataRoot.path} (${r.dataRoot.real ? "real public data" : "synthetic market"}; ${r.dataRoot.why})`,
          "",
        ].join("\n"),
      );
      setCode(r.ok ? 0 : 1);
    });

  const notebooks = program.command("notebooks").description("run or list the notebooks headless (no Jupyter needed)");
  notebooks
    .command("run")
    .description("run notebooks in fresh tslab processes; stop each at its first failing cell and print that cell and its error")
    .argument("[files...]", "notebook files (default: every notebooks/*.ipynb, in name order)")
    .option("-o, --out <dir>", "folder for executed copies (<out>/notebooks/<name>.ipynb)", path.join(projectRoot(), "reports"))
    .option("--html", "also write <out>/<name>.html for each notebook")
    .option("--no-png", "figures shown in the notebooks get no PNG rendering (faster; no browser started)")
    .option("--timeout <seconds>", "fail a cell that runs longer than this", positiveSeconds, 600)
    .addHelpText(
      "after",
      `
Exits with status 1 when any notebook fails.

Examples:
  $ makerlab notebooks run
  $ makerlab notebooks run notebooks/02-liquidity.ipynb --html --out /tmp/out`,
    )
    .action(async (files: string[], opts: { out: string; html?: boolean; png: boolean; timeout: number }) => {
      const run = (require("./notebook/run") as typeof import("./notebook/run"));
      const { createProgress } = (require("./notebook/progress") as typeof import("./notebook/progress"));
      const list = files.length ? checkFiles(files) : run.listNotebooks();
      if (list.length === 0) throw new MakerlabError("no notebooks to run", { file: path.join(projectRoot(), "notebooks") }, "add notebooks/*.ipynb or pass files");
      const progress = createProgress();
      const results = [];
      try {
        for (const f of list) {
          const r = await run.runNotebook(f, {
            outDir: opts.out,
            timeoutPerCellMs: opts.timeout * 1000,
            onProgress: (e) => progress.onProgress(e),
            display: opts.png ? undefined : { png: false },
          });
          results.push(r);
          if (!r.ok) process.stderr.write("\n" + run.formatFailure(r) + "\n\n");
          if (opts.html) {
            const { renderNotebookHTML } = (require("./notebook/render") as typeof import("./notebook/render"));
            fs.writeFileSync(path.join(path.resolve(opts.out), `${r.name}.html`), renderNotebookHTML(r.executed));
          }
        }
      } finally {
        progress.close();
      }
      const failed = results.filter((r) => !r.ok);
      for (const r of results) {
        process.stdout.write(`${r.ok ? "ok    " : "FAILED"} ${r.name}  ${r.cells.length}/${r.codeCells} cells  ${(r.ms / 1000).toFixed(1)} s  → ${r.outputPath}\n`);
      }
      if (failed.length) {
        process.stdout.write(`${failed.length} of ${results.length} notebooks failed: ${failed.map((r) => `${r.name} (code cell ${r.failedCell ? r.failedCell.number : "?"}: ${r.failedCell ? r.failedCell.error.split("\n")[0] : ""})`).join("; ")}\n`);
      }
      setCode(failed.length ? 1 : 0);
    });
  notebooks
    .command("list")
    .description("list the project's notebooks in run order")
    .action(async () => {
      const { listNotebooks } = (require("./notebook/run") as typeof import("./notebook/run"));
      const list = listNotebooks();
      process.stdout.write(list.length ? list.map((f) => path.relative(process.cwd(), f) || f).join("\n") + "\n" : "no notebooks in notebooks/\n");
      setCode(0);
    });

  program
    .command("kernel")
    .description("Jupyter kernel management")
    .command("install")
    .description("install a Jupyter kernelspec that starts tslab at the project root (cells import ./src/...)")
    .option("--user", "install for the current user (default)")
    .option("--prefix <dir>", "install into <dir>/share/jupyter/kernels/<name> (use with JUPYTER_PATH=<dir>/share/jupyter)")
    .option("--name <name>", "kernel name", "makerlab")
    .option("--display-name <text>", "name shown in Jupyter", "makerlab (TypeScript)")
    .addHelpText(
      "after",
      `
Examples:
  $ makerlab kernel install                       # ~/.local/share/jupyter/kernels/makerlab (or $JUPYTER_DATA_DIR)
  $ makerlab kernel install --prefix /tmp/jk      # then: JUPYTER_PATH=/tmp/jk/share/jupyter jupyter lab`,
    )
    .action(async (opts: { user?: boolean; prefix?: string; name: string; displayName: string }) => {
      const { installKernel } = (require("./notebook/kernelspec") as typeof import("./notebook/kernelspec"));
      if (opts.user && opts.prefix) throw new ArgumentError("give either --user or --prefix, not both", { field: "--prefix" });
      const r = installKernel({ user: !opts.prefix, prefix: opts.prefix, name: opts.name, displayName: opts.displayName });
      process.stdout.write(r.instructions + "\n");
      setCode(0);
    });

  program
    .command("data")
    .description("data sets")
    .command("info")
    .description("print the data root (and why it was chosen) and the catalog of data sets found there")
    .action(async () => {
      const { describeDataRoot } = (require("./notebook/report") as typeof import("./notebook/report"));
      const d = describeDataRoot();
      process.stdout.write(`Data root: ${d.path}\n  ${d.real ? "real public data" : "synthetic market"} — ${d.why}\n  (set MAKERLAB_DATA to use another folder)\n\n`);
      const cat = require("./data/catalog") as typeof import("./data/catalog");
      const entries = fs.existsSync(d.path) ? cat.catalog(d.path) : [];
      process.stdout.write(entries.length ? cat.formatCatalog(entries) + "\n" : `no data sets in ${d.path} yet\n`);
      if (d.real) {
        // defaultMarket only reads here; on the synthetic root it would first generate the data set.
        const m = cat.defaultMarket(d.path);
        process.stdout.write(`\nNotebooks use by default: ${m.label}\n  trades  ${m.trades}\n  quotes  ${m.quotes}\n  L2      ${m.depthL2}\n`);
      } else {
        process.stdout.write("\nNotebooks use the seeded synthetic market (generated under the data root on first use).\n");
      }
      setCode(0);
    });

  program
    .command("sentiment")
    .description("news sentiment")
    .command("score")
    .description(
      "score headlines with an OpenAI-compatible chat-completions endpoint into the on-disk response cache that " +
        "notebooks/05 reads. Endpoint, model and key come from the environment: MAKERLAB_LLM_BASE_URL (or " +
        "OPENAI_BASE_URL), MAKERLAB_LLM_MODEL, and the key in OPENAI_API_KEY (or the variable named by --api-key-env). " +
        "Cached headlines are never paid for twice; an interrupted run resumes.",
    )
    .option("--news <file>", "headlines file (cryptonews CSV layout); default: the data root's news set")
    .option("--limit <n>", "score only the first n headlines", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer >= 1, got "${v}"`);
      return n;
    })
    .option("--concurrency <n>", "requests in flight at once", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer >= 1, got "${v}"`);
      return n;
    }, 4)
    .option("--cache <dir>", "response cache folder (default MAKERLAB_LLM_CACHE, else <data root>/llm-sentiment-cache)")
    .option("--api-key-env <name>", "name of the environment variable holding the API key", "OPENAI_API_KEY")
    .option("--text <which>", 'what is scored: "title", "text" or "title+text"', "title+text")
    .action(async (opts: { news?: string; limit?: number; concurrency: number; cache?: string; apiKeyEnv: string; text: string }) => {
      if (opts.text !== "title" && opts.text !== "text" && opts.text !== "title+text") {
        throw new ArgumentError(`--text must be "title", "text" or "title+text", got "${opts.text}"`, { field: "text" });
      }
      const { loadNews } = require("./data/news") as typeof import("./data/news");
      const { defaultMarket } = require("./data/catalog") as typeof import("./data/catalog");
      const { createLlmClient, llmScorer } = require("./sentiment/llmClient") as typeof import("./sentiment/llmClient");
      const { scoreHeadlines } = require("./sentiment/scoreHeadlines") as typeof import("./sentiment/scoreHeadlines");
      const { defaultLlmCacheDir } = require("./sentiment/responseCache") as typeof import("./sentiment/responseCache");
      const file = opts.news ?? defaultMarket().news;
      if (!file) throw new FileNotFoundError("no headlines file: pass --news <file>", { file: "(none)" });
      let news = await loadNews(path.resolve(file));
      if (opts.limit !== undefined && opts.limit < news.length) news = news.slice(0, opts.limit) as typeof news;
      const client = createLlmClient({ apiKeyEnv: opts.apiKeyEnv, concurrency: opts.concurrency });
      const cacheDir = opts.cache ?? defaultLlmCacheDir();
      const r = await scoreHeadlines(news, { scorer: llmScorer(client), cacheDir, concurrency: opts.concurrency, text: opts.text, progress: true });
      const s = r.summary;
      process.stdout.write(
        `${s.scorer}: ${s.n} headlines, ${s.cached} from the cache, ${s.scored} newly scored, ${s.failed} failed; ` +
          `${s.requests} requests, ${s.promptTokens} prompt + ${s.completionTokens} completion tokens, ` +
          `cost ${Number.isFinite(s.costUsd) ? "$" + s.costUsd.toFixed(4) : "unknown (model not in the price table)"}${s.usageEstimated ? " (estimated)" : ""}\n` +
          `cache: ${cacheDir}\n`,
      );
      setCode(s.failed > 0 ? 2 : 0);
    });

  return program;
}

function readVersion(): string {
  try {
    return String((JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}

/** Runs the CLI on `argv` (process.argv form: node, script, args…) and resolves to the exit status. */
export async function main(argv: string[] = process.argv): Promise<number> {
  const debug = argv.includes("--debug");
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  program.exitOverride();
  program.commands.forEach(function override(c: Command): void {
    c.exitOverride();
    c.commands.forEach(override);
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return e.exitCode;
    }
    printError(e, debug);
    return 1;
  }
}
