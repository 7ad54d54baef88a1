// The history pages: commands, orders, trades, events and funds, newest first, each with its filters in
// the address (#/history/events?type=TradeExecuted), so a filtered view can be bookmarked or
// shared. "Load older" pages back with the API's own cursor; new items arrive live at the top.

import { el, cell, amountCell, timeCell, fillTable, breakableName } from './dom.js';
import { trimDecimal, isZero, MONEY_PLACES, SYMBOL_PATTERN, exampleSymbol } from './format.js';
import { summarize, kindOf } from './summaries.js';
import { FUND_COLUMNS, FUND_EVENT_TYPES, fundRow } from './funds.js';

const $ = (id) => document.getElementById(id);

const PAGE_SIZE = 100;
const LIVE_RELOAD_GAP_MS = 1000;

const COMMAND_STATUSES = ['NEW', 'SENT', 'ACK', 'FAILED'];
const COMMAND_TYPES = ['PauseEngine', 'ResumeEngine', 'SetEngineMode', 'CancelAll', 'RunReconcile', 'RebuildProjection',
  'UpdateConfig', 'PlaceOrder', 'CancelOrder', 'ClosePosition', 'SetLeverage', 'ResolveQuarantine', 'InternalTransfer', 'Withdraw'];
const ORDER_STATUSES = ['open', 'closed', 'NEW', 'SUBMITTED', 'ACKNOWLEDGED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'];
const EVENT_TYPES = ['EngineStarted', 'EngineStopped', 'EnginePaused', 'EngineResumed', 'EngineModeChanged', 'ManualOverrideExecuted',
  'RiskGuardRejected', 'ConfigChanged', 'OrderPlaced', 'OrderRejected', 'OrderCancelled', 'OrderUpdated', 'TradeExecuted',
  'PositionChanged', 'BalanceChanged', 'FeeCharged', 'FundingApplied', 'InternalTransferRequested', 'InternalTransferCompleted',
  'InternalTransferFailed', 'DepositDetected', 'WithdrawRequested', 'WithdrawCompleted', 'WithdrawFailed', 'DriftDetected',
  'ReconciliationPerformed', 'QuarantineStarted', 'QuarantineCompleted', 'WebSocketConnected', 'WebSocketDisconnected',
  'WebSocketReconnected', 'StrategyEvaluated', 'DecisionMade'];
const ENTITY_KINDS = ['engine', 'config', 'order', 'trade', 'position', 'balance', 'fee', 'funding', 'transfer', 'deposit',
  'withdrawal', 'reconciliation', 'quarantine', 'stream', 'command', 'strategy'];

/**
 * What differs between the pages: the filters (name, label, kind, choices), the columns
 * (`optional` ones are hidden on a phone), how a page is fetched, how an item becomes a row,
 * and which live events make the first page stale; `nouns` when the title's singular is no word.
 */
const KINDS = {
  commands: {
    title: 'Commands',
    filters: [['status', 'Status', 'choice', COMMAND_STATUSES], ['type', 'Type', 'choice', COMMAND_TYPES]],
    columns: [['Time'], ['Type'], ['Status'], ['By', 'optional'], ['Details'], ['Id', 'optional']],
    empty: 'No command matches',
    async fetch(api, filter, cursor) {
      const page = await api.commands({ ...filter, limit: PAGE_SIZE, before: cursor });
      return { items: page.commands || [], next: page.next || null };
    },
    key: (c) => c.id,
    row: commandRow,
    staleOn: () => true, // every command's progress shows up as some event
  },
  orders: {
    title: 'Orders',
    filters: [['status', 'Status', 'choice', ORDER_STATUSES], ['symbol', 'Symbol', 'symbol']],
    columns: [['Time'], ['Symbol', 'optional'], ['Side'], ['Type', 'optional'], ['Status'], ['Price', 'num'], ['Quantity', 'num'],
      ['Filled', 'num'], ['Avg price', 'num optional'], ['Client order id', 'optional'], ['Reason', 'optional']],
    empty: 'No order matches',
    async fetch(api, filter, cursor) {
      const page = await api.orders({ ...filter, limit: PAGE_SIZE, cursor });
      return { items: page.orders || [], next: page.next || null };
    },
    key: (o) => o.clientOrderId || `${o.symbol}:${o.orderId}`,
    row: orderRow,
    staleOn: (event) => /^(Order|Trade)/.test(event.type),
  },
  trades: {
    title: 'Trades',
    filters: [['symbol', 'Symbol', 'symbol']],
    columns: [['Seq', 'num optional'], ['Time'], ['Symbol', 'optional'], ['Side'], ['Price', 'num'], ['Quantity', 'num'],
      ['Realized PnL', 'num'], ['Maker', 'optional'], ['Client order id', 'optional']],
    empty: 'No fill matches',
    async fetch(api, filter, cursor) {
      const page = await api.trades({ ...filter, order: 'desc', limit: PAGE_SIZE, before: cursor });
      return { items: page.trades || [], next: page.next || null };
    },
    key: (t) => t.seq,
    row: tradeRow,
    staleOn: (event) => event.type === 'TradeExecuted',
  },
  events: {
    title: 'Events',
    filters: [['type', 'Type', 'choice', EVENT_TYPES], ['entityKind', 'Entity', 'choice', ENTITY_KINDS],
      ['from', 'From (UTC)', 'time'], ['until', 'Until (UTC)', 'time']],
    columns: [['Seq', 'num'], ['Time'], ['Type'], ['Summary'], ['Entity', 'optional'], ['Source', 'optional']],
    empty: 'No event matches',
    async fetch(api, filter, cursor) {
      const page = await api.events({ ...filter, order: 'desc', limit: PAGE_SIZE, before: cursor });
      return { items: page.events || [], next: page.next || null };
    },
    key: (e) => e.seq,
    row: eventRow,
    staleOn: () => false, // events are added one by one instead (eventArrived)
  },
  funds: {
    title: 'Funds',
    nouns: ['movement', 'movements'],
    filters: [], // /api/funds pages back and filters nothing
    columns: FUND_COLUMNS,
    empty: 'No deposit, transfer or withdrawal yet',
    async fetch(api, filter, cursor) {
      const page = await api.funds({ limit: PAGE_SIZE, before: cursor });
      return { items: page.movements || [], next: page.next ?? null };
    },
    key: (m) => m.seq,
    row: fundRow,
    staleOn: (event) => FUND_EVENT_TYPES.includes(event.type),
  },
};

/** The page while it is shown; null when hidden. `generation` makes a late answer harmless. */
let page = null;
let generation = 0;

export function show(ctx, { kind, params }) {
  hide();
  const spec = KINDS[kind];
  if (!spec) return;
  const mine = ++generation;
  const { filter, problems } = readFilter(spec, params);
  page = {
    ctx, mine, kind, spec, filter,
    items: [], // shown, newest first
    keys: new Set(),
    next: null, // the cursor for "Load older", null when there is nothing older
    loading: false,
    pagedBack: false, // once older pages are shown, a live reload would drop them
    unsubscribe: ctx.subscribe((event) => onEvent(mine, event)),
  };
  page.reloadSoon = ctx.throttled(() => reloadFirst(mine), LIVE_RELOAD_GAP_MS);
  buildSkeleton(spec, kind, params);
  if (problems.length > 0) {
    setStatus(problems.join('; '), 'failed');
    fillTable(`history-${kind}`, [], 'Fix the filter above');
    return;
  }
  loadPage(mine, null);
}

export function hide() {
  if (!page) return;
  page.unsubscribe();
  page = null;
  generation += 1;
}

/** Redraws the times after the time zone changed. */
export function rerenderTimes() {
  if (page) renderRows();
}

const current = (mine) => page && page.mine === mine;

// ---- the filter --------------------------------------------------------------------------------

/** The API's query from the address, and what is wrong with it (a hand-edited link). */
function readFilter(spec, params) {
  const filter = {};
  const problems = [];
  for (const [name, label, kind, choices] of spec.filters) {
    const raw = (params.get(name) || '').trim();
    if (!raw) continue;
    if (kind === 'choice' && !choices.includes(raw)) {
      problems.push(`${label}: "${raw}" is not one of the choices`);
    } else if (kind === 'symbol' && !SYMBOL_PATTERN.test(raw.toUpperCase())) {
      problems.push(`${label}: a symbol such as ${exampleSymbol()} (letters and digits, up to 20)`);
    } else if (kind === 'time' && toISO(raw) === null) {
      problems.push(`${label}: not a date and time`);
    } else {
      filter[name] = kind === 'symbol' ? raw.toUpperCase() : kind === 'time' ? toISO(raw) : raw;
    }
  }
  if (filter.from && filter.until && filter.from >= filter.until) problems.push('From must be before Until');
  return { filter, problems };
}

/** "2026-12-04T10:00" (a datetime-local, read as UTC) or a full ISO time → ISO with Z; else null. */
function toISO(text) {
  const withZone = /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The value an input shows for an ISO time: "2026-12-04T10:00:00" (UTC, as the label says). */
function toInputTime(iso) {
  return iso ? iso.replace(/\.\d+Z$|Z$/, '') : '';
}

function submitFilter(event) {
  event.preventDefault();
  if (!page) return;
  const form = event.target;
  const query = new URLSearchParams();
  for (const [name, , kind] of page.spec.filters) {
    let value = form.elements[name].value.trim();
    if (kind === 'symbol') value = value.toUpperCase();
    if (value) query.set(name, value);
  }
  const text = query.toString();
  page.ctx.go(`#/history/${page.kind}${text ? `?${text}` : ''}`);
}

// ---- the page ----------------------------------------------------------------------------------

function buildSkeleton(spec, kind, params) {
  const fields = spec.filters.map(([name, label, type, choices]) => {
    const id = `history-filter-${name}`;
    let input;
    if (type === 'choice') {
      input = el('select', { attrs: { id, name } }, [el('option', { text: 'any', attrs: { value: '' } }), ...choices.map((c) => el('option', { text: c, attrs: { value: c } }))]);
    } else if (type === 'time') {
      input = el('input', { attrs: { id, name, type: 'datetime-local', step: '1' } });
    } else {
      input = el('input', { attrs: { id, name, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'any', maxlength: '20' } });
    }
    const raw = params.get(name) || '';
    input.value = type === 'time' ? toInputTime(toISO(raw) || '') : type === 'symbol' ? raw.toUpperCase() : raw;
    return el('div', { className: 'history-field' }, [el('label', { text: label, attrs: { for: id } }), input]);
  });
  const form = el('form', { className: 'history-filter', attrs: { id: 'history-filter', role: 'search' } }, [
    ...fields,
    el('div', { className: 'history-filter-actions' }, [
      el('button', { text: 'Show', attrs: { type: 'submit' } }),
      el('a', { className: 'button-link', text: 'Clear', attrs: { href: `#/history/${kind}`, id: 'history-clear' } }),
    ]),
  ]);
  form.addEventListener('submit', submitFilter);

  const head = el('thead', {}, [el('tr', {}, spec.columns.map(([label, classes = '']) => el('th', {
    text: label, className: classes.split(' ').map((c) => (c === 'optional' ? 'col-optional' : c)).join(' '), attrs: { scope: 'col' },
  })))]);
  const table = el('table', { className: `history-table history-${kind}`, attrs: { id: `history-${kind}`, 'data-kind': kind } }, [
    el('caption', { className: 'visually-hidden', text: `${spec.title}, newest first` }), head, el('tbody'),
  ]);
  const more = el('button', { className: 'button-secondary', text: 'Load older', attrs: { type: 'button', id: 'history-more', hidden: '' } });
  more.addEventListener('click', () => {
    if (page && page.next && !page.loading) loadPage(page.mine, page.next);
  });

  $('history-view').replaceChildren(
    el('h2', { className: 'page-title', text: `History: ${spec.title.toLowerCase()}`, attrs: { id: 'history-title' } }),
    ...(spec.filters.length ? [form] : []), // a form of only Show and Clear would filter nothing
    el('p', { className: 'command-status', attrs: { id: 'history-status', 'data-state': '', 'aria-live': 'polite' } }),
    el('div', { className: 'card history-card' }, [el('div', { className: 'table-wrap' }, [table]), more]),
  );
}

function setStatus(text, state = '') {
  const status = $('history-status');
  if (!status) return;
  status.textContent = text;
  status.dataset.state = state;
}

// ---- loading -----------------------------------------------------------------------------------

/** Loads the newest page (cursor null) or the page older than `cursor`. */
async function loadPage(mine, cursor) {
  page.loading = true;
  const more = $('history-more');
  more.disabled = true;
  setStatus(cursor ? 'Loading older…' : 'Loading…', 'loading');
  try {
    const answer = await page.spec.fetch(page.ctx.api, page.filter, cursor);
    if (!current(mine)) return;
    if (cursor) page.pagedBack = true;
    showAnswer(answer, { older: Boolean(cursor) });
  } catch (error) {
    if (!current(mine)) return;
    if (!error.sessionExpired) setStatus(`Could not load the ${page.spec.title.toLowerCase()}: ${error.message}`, 'failed');
  } finally {
    if (current(mine)) {
      page.loading = false;
      more.disabled = false;
      more.hidden = !page.next;
    }
  }
}

/** Live: the newest page again, unless the user paged back (then say there is more at the top). */
async function reloadFirst(mine) {
  if (!current(mine) || page.loading) return;
  if (page.pagedBack) {
    setStatus(`${countText()} — newer items arrived; press Show to see them`, 'stale');
    return;
  }
  try {
    const answer = await page.spec.fetch(page.ctx.api, page.filter, null);
    if (!current(mine) || page.pagedBack) return;
    showAnswer(answer, { older: false });
  } catch (error) {
    if (current(mine) && !error.sessionExpired) setStatus(`Could not refresh: ${error.message}`, 'failed');
  }
}

/** A fetched page on screen: the newest page replaces what is shown, an older one goes below it. */
function showAnswer(answer, { older }) {
  if (!older) {
    page.items = [];
    page.keys.clear();
  }
  for (const item of answer.items) add(item, 'end');
  page.next = answer.next;
  renderRows();
  $('history-more').hidden = !page.next;
  setStatus(countText(), '');
}

function add(item, where) {
  const key = page.spec.key(item);
  if (page.keys.has(key)) return false;
  page.keys.add(key);
  if (where === 'start') page.items.unshift(item);
  else page.items.push(item);
  return true;
}

function renderRows() {
  fillTable(`history-${page.kind}`, page.items.map((item) => page.spec.row(item)), page.spec.empty);
}

function countText() {
  const n = page.items.length;
  const [one, many] = page.spec.nouns || [page.spec.title.toLowerCase().replace(/s$/, ''), page.spec.title.toLowerCase()];
  const noun = n === 1 ? one : many;
  return `${n} ${noun} shown${page.next ? '' : ', nothing older'}`;
}

function onEvent(mine, event) {
  if (!current(mine)) return;
  if (page.kind === 'events') eventArrived(event);
  else if (page.spec.staleOn(event)) page.reloadSoon();
}

/** A live event goes on top when it passes the filter (an `until` in the past lets none pass). */
function eventArrived(event) {
  const f = page.filter;
  if (f.type && event.type !== f.type) return;
  if (f.entityKind && event.entityKind !== f.entityKind) return;
  if (f.until && String(event.ts) >= f.until) return;
  if (f.from && String(event.ts) < f.from) return;
  if (!add(event, 'start')) return;
  const body = $(`history-${page.kind}`).tBodies[0];
  const empty = body.querySelector('tr.empty');
  if (empty) empty.remove();
  body.prepend(eventRow(event));
  setStatus(countText(), '');
}

// ---- rows --------------------------------------------------------------------------------------

const optional = (className = '') => `${className} col-optional`.trim();
const sideCell = (side) => cell(side, { field: 'side', className: `side side-${String(side || '').toLowerCase()}` });

function commandRow(c) {
  return el('tr', { attrs: { 'data-id': c.id, 'data-status': c.status || '' } }, [
    timeCell(c.ts, 'ts'),
    el('td', { attrs: { 'data-field': 'type' } }, breakableName(String(c.type || '—'))),
    el('td', { attrs: { 'data-field': 'status' } }, [el('span', { className: `badge badge-${String(c.status || '').toLowerCase()}`, text: c.status || '—' })]),
    cell(actorName(c.actor), { field: 'actor', className: optional() }),
    detailsCell(c.error || commandSummary(c), c.error ? 'error' : '', { payload: c.payload, result: c.result }),
    cell(c.id, { field: 'id', className: optional('mono') }),
  ]);
}

function orderRow(o) {
  return el('tr', { attrs: { 'data-client-order-id': o.clientOrderId || '', 'data-status': o.status || '' } }, [
    timeCell(o.time, 'time'),
    cell(o.symbol, { field: 'symbol', className: optional() }),
    sideCell(o.side),
    cell(`${o.type || ''}${o.reduceOnly ? ' (reduce-only)' : ''}`, { field: 'type', className: optional() }),
    cell(o.status, { field: 'status' }),
    // A market order has no price of its own (Binance reports 0): what it paid is the average.
    cell(!o.price || isZero(o.price) ? 'market' : trimDecimal(o.price), { field: 'price', className: 'num' }),
    cell(trimDecimal(o.quantity), { field: 'quantity', className: 'num' }),
    cell(trimDecimal(o.filledQuantity), { field: 'filledQuantity', className: 'num' }),
    cell(trimDecimal(o.averagePrice), { field: 'averagePrice', className: optional('num') }),
    cell(o.clientOrderId || 'not ours', { field: 'clientOrderId', className: optional('mono') }),
    cell(o.reason, { field: 'reason', className: optional() }),
  ]);
}

function tradeRow(t) {
  return el('tr', { attrs: { 'data-seq': t.seq ?? '' } }, [
    cell(t.seq, { field: 'seq', className: optional('num') }),
    timeCell(t.time, 'time'),
    cell(t.symbol, { field: 'symbol', className: optional() }),
    sideCell(t.side),
    cell(trimDecimal(t.price), { field: 'price', className: 'num' }),
    cell(trimDecimal(t.quantity), { field: 'quantity', className: 'num' }),
    amountCell(t.realizedPnl, 'realizedPnl', MONEY_PLACES),
    cell(t.maker ? 'maker' : 'taker', { field: 'maker', className: optional() }),
    cell(t.clientOrderId || 'not ours', { field: 'clientOrderId', className: optional('mono') }),
  ]);
}

function eventRow(e) {
  const type = String(e.type || 'unknown');
  return el('tr', { attrs: { 'data-seq': e.seq, 'data-type': type, 'data-kind': kindOf(type) } }, [
    cell(e.seq, { field: 'seq', className: 'num' }),
    timeCell(e.ts, 'ts'),
    el('td', { className: 'event-type', attrs: { 'data-field': 'type' } }, breakableName(type)),
    detailsCell(summarize(type, e.payload || {}), '', { payload: e.payload }),
    cell(e.entityKind ? `${e.entityKind}${e.entityId ? ` ${e.entityId}` : ''}` : null, { field: 'entity', className: optional('mono') }),
    cell(e.source, { field: 'source', className: optional() }),
  ]);
}

/** A one-line text with the full JSON behind a disclosure, for whoever needs the detail. */
function detailsCell(text, className, detail) {
  const json = JSON.stringify(detail, null, 2);
  const td = el('td', { className: ['details-cell', className].filter(Boolean).join(' '), attrs: { 'data-field': 'details' } });
  td.append(el('span', { text: text || '—' }));
  if (json && json !== '{}') {
    td.append(el('details', {}, [el('summary', { text: 'JSON' }), el('pre', { text: json })]));
  }
  return td;
}

/** {kind: "USER", id: "web:ana"} → "web:ana"; the system and strategies by kind. */
function actorName(actor) {
  if (!actor || typeof actor !== 'object') return actor;
  return actor.kind === 'USER' ? actor.id : `${String(actor.kind || '').toLowerCase()} ${actor.id || ''}`.trim();
}

/**
 * A command's payload in one line ("side BUY, quantity 0.01"); a nested document (a whole
 * configuration) is left to the JSON below it. A result's version is what a save became.
 */
function commandSummary(c) {
  const payload = c.payload && typeof c.payload === 'object' ? c.payload : {};
  const parts = Object.entries(payload).map(([k, v]) => (v !== null && typeof v === 'object' ? `${k} {…}` : `${k} ${v}`));
  if (c.result && c.result.version !== undefined) parts.push(`saved as version ${c.result.version}`);
  return parts.join(', ');
}
