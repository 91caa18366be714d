import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { timeSeries } from "../../src/plot/figures/timeSeries";
import { type DisplayData, displayWriter, resetDisplayState, setDisplayOptions, show, showTable, shownFigures } from "../../src/plot/display";
import { chromiumPath, closeExporter } from "../../src/plot/export";
import { needTool } from "../helpers";

const T0 = 1723075200000000;
const fig = (title: string) => timeSeries({ title, yTitle: "price (USDT)", x: Float64Array.of(T0, T0 + 1e6), y: Float64Array.of(101.5, 102.25) });

/** Runs `fn` with console.log captured; returns the printed lines. */
async function captureLog(fn: () => unknown): Promise<string[]> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

type Jupyter = { lastWriteDisplayData: ((d: DisplayData, update: boolean) => void) | null };
let jupyter: Jupyter | null = null;
/** Loads tslab's jupyter module (as a kernel would) and installs a fake display writer. */
function fakeKernel(): DisplayData[] {
  jupyter = jupyter ?? (require("tslab/dist/jupyter") as Jupyter);
  const got: DisplayData[] = [];
  jupyter.lastWriteDisplayData = (d: DisplayData, update: boolean) => {
    assert.equal(update, false);
    got.push(d);
  };
  return got;
}

after(async () => {
  if (jupyter) jupyter.lastWriteDisplayData = null;
  await closeExporter();
});

test("show() outside a kernel prints a one-line summary and registers the figure", async () => {
  resetDisplayState();
  assert.equal(displayWriter(), null);
  const lines = await captureLog(() => show(fig("Mid outside")));
  assert.equal(lines.length, 1);
  assert.ok(lines[0].includes("Mid outside") && lines[0].includes("price (USDT)"));
  assert.equal(shownFigures().length, 1);
  const t = await captureLog(() => showTable(new Frame({ a: Float64Array.of(1, 2) })));
  assert.ok(t.join("\n").includes("[2 rows × 1 columns]"));
});

test("show() in a kernel sends one bundle per figure; plotly.js is inlined only in the first", async () => {
  resetDisplayState();
  setDisplayOptions({ png: false });
  const got = fakeKernel();
  await show(fig("First"));
  await show(fig("Second"));
  assert.equal(got.length, 2);
  const [b1, b2] = got.map((d) => d.data);
  for (const [b, title] of [[b1, "First"], [b2, "Second"]] as const) {
    const pj = b["application/vnd.plotly.v1+json"] as { data: Array<{ y: number[] }>; layout: { title: { text: string } } };
    assert.deepEqual(pj.data[0].y, [101.5, 102.25]);
    assert.equal(pj.layout.title.text, title);
    assert.ok(String(b["text/plain"]).includes(title));
    assert.ok(String(b["text/html"]).includes("Plotly.newPlot"));
    assert.equal(b["image/png"], undefined, "png turned off");
  }
  const h1 = String(b1["text/html"]);
  const h2 = String(b2["text/html"]);
  assert.ok(h1.includes("plotly.js v3") && h1.length > 1_000_000, "first bundle carries the library");
  assert.ok(h1.includes('if (typeof window.Plotly === "undefined")'), "guarded so a re-run cell still works");
  assert.ok(!h2.includes("plotly.js v3") && h2.length < 100_000, "later bundles reference window.Plotly");
  assert.deepEqual(shownFigures().map((f) => f.meta?.title), ["First", "Second"]);
  // a new notebook inlines again; inlinePlotly:false never inlines
  resetDisplayState();
  setDisplayOptions({ inlinePlotly: false });
  await show(fig("Third"));
  assert.ok(!String(got[2].data["text/html"]).includes("plotly.js v3"));
  setDisplayOptions({ inlinePlotly: true });
  await show(fig("Fourth"));
  assert.ok(String(got[3].data["text/html"]).includes("plotly.js v3"));

  showTable(new Frame({ price: Float64Array.of(1.5, 2) }));
  const tb = got[4].data;
  assert.ok(String(tb["text/html"]).includes("<table") && String(tb["text/plain"]).includes("price"));
});

test("show() attaches a PNG rendered by chromium", async (t) => {
  if (!needTool(t, chromiumPath() ?? "chromium")) return;
  resetDisplayState();
  setDisplayOptions({ png: true });
  const got = fakeKernel();
  await show(fig("With PNG"));
  const png = Buffer.from(String(got[0].data["image/png"]), "base64");
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(String(got[0].data["text/html"]).includes("<img src=\"data:image/png;base64,"), "static placeholder in the HTML");
});
