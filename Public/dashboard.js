// Rendering: writes data into the page skeleton in index.html. Only DOM work lives here (no
// fetching); every value goes in through textContent or setAttribute, never as HTML, and looks
// are chosen by classes and data-* attributes that style.css styles.

import {
  trimDecimal, isZero, absDecimal, fractionToPercent, formatDateTime, formatTime, isoString, formatAge, currentZone,
  decimalPlaces, MONEY_PLACES, isSpot,
} from './format.js';
import { el, setText, cell, numberCell, amountCell, timeCell, fillTable, breakableName } from './dom.js';
import { summarize, kindOf, positionSide } from './summaries.js';
import { renderQuarantines, resetQuarantines } from './quarantine.js';
import { renderFunds } from './funds.js';
import { currentAccount } from './api.js';

const FEED_SIZE = 50;
const LIVE_AGAIN_MS = 3000;

const $ = (id) => document.getElementById(id);

// ---- views -------------------------------------------------------------------------------------

/** Shows one view (#NAME-view); the header's tools and the page links are for signed-in pages. */
let currentPage = '';

export function showView(name, route = '') {
  for (const node of document.querySelectorAll('main > .view')) node.hidden = node.id !== `${name}-view`;
  const link = route ? $('app-nav').querySelector(`a[data-route="${route}"]`) : null;
  currentPage = name === 'login' ? 'Sign in' : (link ? link.textContent : '');
  const d = lastDashboard;
  document.title = pageTitle(currentPage, d && d.tradingMode, d && d.symbol);
  $('header-tools').hidden = name === 'login';
  $('app-nav').hidden = name === 'login';
  for (const link of $('app-nav').querySelectorAll('a')) {
    if (link.dataset.route === route) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
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
  document.title = pageTitle(currentPage, mode, symbol);
}

/**
 * The venue beside the mode (hidden from an older server that does not say), and what spot
 * changes in the cards: holdings rather than a position, no futures-only columns (style.css hides
 * them under data-market="spot"), the free KRW rather than a cross wallet.
 */
function renderVenue(venue) {
  const badge = $('venue-badge');
  const name = venue && typeof venue.name === 'string' ? venue.name : '';
  badge.textContent = name;
  badge.dataset.market = (venue && venue.market) || '';
  badge.hidden = !name;
  const spot = isSpot(venue);
  $('dashboard-view').dataset.market = (venue && venue.market) || '';
  $('position-title').textContent = spot ? 'Holdings' : 'Position';
  // Upbit's cross wallet figure is the KRW not held by open bids.
  $('balances-free-head').textContent = spot ? 'Available' : 'Cross wallet';
}

export function renderUser(user) {
  $('user-name').textContent = user && user.name ? user.name : '';
  $('user-role').textContent = user && user.role ? user.role : '';
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

// ---- the dashboard's cards ---------------------------------------------------------------------

let lastDashboard = null;

/** The dashboard last rendered (mode, symbol, seq, …), or null before the first. */
export function lastShownDashboard() {
  return lastDashboard;
}

/** "Settings · AlphaEngine · SIM · BTCUSDT": the page, then the mode (several tabs stay told apart). */
function pageTitle(page, mode, symbol) {
  // The account too, on a web of several: tabs open on two accounts must not look alike.
  return [page, 'AlphaEngine', currentAccount(), MODE_LABELS[mode], symbol].filter(Boolean).join(' · ');
}

export function renderDashboard(d) {
  if (!d || typeof d !== 'object') return;
  // An answer older than what is shown (a refresh that crossed a live event) is skipped; the
  // refresh that event asked for follows.
  if (lastDashboard && Number(d.seq) < Number(lastDashboard.seq)) return;
  lastDashboard = d;
  renderMode(d.tradingMode, d.symbol);
  renderVenue(d.venue);
  renderEngine(d.engine || {}, d.bot || {});
  renderStream(d.stream || {}, d.reconcile || {}, d.rateLimit || {});
  const positions = Array.isArray(d.positions) ? d.positions : [];
  renderQuarantines(Array.isArray(d.quarantines) ? d.quarantines : [], positions);
  renderPositions(positions, d.symbol, isSpot(d.venue));
  renderBalances(Array.isArray(d.balances) ? d.balances : []);
  renderPnL(d.pnl || {});
  renderRisk(d.risk || {});
  renderOrders(Array.isArray(d.openOrders) ? d.openOrders : []);
  renderCommandCounts(d.commands || {});
  renderFunds(Array.isArray(d.funds) ? d.funds : []);
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
    // The mark price and whose the position is stay; the refresh that follows recomputes both.
    const kept = previous ? { markPrice: previous.markPrice, ownedAmount: previous.ownedAmount, outsideAmount: previous.outsideAmount } : {};
    const position = { ...kept, ...p, markPrice: kept.markPrice };
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

function renderPositions(positions, symbol, spot) {
  const rows = positions.map((p) => positionRow(p, spot));
  // The traded symbol always has a row, so "no position" reads FLAT rather than an empty table.
  if (symbol && !positions.some((p) => p.symbol === symbol)) {
    rows.unshift(positionRow({ symbol, amount: '0' }, spot));
  }
  fillTable('position', rows, spot ? 'Nothing held' : 'No position');
}

/** The leverage last set from here ({symbol, value}), shown in the position row. */
let leverage = null;

/** The positions again from the dashboard shown (after the leverage or the tick became known). */
function rerenderPositions() {
  const d = lastDashboard;
  if (d) renderPositions(Array.isArray(d.positions) ? d.positions : [], d.symbol, isSpot(d.venue));
}

/** Decimals of each symbol's price tick, from /api/symbols once loaded; until then prices show in full. */
const tickPlaces = new Map();
const pricePlaces = (symbol) => tickPlaces.get(symbol) ?? null;

/** The symbol's order rules are known: prices show at its tick from now on. */
export function renderSymbolRules(rules) {
  const places = rules ? decimalPlaces(rules.tickSize) : null;
  if (places === null) return;
  tickPlaces.set(rules.symbol, places);
  rerenderPositions();
}

export function renderLeverage(symbol, value) {
  leverage = value ? { symbol, value } : null;
  rerenderPositions();
}

/** One position; on spot (`spot`) a coin held, its side HELD, its entry the average buy price. */
function positionRow(p, spot) {
  const side = positionSide(p.amount, spot);
  const flat = side === 'FLAT';
  return el('tr', { attrs: { 'data-symbol': p.symbol || '' } }, [
    cell(p.symbol, { field: 'symbol' }),
    cell(side, { field: 'side', className: `side side-${side.toLowerCase()}` }),
    sizeCell(p),
    // Prices at the symbol's tick (an average entry has more digits; the exact one is the tooltip).
    flat ? cell('—', { field: 'entry', className: 'num' }) : numberCell(p.entryPrice, 'entry', pricePlaces(p.symbol)),
    p.markPrice ? numberCell(p.markPrice, 'mark', pricePlaces(p.symbol)) : cell('—', { field: 'mark', className: 'num' }),
    flat ? cell('—', { field: 'unrealizedPnl', className: 'num' }) : amountCell(p.unrealizedPnl, 'unrealizedPnl', MONEY_PLACES),
    // The exchange's position reads do not reach us with leverage; the last one set from here does.
    // Both futures-only: hidden on spot, which has neither.
    cell(leverage && p.symbol === leverage.symbol ? `${leverage.value}×` : '—', { field: 'leverage', className: 'num futures-only' }),
    // Not known to the bot yet (it does not read the exchange's liquidation price).
    cell(p.liquidationPrice ? trimDecimal(p.liquidationPrice) : 'not known', { field: 'liquidationPrice', className: 'num note futures-only' }),
  ]);
}

/** The size; when someone else's fills make part of it, that part below (the symbol is in quarantine). */
function sizeCell(p) {
  const td = cell(trimDecimal(absDecimal(p.amount)), { field: 'size', className: 'num' });
  if (typeof p.outsideAmount === 'string' && !isZero(p.outsideAmount)) {
    td.append(el('span', { className: 'outside-part', text: `${trimDecimal(p.outsideAmount)} outside`, attrs: {
      'data-field': 'outsideAmount', title: `Not AlphaEngine's: ${p.outsideAmount} of it comes from fills someone else made` } }));
  }
  return td;
}

function renderBalances(balances) {
  const rows = balances.map((b) => el('tr', { attrs: { 'data-asset': b.asset || '' } }, [
    cell(b.asset, { field: 'asset' }),
    numberCell(b.walletBalance, 'walletBalance', MONEY_PLACES),
    numberCell(b.crossWalletBalance, 'crossWalletBalance', MONEY_PLACES),
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
        amountCell(t.realizedPnl, 'realizedPnl', MONEY_PLACES),
        numberCell(t.fees, 'fees', MONEY_PLACES),
        amountCell(t.funding, 'funding', MONEY_PLACES, 'futures-only'),
        amountCell(t.net, 'net', MONEY_PLACES),
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
  const rows = orders.map((o) => el('tr', { attrs: { 'data-client-order-id': o.clientOrderId || '', 'data-outside': o.outside === true } }, [
    timeCell(o.time, 'time', { short: true }),
    cell(o.symbol, { field: 'symbol' }),
    cell(o.side, { field: 'side', className: `side side-${String(o.side || '').toLowerCase()}` }),
    cell(o.type, { field: 'type' }),
    cell(o.status, { field: 'status' }),
    // Market orders carry price "0": there is no limit price to show.
    cell(isZero(o.price) ? 'market' : trimDecimal(o.price), { field: 'price', className: 'num' }),
    cell(trimDecimal(o.quantity), { field: 'quantity', className: 'num' }),
    cell(trimDecimal(o.filledQuantity), { field: 'filledQuantity', className: 'num' }),
    clientOrderCell(o),
  ]));
  fillTable('open-orders', rows, 'No open orders');
}

/** The client id; an order AlphaEngine did not place carries an "outside" badge (it put the symbol in quarantine). */
function clientOrderCell(o) {
  const td = cell(o.clientOrderId, { field: 'clientOrderId', className: 'mono' });
  if (o.outside === true) {
    td.append(' ', el('span', { className: 'badge badge-outside', text: 'outside', attrs: { title: 'Not placed by AlphaEngine' } }));
  }
  return td;
}

function renderCommandCounts(counts) {
  setText('commands-new', counts.NEW);
  setText('commands-sent', counts.SENT);
  setText('commands-ack', counts.ACK);
  setText('commands-failed', counts.FAILED);
}

// ---- recent trades, the strategy's signals, the risk guard's refusals -------------------------

/** The newest fills (from /api/trades?order=desc). */
export function renderTrades(trades) {
  const rows = trades.map((t) => el('tr', { attrs: { 'data-seq': t.seq ?? '' } }, [
    timeCell(t.time, 'time', { short: true }),
    cell(t.side, { field: 'side', className: `side side-${String(t.side || '').toLowerCase()}` }),
    cell(trimDecimal(t.price), { field: 'price', className: 'num' }),
    cell(trimDecimal(t.quantity), { field: 'quantity', className: 'num' }),
    amountCell(t.realizedPnl, 'realizedPnl', MONEY_PLACES),
    cell(t.clientOrderId || 'not ours', { field: 'clientOrderId', className: 'mono' }),
  ]));
  fillTable('recent-trades', rows, 'No fills yet');
}

/** Events as a short list, newest first: the strategy's signals or the guard's refusals. */
export function renderEventList(id, events, emptyText) {
  const items = events.map((event) => el('li', { attrs: { 'data-seq': event.seq, 'data-type': event.type } }, [
    el('time', { text: formatTime(event.ts), attrs: { datetime: isoString(event.ts), title: formatDateTime(event.ts) } }),
    ' ',
    el('span', { className: 'event-type', text: event.type }),
    ' ',
    el('span', { text: summarize(event.type, event.payload || {}) }),
  ]));
  $(id).replaceChildren(...(items.length ? items : [el('li', { className: 'note', text: emptyText })]));
}

/** Shows only the feed's events of one kind (trading, engine, stream, strategy, other), or all. */
export function filterFeed(kind) {
  $('event-feed').dataset.filter = kind || '';
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
  renderVenue(null);
  renderLive('connecting');
  showStatus('');
  for (const id of ['position', 'balances', 'pnl', 'open-orders', 'recent-trades', 'funds']) $(id).tBodies[0].replaceChildren();
  resetQuarantines();
  for (const id of ['signals', 'refusals']) $(id).replaceChildren();
  leverage = null;
  tickPlaces.clear(); // the next account may be on another venue, with other ticks
}
