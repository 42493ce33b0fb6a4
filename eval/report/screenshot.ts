/**
 * `tsx eval/report/screenshot.ts <report.html> <out.png>` (`npm run eval:report-check`):
 * opens the HTML report in headless Chromium with the network cut off, saves a full-page
 * PNG, and checks that the charts were drawn: every chart canvas exists (as many as the
 * report's `normkit:charts` meta says), each has a meaningful number of coloured (data)
 * pixels, and the PNG is not a blank page.
 *
 * Prints one JSON line { charts, nonBlankCharts, png, width, height, nonWhitePixelFraction, … }.
 * Exit codes: 0 all checks pass, 1 a check failed, 2 usage error or Chromium missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A canvas needs at least this many coloured pixels (and this share of its area) to count as drawn. */
const MIN_COLORED_PIXELS = 50;
const MIN_COLORED_FRACTION = 0.0005;
/** The screenshot must have at least this share of non-white pixels. */
const MIN_NON_WHITE_FRACTION = 0.01;
const READY_TIMEOUT_MS = 20_000;

interface CanvasStat {
  id: string;
  kind: string;
  width: number;
  height: number;
  painted: number;
  colored: number;
}

interface Summary {
  charts: number;
  nonBlankCharts: number;
  png: string;
  width: number;
  height: number;
  nonWhitePixelFraction: number;
  expectedCharts: number | null;
  externalRequests: string[];
  problems: string[];
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/**
 * Runs in the page: per chart canvas, the pixels painted at all and the "coloured" ones
 * (saturated, so axis text and grid lines, which are grey, do not count: only data does).
 */
const CANVAS_STATS_SCRIPT = `(() => Array.from(document.querySelectorAll('canvas[data-chart]')).map((canvas) => {
  const { width, height } = canvas;
  const pixels = width && height ? canvas.getContext('2d').getImageData(0, 0, width, height).data : [];
  let painted = 0, colored = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (a === 0) continue;
    painted++;
    if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 50) colored++;
  }
  return { id: canvas.id, kind: canvas.dataset.chart || '', width, height, painted, colored };
}))()`;

function isDrawn(stat: CanvasStat): boolean {
  return stat.colored >= Math.max(MIN_COLORED_PIXELS, MIN_COLORED_FRACTION * stat.width * stat.height);
}

async function expectedChartCount(page: Page): Promise<number | null> {
  const content = await page.locator('meta[name="normkit:charts"]').getAttribute('content').catch(() => null);
  const n = content === null ? NaN : Number(content);
  return Number.isInteger(n) ? n : null;
}

/** Share of pixels of the PNG that are not (near) white. */
async function nonWhiteFraction(png: string): Promise<{ width: number; height: number; fraction: number }> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let nonWhite = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.min(data[i]!, data[i + 1]!, data[i + 2]!) < 250) nonWhite++;
  }
  const pixels = info.width * info.height;
  return { width: info.width, height: info.height, fraction: pixels ? nonWhite / pixels : 0 };
}

async function main(): Promise<void> {
  const [htmlArg, pngArg] = process.argv.slice(2);
  if (!htmlArg || !pngArg) fail('usage: tsx eval/report/screenshot.ts <report.html> <out.png>', 2);
  const html = resolve(htmlArg);
  const png = resolve(pngArg);
  if (!existsSync(html)) fail(`report not found: ${html}`, 2);
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    fail(
      `Chromium not found at ${executablePath}.\n` +
        'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or point $CHROMIUM_PATH at a Chromium/Chrome binary.\n' +
        '(`npx playwright install` is not needed: playwright-core drives the system Chromium.)',
      2,
    );
  }

  const problems: string[] = [];
  const externalRequests: string[] = [];
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  let stats: CanvasStat[] = [];
  let expectedCharts: number | null = null;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // The report must be self-contained: anything but the file itself is refused and reported.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      externalRequests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const ready = await page
      .waitForFunction('window.__normkitChartsReady === true', undefined, { timeout: READY_TIMEOUT_MS })
      .then(() => true, () => false);
    if (!ready) problems.push(`window.__normkitChartsReady not set within ${READY_TIMEOUT_MS / 1000}s`);
    expectedCharts = await expectedChartCount(page);
    stats = await page.evaluate<CanvasStat[]>(CANVAS_STATS_SCRIPT);
    await page.screenshot({ path: png, fullPage: true });
  } finally {
    await browser.close();
  }

  const image = await nonWhiteFraction(png);
  const blank = stats.filter((s) => !isDrawn(s));
  if (expectedCharts === null && stats.length === 0) problems.push('no chart canvas in the page');
  if (expectedCharts !== null && stats.length !== expectedCharts) problems.push(`${stats.length} chart canvases, the report declares ${expectedCharts}`);
  for (const s of blank) problems.push(`chart ${s.id} (${s.kind}) looks blank: ${s.colored} coloured pixels of ${s.width}×${s.height}`);
  if (image.fraction < MIN_NON_WHITE_FRACTION) problems.push(`screenshot looks blank: ${(image.fraction * 100).toFixed(2)}% non-white pixels`);
  if (externalRequests.length > 0) problems.push(`${externalRequests.length} network request(s) refused: the report is not self-contained`);

  const summary: Summary = {
    charts: stats.length,
    nonBlankCharts: stats.length - blank.length,
    png,
    width: image.width,
    height: image.height,
    nonWhitePixelFraction: Number(image.fraction.toFixed(4)),
    expectedCharts,
    externalRequests,
    problems,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((e: unknown) => fail(`screenshot check failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, 1));
