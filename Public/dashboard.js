// Rendering: writes data into the page skeleton in index.html. Only DOM work lives here (no
// fetching); every value goes in through textContent or setAttribute, never as HTML, and looks
// are chosen by classes and data-* attributes that style.css styles.

import {
  trimDecimal, isZero, isNegative, absDecimal, signClass, fractionToPercent,
  formatDateTime, formatTime, isoString, formatAge, currentZone,
} from './format.js';

const FEED_SIZE = 50;
const LIVE_AGAIN_MS = 3000;

const $ = (id) => document.getElementById(id);

/** createElement with a class, text and attributes. */
function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

function setText(id, text) {
  const node = $(id);
  if (node) node.textContent = text === null || text === undefined || text === '' ? '—' : String(text);
}

/** A table cell; `field` names it for tests (td[data-field="side"]). */
function cell(text, { field, className } = {}) {
  const attrs = field ? { 'data-field': field } : undefined;
  return el('td', { className, text: text === null || text === undefined ? '—' : text, attrs });
}

/** A signed amount, coloured by its sign. */
function amountCell(value, field) {
  return cell(trimDecimal(value), { field, className: ['num', signClass(value)].filter(Boolean).join(' ') });
}

/** A time cell; `short` shows the time of day only, with the full date as a tooltip. */
function timeCell(value, field, { short = false } = {}) {
  const td = el('td', { attrs: field ? { 'data-field': field } : undefined });
  const iso = isoString(value);
  if (!iso) {
    td.textContent = '—';
  } else if (short) {
    td.append(el('time', { text: formatTime(value), attrs: { datetime: iso, title: formatDateTime(value) } }));
  } else {
    td.append(el('time', { text: formatDateTime(value), attrs: { datetime: iso } }));
  }
  return td;
}

/** Replaces a table's rows, or shows one row saying it is empty. */
function fillTable(id, rows, emptyText) {
  const table = $(id);
  if (!table) return;
  const body = table.tBodies[0];
  if (rows.length > 0) {
    body.replaceChildren(...rows);
  } else {
    const columns = table.tHead ? table.tHead.rows[0].cells.length : 1;
    body.replaceChildren(el('tr', { className: 'empty' }, [el('td', { text: emptyText, attrs: { colspan: columns } })]));
  }
}

// ---- views -------------------------------------------------------------------------------------

/** Shows one view; the header's tools belong to the dashboard only. */
export function showView(name) {
  $('login-view').hidden = name !== 'login';
  $('dashboard-view').hidden = name !== 'dashboard';
  $('header-tools').hidden = name !== 'dashboard';
}

/** The dashboard's status line (loading, errors); kind "error" styles it as one. */
export function showStatus(message, kind = 'info') {
  const node = $('app-status');
  node.textContent = message || '';
  node.dataset.kind = message ? kind : '';
}

export function statusKind() {
  return $('app-status').dataset.kind || '';
}

export function showLoginMessage(message, kind = 'error') {
  const node = $('login-message');
  node.textContent = message || '';
  node.dataset.kind = message ? kind : '';
}

// ---- header ------------------------------------------------------------------------------------

const MODE_LABELS = { production: 'PRODUCTION', testnet: 'TESTNET', sim: 'SIM' };

function renderMode(mode, symbol) {
  const header = $('app-header');
  for (const known of Object.keys(MODE_LABELS)) header.classList.toggle(`mode-${known}`, known === mode);
  const badge = $('mode-badge');
  const label = MODE_LABELS[mode] || (mode ? String(mode).toUpperCase() : '');
  badge.textContent = label;
  badge.dataset.mode = mode || '';
  badge.hidden = !label;
  $('symbol').textContent = symbol || '';
  // The tab's title says it too, for someone with several tabs open.
  document.title = label ? `AlphaEngine · ${label}${symbol ? ` · ${symbol}` : ''}` : 'AlphaEngine';
}

export function renderUser(user) {
  $('user-name').textContent = user && user.name ? user.name : '';
  $('user-role').textContent = user && user.role ? user.role : '';
}

/** Pause/Resume work for admins; viewers see them disabled with the reason. */
export function renderControls(canAct, busy = false) {
  for (const id of ['pause', 'resume']) $(id).disabled = !canAct || busy;
  $('command-reason').disabled = !canAct;
  $('controls-note').hidden = canAct;
}

let liveTimer = null;

/** The stream indicator: data-state is "connecting", "open" or "reconnecting". */
export function renderLive(state, reopened = false) {
  const node = $('live-indicator');
  clearTimeout(liveTimer);
  if (state === 'open') {
    node.dataset.state = 'open';
    node.textContent = reopened ? 'Live again' : 'Live';
    if (reopened) liveTimer = setTimeout(() => { node.textContent = 'Live'; }, LIVE_AGAIN_MS);
  } else if (state === 'reconnecting') {
    node.dataset.state = 'reconnecting';
    node.textContent = 'Reconnecting…';
  } else {
    node.dataset.state = 'connecting';
    node.textContent = 'Connecting…';
  }
}

export function renderZone() {
  const zone = currentZone();
  const button = $('tz-toggle');
  button.textContent = zone.label;
  button.dataset.zone = zone.key;
  button.setAttribute('aria-label', `Time zone: ${zone.label} (change)`);
}

/** `text` in #command-status; data-state is "pending", "ack" or "failed". */
export function renderCommandStatus(text, state) {
  const node = $('command-status');
  node.textContent = text;
  node.dataset.state = state || '';
}

// ---- the dashboard's cards ---------------------------------------------------------------------

let lastDashboard = null;

export function renderDashboard(d) {
  if (!d || typeof d !== 'object') return;
  // An answer older than what is shown (a refresh that crossed a live event) is skipped; the
  // refresh that event asked for follows.
  if (lastDashboard && Number(d.seq) < Number(lastDashboard.seq)) return;
  lastDashboard = d;
  renderMode(d.tradingMode, d.symbol);
  renderEngine(d.engine || {}, d.bot || {});
  renderStream(d.stream || {}, d.reconcile || {}, d.rateLimit || {});
  renderPositions(Array.isArray(d.positions) ? d.positions : [], d.symbol);
  renderBalances(Array.isArray(d.balances) ? d.balances : []);
  renderPnL(d.pnl || {});
  renderRisk(d.risk || {});
  renderOrders(Array.isArray(d.openOrders) ? d.openOrders : []);
  renderCommandCounts(d.commands || {});
}

/**
 * Applies a position or balance event newer than the dashboard shown, so a fill is on screen
 * without waiting for the refresh; the refresh that follows replaces it with the server's view.
 */
export function applyEvent(event) {
  const d = lastDashboard;
  const p = event && event.payload;
  if (!d || !p || !(Number(event.seq) > Number(d.seq))) return;
  if (event.type === 'PositionChanged' && p.symbol) {
    const others = (d.positions || []).filter((x) => x.symbol !== p.symbol);
    const previous = (d.positions || []).find((x) => x.symbol === p.symbol);
    // The mark price stays; the server recomputes the PnL at it on the next refresh.
    const position = { ...p, markPrice: previous ? previous.markPrice : undefined };
    renderDashboard({ ...d, seq: event.seq, positions: [...others, position].sort((a, b) => (a.symbol < b.symbol ? -1 : 1)) });
  } else if (event.type === 'BalanceChanged' && p.asset) {
    const others = (d.balances || []).filter((x) => x.asset !== p.asset);
    renderDashboard({ ...d, seq: event.seq, balances: [...others, p].sort((a, b) => (a.asset < b.asset ? -1 : 1)) });
  }
}

function renderEngine(engine, bot) {
  const state = $('engine-state');
  state.textContent = engine.state || '—';
  state.dataset.state = (engine.state || '').toLowerCase();
  setText('engine-mode', engine.mode);
  setText('engine-since', formatDateTime(engine.since));
  setText('engine-reason', engine.reason);
  const beat = $('bot-heartbeat');
  if (bot.heartbeatAt) {
    beat.textContent = `${bot.alive ? 'alive' : 'no recent heartbeat'} (${formatAge(bot.heartbeatAgeMs)} ago)`;
  } else {
    beat.textContent = 'no heartbeat yet';
  }
  beat.dataset.alive = bot.alive ? 'true' : 'false';
}

function renderStream(stream, reconcile, rateLimit) {
  setText('stream-state', stream.state);
  $('stream-state').dataset.state = (stream.state || '').toLowerCase();
  setText('stream-since', formatDateTime(stream.since));
  setText('stream-reconnects', stream.reconnects);
  setText('reconcile-last', formatDateTime(reconcile.lastAt));
  setText('reconcile-drifts', `${reconcile.lastDrifts ?? '—'} / ${reconcile.driftTotal ?? '—'}`);
  let rate = rateLimit.usedWeight1m === null || rateLimit.usedWeight1m === undefined ? '—' : `${rateLimit.usedWeight1m} weight/min`;
  if (rateLimit.level) rate += `, ${rateLimit.level}`;
  if (rateLimit.closedUntil) rate += `, closed until ${formatDateTime(rateLimit.closedUntil)}`;
  setText('rate-limit', rate);
}

/** LONG, SHORT or FLAT from a signed decimal string. */
function sideOf(amount) {
  if (typeof amount !== 'string' || isZero(amount)) return 'FLAT';
  return isNegative(amount) ? 'SHORT' : 'LONG';
}

function renderPositions(positions, symbol) {
  const rows = positions.map((p) => positionRow(p));
  // The traded symbol always has a row, so "no position" reads FLAT rather than an empty table.
  if (symbol && !positions.some((p) => p.symbol === symbol)) {
    rows.unshift(positionRow({ symbol, amount: '0' }));
  }
  fillTable('position', rows, 'No position');
}

function positionRow(p) {
  const side = sideOf(p.amount);
  const flat = side === 'FLAT';
  return el('tr', { attrs: { 'data-symbol': p.symbol || '' } }, [
    cell(p.symbol, { field: 'symbol' }),
    cell(side, { field: 'side', className: `side side-${side.toLowerCase()}` }),
    cell(trimDecimal(absDecimal(p.amount)), { field: 'size', className: 'num' }),
    cell(flat ? '—' : trimDecimal(p.entryPrice), { field: 'entry', className: 'num' }),
    cell(p.markPrice ? trimDecimal(p.markPrice) : '—', { field: 'mark', className: 'num' }),
    flat ? cell('—', { field: 'unrealizedPnl', className: 'num' }) : amountCell(p.unrealizedPnl, 'unrealizedPnl'),
  ]);
}

function renderBalances(balances) {
  const rows = balances.map((b) => el('tr', { attrs: { 'data-asset': b.asset || '' } }, [
    cell(b.asset, { field: 'asset' }),
    cell(trimDecimal(b.walletBalance), { field: 'walletBalance', className: 'num' }),
    cell(trimDecimal(b.crossWalletBalance), { field: 'crossWalletBalance', className: 'num' }),
  ]));
  fillTable('balances', rows, 'No balances yet');
}

function renderPnL(pnl) {
  const today = (pnl.today && pnl.today.byAsset) || {};
  const cumulative = (pnl.cumulative && pnl.cumulative.byAsset) || {};
  const day = pnl.today && pnl.today.day ? ` (${pnl.today.day} UTC)` : '';
  const rows = [];
  const add = (period, label, byAsset) => {
    for (const asset of Object.keys(byAsset).sort()) {
      const t = byAsset[asset] || {};
      rows.push(el('tr', { attrs: { 'data-period': period, 'data-asset': asset } }, [
        el('th', { text: label, attrs: { scope: 'row' } }),
        cell(asset, { field: 'asset' }),
        amountCell(t.realizedPnl, 'realizedPnl'),
        cell(trimDecimal(t.fees), { field: 'fees', className: 'num' }),
        amountCell(t.funding, 'funding'),
        amountCell(t.net, 'net'),
        cell(t.trades ?? '—', { field: 'trades', className: 'num' }),
      ]));
    }
  };
  add('today', `Today${day}`, today);
  add('cumulative', 'Cumulative', cumulative);
  fillTable('pnl', rows, 'No fills yet');
}

function renderRisk(risk) {
  const used = typeof risk.dailyLossUsed === 'string' ? risk.dailyLossUsed : null;
  const limit = typeof risk.dailyLossLimit === 'string' ? risk.dailyLossLimit : null;
  setText('risk-used', used && limit ? `${fractionToPercent(used)} % of the ${fractionToPercent(limit)} % limit` : '—');
  // The meter reads the decimal strings itself; no arithmetic on money here.
  const meter = $('risk-meter');
  if (limit && !isZero(limit)) meter.setAttribute('max', limit);
  meter.setAttribute('value', used || '0');
  setText('risk-per-trade', typeof risk.maxRiskPerTrade === 'string' ? `${fractionToPercent(risk.maxRiskPerTrade)} %` : null);
  setText('risk-config-version', risk.configVersion);
}

function renderOrders(orders) {
  const rows = orders.map((o) => el('tr', { attrs: { 'data-client-order-id': o.clientOrderId || '' } }, [
    timeCell(o.time, 'time', { short: true }),
    cell(o.symbol, { field: 'symbol' }),
    cell(o.side, { field: 'side', className: `side side-${String(o.side || '').toLowerCase()}` }),
    cell(o.type, { field: 'type' }),
    cell(o.status, { field: 'status' }),
    // Market orders carry price "0": there is no limit price to show.
    cell(isZero(o.price) ? 'market' : trimDecimal(o.price), { field: 'price', className: 'num' }),
    cell(trimDecimal(o.quantity), { field: 'quantity', className: 'num' }),
    cell(trimDecimal(o.filledQuantity), { field: 'filledQuantity', className: 'num' }),
    cell(o.clientOrderId, { field: 'clientOrderId', className: 'mono' }),
  ]));
  fillTable('open-orders', rows, 'No open orders');
}

function renderCommandCounts(counts) {
  setText('commands-new', counts.NEW);
  setText('commands-sent', counts.SENT);
  setText('commands-ack', counts.ACK);
  setText('commands-failed', counts.FAILED);
}

// ---- the event feed ----------------------------------------------------------------------------

/** The rows shown, by seq: an event replayed after a reconnect is not shown twice. */
const feed = new Map();

/** Adds events (any order); keeps the newest FEED_SIZE, newest first. */
export function addEvents(events) {
  const body = $('event-feed').tBodies[0];
  for (const event of events) {
    const seq = event && Number(event.seq);
    if (!Number.isInteger(seq) || feed.has(seq)) continue;
    if (feed.size >= FEED_SIZE && seq < Math.min(...feed.keys())) continue; // older than all we keep
    const row = feedRow(event, seq);
    // Rows are kept in descending seq: insert before the first older one.
    const before = Array.from(body.rows).find((r) => Number(r.dataset.seq) < seq) || null;
    body.insertBefore(row, before);
    feed.set(seq, { event, row });
    while (feed.size > FEED_SIZE) {
      const oldest = Math.min(...feed.keys());
      feed.get(oldest).row.remove();
      feed.delete(oldest);
    }
  }
}

export function clearFeed() {
  feed.clear();
  $('event-feed').tBodies[0].replaceChildren();
}

function feedRow(event, seq) {
  const type = String(event.type || 'unknown');
  const time = el('td', { attrs: { 'data-field': 'time' } }, [
    el('time', { text: formatTime(event.ts), attrs: { datetime: isoString(event.ts) } }),
  ]);
  // On a phone the Seq and Type columns are hidden and the type is shown above the summary
  // (.inline-type), so the summary keeps a readable width.
  const summary = el('td', { className: 'summary-cell' }, [
    el('span', { className: 'inline-type', text: type }),
    el('span', { text: summarize(type, event.payload || {}), attrs: { 'data-field': 'summary' } }),
  ]);
  return el('tr', { attrs: { 'data-seq': seq, 'data-type': type, 'data-kind': kindOf(type) } }, [
    cell(seq, { field: 'seq', className: 'num col-seq' }),
    time,
    el('td', { className: 'event-type col-type', attrs: { 'data-field': 'type' } }, breakableName(type)),
    summary,
  ]);
}

/** "StrategyEvaluated" with a line-break opportunity (<wbr>) before each inner capital. */
function breakableName(name) {
  const parts = name.split(/(?=[A-Z][a-z])/);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [document.createElement('wbr'), part]));
}

function kindOf(type) {
  if (/^(Trade|Order|Position|Balance|Fee|Funding)/.test(type)) return 'trading';
  if (/^(Engine|RiskGuard|ManualOverride|Config)/.test(type)) return 'engine';
  if (/^(WebSocket|Drift|Reconciliation|Quarantine)/.test(type)) return 'stream';
  if (/^(Strategy|Decision)/.test(type)) return 'strategy';
  return 'other';
}

const t = trimDecimal;
const orderSummary = (p) => {
  let text = `${p.side ?? ''} ${p.type ?? ''} ${t(p.quantity)} ${p.symbol ?? ''}`;
  if (p.price && !isZero(p.price)) text += ` @ ${t(p.price)}`;
  text += ` — ${p.status ?? ''}`;
  if (p.filledQuantity && !isZero(p.filledQuantity)) text += `, filled ${t(p.filledQuantity)} @ ${t(p.averagePrice)}`;
  if (p.reason) text += ` (${p.reason})`;
  return text;
};
const withReason = (text, p) => (p.reason ? `${text}${text ? ': ' : ''}${p.reason}` : text);

/** A one-line description per event type; unknown types list their first few plain fields. */
const SUMMARIES = {
  TradeExecuted: (p) => `${p.side} ${t(p.quantity)} ${p.symbol} @ ${t(p.price)}`
    + (p.realizedPnl && !isZero(p.realizedPnl) ? `, realized ${t(p.realizedPnl)} ${p.pnlAsset ?? ''}` : ''),
  OrderPlaced: orderSummary,
  OrderUpdated: orderSummary,
  OrderCancelled: orderSummary,
  OrderRejected: orderSummary,
  PositionChanged: (p) => (sideOf(p.amount) === 'FLAT'
    ? `${p.symbol} FLAT`
    : `${p.symbol} ${sideOf(p.amount)} ${t(absDecimal(p.amount))} @ ${t(p.entryPrice)}`),
  BalanceChanged: (p) => `${p.asset} wallet ${t(p.walletBalance)}` + (p.change ? ` (change ${t(p.change)})` : '')
    + (p.reason ? ` — ${p.reason}` : ''),
  FeeCharged: (p) => `fee ${t(p.amount)} ${p.asset ?? ''}` + (p.tradeId ? ` (trade ${p.tradeId})` : ''),
  EngineStarted: (p) => `${p.state ?? ''}, mode ${p.mode ?? ''}`,
  EngineStopped: (p) => withReason('', p),
  EnginePaused: (p) => withReason('', p),
  EngineResumed: (p) => withReason('', p),
  EngineModeChanged: (p) => withReason(`mode ${p.mode ?? ''}`, p),
  RiskGuardRejected: (p) => `${p.rule ?? ''}: ${p.reason ?? ''}`,
  ConfigChanged: (p) => `version ${p.version ?? '—'}`,
  ReconciliationPerformed: (p) => `${p.trigger ?? ''}: ${p.drifts ?? 0} drift(s)`,
  DriftDetected: (p) => `${p.entity ?? ''} ${p.field ?? ''}: expected ${p.expected ?? '—'}, found ${p.actual ?? '—'}`,
  WebSocketConnected: (p) => withReason('', p),
  WebSocketDisconnected: (p) => withReason(p.willReconnect ? 'will reconnect' : '', p),
  WebSocketReconnected: (p) => withReason('', p),
  StrategyEvaluated: (p) => `${p.strategy ?? ''} ${p.symbol ?? ''} close ${t(p.close)}, ${p.decisions ?? 0} decision(s)`,
  DecisionMade: (p) => withReason(p.kind ?? '', p),
};

function summarize(type, payload) {
  let text;
  try {
    text = SUMMARIES[type] ? SUMMARIES[type](payload) : genericSummary(payload);
  } catch {
    text = genericSummary(payload);
  }
  text = String(text).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function genericSummary(payload) {
  return Object.entries(payload)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 4)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? t(v) : v}`)
    .join(', ');
}

// ---- time zone changes and sign-out --------------------------------------------------------

/** Redraws every time shown, after the zone changed. */
export function rerenderTimes() {
  renderZone();
  if (lastDashboard) renderDashboard(lastDashboard);
  for (const { row, event } of feed.values()) {
    const time = row.querySelector('time');
    if (time) time.textContent = formatTime(event.ts);
  }
}

/** Forgets everything shown, so the next user starts from a blank page. */
export function resetDashboard() {
  lastDashboard = null;
  clearFeed();
  renderUser(null);
  renderMode('', '');
  renderLive('connecting');
  renderCommandStatus('', '');
  showStatus('');
  $('command-reason').value = '';
  for (const id of ['position', 'balances', 'pnl', 'open-orders']) $(id).tBodies[0].replaceChildren();
}
