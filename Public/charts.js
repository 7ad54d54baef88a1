// The dashboard's two charts: the price (closes of the exchange's candles, or of our own fills
// when the bot keeps no candles) with our fills marked, and the cumulative net PnL by day.
//
// Chart.js is Debian's libjs-chart.js, served by the web at /vendor/chart.js/ (never copied
// into the repo). It is loaded after the first paint, so the numbers show without waiting for
// it; without it the cards say so. Values become floats only here, to be drawn: every figure
// shown as text stays a decimal string.

import * as api from './api.js';
import { formatDateTime, formatTime } from './format.js';

const CHART_JS = '/vendor/chart.js/chart.min.js';
const CANDLES = 200;
const INTERVAL = '1m';
const REDRAW_MIN_GAP_MS = 2000;

const $ = (id) => document.getElementById(id);

let loading = null;
let price = null;
let equity = null;
let lastDraw = 0;
let redrawTimer = null;
let stopped = true;
/** Counts the stops: a redraw asked before one (another account's, or the last user's) draws nothing after it. */
let generation = 0;

/** Chart.js, loaded once by a script element (the CSP allows our own origin only). */
function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = CHART_JS;
      script.async = true;
      script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js did not load'))));
      script.addEventListener('error', () => reject(new Error('Chart.js is not installed (Debian package libjs-chart.js)')));
      document.head.append(script);
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function colours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { line: read('--accent', '#1d4ed8'), buy: read('--pos', '#15803d'), sell: read('--neg', '#b91c1c'),
    grid: read('--border', '#d1d5db'), text: read('--muted', '#4b5563') };
}

function note(text) {
  $('charts-note').textContent = text;
}

/** Starts the charts for `symbol` (after the dashboard's first paint). */
export async function startCharts(symbol) {
  stopped = false;
  const mine = generation;
  let Chart;
  try {
    Chart = await loadChartJs();
  } catch (error) {
    note(`Charts unavailable: ${error.message}`);
    return;
  }
  if (stopped || mine !== generation) return;
  if (!price) createCharts(Chart);
  await redraw(symbol);
}

export function stopCharts() {
  stopped = true;
  generation += 1;
  clearTimeout(redrawTimer);
  redrawTimer = null;
  for (const chart of [price, equity]) if (chart) chart.destroy();
  price = null;
  equity = null;
  note('');
}

/** A fill or a new candle arrived: redraw, at most once per REDRAW_MIN_GAP_MS. */
export function chartsChanged(symbol) {
  if (stopped || !price || redrawTimer) return;
  redrawTimer = setTimeout(() => {
    redrawTimer = null;
    redraw(symbol);
  }, Math.max(0, lastDraw + REDRAW_MIN_GAP_MS - Date.now()));
}

/** Charts drawn while hidden measure again when shown. */
export function resizeCharts() {
  for (const chart of [price, equity]) if (chart) chart.resize();
}

function createCharts(Chart) {
  const c = colours();
  const timeAxis = (formatter) => ({
    type: 'linear',
    ticks: { color: c.text, maxTicksLimit: 6, callback: (value) => formatter(Number(value)) },
    grid: { color: c.grid },
  });
  const valueAxis = { ticks: { color: c.text }, grid: { color: c.grid } };
  const base = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    plugins: { legend: { labels: { color: c.text } } },
  };
  price = new Chart($('price-chart'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'Close', data: [], borderColor: c.line, borderWidth: 1.5, pointRadius: 0, order: 2 },
        { type: 'scatter', label: 'Our buys', data: [], backgroundColor: c.buy, pointStyle: 'triangle', pointRadius: 6, order: 1 },
        { type: 'scatter', label: 'Our sells', data: [], backgroundColor: c.sell, pointStyle: 'triangle', rotation: 180, pointRadius: 6, order: 1 },
      ],
    },
    options: {
      ...base,
      scales: { x: timeAxis((ms) => formatTime(ms)), y: valueAxis },
      plugins: { ...base.plugins, tooltip: { callbacks: { title: (items) => formatDateTime(items[0].parsed.x) } } },
    },
  });
  equity = new Chart($('equity-chart'), {
    type: 'line',
    data: { datasets: [{ label: 'Cumulative net', data: [], borderColor: c.line, borderWidth: 1.5, pointRadius: 2, stepped: true }] },
    options: {
      ...base,
      // PnL days are UTC days, named as the API names them.
      scales: { x: timeAxis(utcDay), y: valueAxis },
      plugins: { ...base.plugins, tooltip: { callbacks: { title: (items) => `${utcDay(items[0].parsed.x)} UTC` } } },
    },
  });
}

const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);

async function redraw(symbol) {
  lastDraw = Date.now();
  const mine = generation;
  const gone = () => stopped || mine !== generation;
  try {
    const [exchange, days] = await Promise.all([
      api.candles({ symbol, interval: INTERVAL, limit: CANDLES }),
      api.pnl({}),
    ]);
    let market = exchange;
    // The bot keeps the candles its strategy follows; without a strategy, our fills draw the line.
    if (gone()) return;
    if (!market.candles || market.candles.length === 0) market = await api.candles({ symbol, interval: INTERVAL, limit: CANDLES, source: 'fills' });
    if (gone() || !price) return;
    const candles = market.candles || [];
    price.data.datasets[0].data = candles.map((k) => ({ x: k.openTime + 60000, y: Number(k.close) }));
    const fills = exchange.fills || [];
    price.data.datasets[1].data = fills.filter((f) => f.side === 'BUY').map((f) => ({ x: f.time, y: Number(f.price) }));
    price.data.datasets[2].data = fills.filter((f) => f.side === 'SELL').map((f) => ({ x: f.time, y: Number(f.price) }));
    price.data.datasets[0].label = market.source === 'fills' ? 'Our fills (close per minute)' : `Close (${INTERVAL})`;
    price.update();
    // One asset's curve (the margin asset: the first the account has PnL in).
    const list = days.days || [];
    const asset = list.length ? list[0].asset : '';
    const series = list.filter((d) => d.asset === asset).map((d) => ({ x: Date.parse(`${d.day}T00:00:00Z`), y: Number(d.cumulativeNet) }));
    equity.data.datasets[0].label = `Cumulative net ${asset}`;
    equity.data.datasets[0].data = series;
    equity.update();
    const notes = [];
    if (candles.length === 0) notes.push('no candles or fills yet for the price chart');
    if (series.length === 0) notes.push('no PnL yet');
    note(notes.length ? `Nothing to draw: ${notes.join('; ')}.` : '');
  } catch (error) {
    if (!error.sessionExpired && !gone()) note(`Could not load the charts: ${error.message}`);
  }
}
