// The dashboard's controls: pause/resume, run reconcile, cancel all, close position (each
// destructive one confirmed by a dialog that says what will happen), set leverage and a manual
// order checked against the symbol's filters before it is sent. Admins only: a viewer sees them
// disabled with the reason (the API refuses a viewer's command anyway). One command at a time;
// each shows its progress NEW → SENT → ACK / FAILED with the reason. On a spot venue (Upbit) the
// futures-only ones go: no leverage, no reduce-only, no stop orders, and "close" sells what is held.

import * as api from './api.js';
import { followCommand } from './commands.js';
import { trimDecimal, absDecimal, isZero, isSpot, quoteAsset } from './format.js';
import { parseDecimal, compareDecimal, isMultipleOf, multiplyDecimal, formatDecimal, isPositive } from './decimal.js';
import { sideOf } from './summaries.js';

const $ = (id) => document.getElementById(id);

/** Everything a viewer cannot use. */
const ACTION_IDS = ['pause', 'resume', 'run-reconcile', 'cancel-all', 'close-position', 'leverage-input', 'set-leverage',
  'order-side', 'order-type', 'order-quantity', 'order-price', 'order-stop-price', 'order-tif', 'order-reduce-only', 'order-submit',
  'command-reason'];
const BUTTON_IDS = new Set(['pause', 'resume', 'run-reconcile', 'cancel-all', 'close-position', 'set-leverage', 'order-submit']);
const ORDER_FIELDS = { quantity: 'order-quantity', price: 'order-price', stopPrice: 'order-stop-price', timeInForce: 'order-tif' };
/** Order types the exchange holds until a trigger: none on a venue without stop orders (Upbit). */
const STOP_TYPES = ['STOP_MARKET', 'TAKE_PROFIT_MARKET'];
/** Binance's post-only time in force; Upbit has GTC, IOC and FOK. */
const FUTURES_ONLY_TIF = ['GTX'];

let app = null;
let canAct = false;
let busy = false;
/** The traded symbol's filters from /api/symbols, or null until read. */
let rules = null;

/**
 * Wires the controls once. `hooks`: isStopped() (the session ended), onSettled() (refresh the
 * dashboard), dashboard() (the one shown: symbol, positions, open orders).
 */
export function bindControls(hooks) {
  app = hooks;
  const reason = () => {
    const text = $('command-reason').value.trim();
    return text ? { reason: text } : {};
  };
  $('pause').addEventListener('click', () => run('PauseEngine', reason(), 'Pause', 'command-status', () => { $('command-reason').value = ''; }));
  $('resume').addEventListener('click', () => run('ResumeEngine', reason(), 'Resume', 'command-status', () => { $('command-reason').value = ''; }));
  $('run-reconcile').addEventListener('click', () => run('RunReconcile', {}, 'Reconcile', 'command-status'));
  $('cancel-all').addEventListener('click', confirmCancelAll);
  $('close-position').addEventListener('click', confirmClosePosition);
  $('leverage-form').addEventListener('submit', submitLeverage);
  $('order-form').addEventListener('submit', submitOrder);
  $('order-type').addEventListener('change', showOrderFields);
  $('confirm-cancel').addEventListener('click', () => $('confirm-dialog').close('cancel'));
  showOrderFields();
}

/** Enables the controls for an admin; `busy` while a command is followed. */
export function renderControls(admin, isBusy = busy) {
  canAct = admin;
  busy = isBusy;
  for (const id of ACTION_IDS) {
    const node = $(id);
    if (node) node.disabled = !canAct || (busy && BUTTON_IDS.has(id));
  }
  $('controls-note').hidden = canAct;
  $('order-form').dataset.readonly = canAct ? 'false' : 'true';
}

/**
 * Fits the controls to the dashboard's venue (null: an older server, Binance futures): on spot
 * the leverage form, reduce-only and GTX go, "Close position" sells the holdings, and the order
 * types the exchange cannot hold (stops, where `stopOrders` is false) are not offered.
 */
export function renderVenue(venue) {
  const spot = isSpot(venue);
  const stops = !(venue && venue.stopOrders === false);
  $('leverage-form').hidden = spot;
  $('close-position').textContent = spot ? 'Sell holdings' : 'Close position';
  const reduceOnly = $('order-reduce-only');
  reduceOnly.closest('.check-row').hidden = spot;
  if (spot) reduceOnly.checked = false;
  offer('order-type', (value) => stops || !STOP_TYPES.includes(value), 'MARKET');
  offer('order-tif', (value) => !spot || !FUTURES_ONLY_TIF.includes(value), 'GTC');
  showOrderFields();
}

/** Shows the select's options `allowed` says yes to; a chosen one that is not moves to `fallback`. */
function offer(selectId, allowed, fallback) {
  const select = $(selectId);
  for (const option of select.options) {
    const shown = allowed(option.value);
    option.hidden = !shown;
    option.disabled = !shown;
  }
  if (!allowed(select.value)) select.value = fallback;
}

/** `text` in a status line; data-state is "pending", "ack" or "failed". */
export function renderCommandStatus(text, state, id = 'command-status') {
  const node = $(id);
  node.textContent = text;
  node.dataset.state = state || '';
}

/** Forgets the last user's state. */
export function resetControls() {
  rules = null;
  renderCommandStatus('', '');
  renderCommandStatus('', '', 'order-status');
  $('command-reason').value = '';
  $('order-form').reset();
  clearOrderErrors();
  $('order-rules').textContent = 'Symbol filters not loaded yet';
  $('leverage-known').textContent = '—';
  renderVenue(null);
}

// ---- reading what the controls need ------------------------------------------------------------

/** The symbol's order filters, and the leverage last set (the exchange does not report it to us). */
export async function loadControlFacts(symbol) {
  if (!symbol) return;
  const account = api.currentAccount();
  const [symbols, leverage] = await Promise.allSettled([
    api.symbols(),
    api.commands({ type: 'SetLeverage', status: 'ACK', limit: 20 }),
  ]);
  // Answers for the account shown before a switch describe another account's symbol.
  if (api.currentAccount() !== account) return;
  if (symbols.status === 'fulfilled') {
    rules = (symbols.value.symbols || []).find((s) => s.symbol === symbol) || null;
    $('order-rules').textContent = rules ? describeRules(rules) : `No filters for ${symbol} yet (the bot reads them when it starts)`;
  }
  if (leverage.status === 'fulfilled') {
    const last = (leverage.value.commands || []).find((c) => c.payload && c.payload.symbol === symbol);
    const value = last && ((last.result && last.result.leverage) || last.payload.leverage);
    $('leverage-known').textContent = value ? `Last set: ${value}× (${symbol})` : `Not set from here yet; the exchange's current value applies`;
    if (value && !$('leverage-input').value) $('leverage-input').value = String(value);
  }
}

/** The traded symbol's order rules (tick, step, minimums), or null before they are loaded. */
export function symbolRules() {
  return rules;
}

/** The leverage this session knows for the symbol (from the last ACK'd SetLeverage), or null. */
export function knownLeverage() {
  const match = /Last set: (\d+)×/.exec($('leverage-known').textContent);
  return match ? match[1] : null;
}

function describeRules(r) {
  const parts = [`tick ${trimDecimal(r.tickSize)}`, `step ${trimDecimal(r.stepSize)}`, `min quantity ${trimDecimal(r.minQuantity)}`];
  if (r.maxQuantity) parts.push(`max ${trimDecimal(r.maxQuantity)}`);
  // The notional is money: in the quote asset (KRW on Upbit).
  if (r.minNotional) parts.push(`min notional ${trimDecimal(r.minNotional)} ${quoteAsset()}`);
  return `${r.symbol}: ${parts.join(', ')}`;
}

// ---- running commands --------------------------------------------------------------------------

async function run(type, payload, label, statusId, onAck) {
  if (!canAct || busy || !app) return null;
  renderControls(canAct, true);
  try {
    const settled = await followCommand(type, payload, {
      label,
      show: (text, state) => renderCommandStatus(text, state, statusId),
      isStopped: app.isStopped,
    });
    if (settled && settled.status === 'ACK' && onAck) onAck(settled);
    if (settled) app.onSettled();
    return settled;
  } finally {
    if (!app.isStopped()) renderControls(canAct, false);
  }
}

/** Opens the confirmation dialog; resolves true when the user confirms (the quarantine panel's Close uses it too). */
export function confirmAction(title, lines, confirmLabel) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-text').replaceChildren(...lines.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  $('confirm-ok').textContent = confirmLabel;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus(); // the safe choice has the focus
  });
}

function openOrdersOf(d, symbol) {
  return (d && Array.isArray(d.openOrders) ? d.openOrders : []).filter((o) => o.symbol === symbol);
}

async function confirmCancelAll() {
  const d = app && app.dashboard();
  if (!d || !d.symbol) return;
  const count = openOrdersOf(d, d.symbol).length;
  // Where the exchange holds no stops (Upbit) the strategy's stop is the bot's to watch, not an order here.
  const stopsHere = !(d.venue && d.venue.stopOrders === false);
  const ok = await confirmAction(`Cancel all orders on ${d.symbol}?`, [
    count ? `This cancels the ${count} open order${count === 1 ? '' : 's'} on ${d.symbol} at the exchange${stopsHere ? ', the strategy\'s protective stops included' : ''}.`
      : `No open order is shown for ${d.symbol}; the exchange is asked to cancel any it has.`,
    isSpot(d.venue) ? 'The coins held, if any, stay held.' : 'The position, if any, stays open.',
  ], 'Cancel all orders');
  if (ok) run('CancelAll', { symbol: d.symbol }, 'Cancel all', 'command-status');
}

async function confirmClosePosition() {
  const d = app && app.dashboard();
  if (!d || !d.symbol) return;
  if (isSpot(d.venue)) return confirmSellHoldings(d);
  const position = (d.positions || []).find((p) => p.symbol === d.symbol);
  const side = sideOf(position && position.amount);
  const count = openOrdersOf(d, d.symbol).length;
  const lines = [`First the ${count || 'open'} order${count === 1 ? '' : 's'} on ${d.symbol} ${count ? 'are' : 'if any, are'} cancelled.`];
  if (side === 'FLAT') {
    lines.push(`No position is shown for ${d.symbol}: if the exchange has none either, nothing more is sent.`);
  } else {
    const size = trimDecimal(absDecimal(position.amount));
    lines.push(`Then a reduce-only MARKET ${side === 'LONG' ? 'SELL' : 'BUY'} of ${size} ${d.symbol} closes the whole ${side} position at the market price`
      + (position.markPrice ? ` (mark ${trimDecimal(position.markPrice)})` : '') + '.');
  }
  const ok = await confirmAction(`Close the ${d.symbol} position?`, lines, 'Close position');
  if (ok) run('ClosePosition', { symbol: d.symbol }, 'Close position', 'command-status');
}

/** Spot's "close": a plain MARKET SELL of all that is held (spot has no reduce-only or short). */
async function confirmSellHoldings(d) {
  const held = (d.positions || []).find((p) => p.symbol === d.symbol);
  const count = openOrdersOf(d, d.symbol).length;
  const lines = [`First the ${count || 'open'} order${count === 1 ? '' : 's'} on ${d.symbol} ${count ? 'are' : 'if any, are'} cancelled.`];
  if (sideOf(held && held.amount) === 'FLAT') {
    lines.push(`Nothing is shown held in ${d.symbol}: if the exchange holds none either, nothing more is sent.`);
  } else {
    lines.push(`Then a MARKET SELL of ${trimDecimal(absDecimal(held.amount))} ${d.symbol}, the whole amount held, sells it at the market price`
      + (held.markPrice ? ` (about ${trimDecimal(held.markPrice)} ${quoteAsset(d.venue)} now)` : '') + '.');
  }
  const ok = await confirmAction(`Sell the ${d.symbol} holdings?`, lines, 'Sell holdings');
  if (ok) run('ClosePosition', { symbol: d.symbol }, 'Sell holdings', 'command-status');
}

function submitLeverage(event) {
  event.preventDefault();
  const d = app && app.dashboard();
  const input = $('leverage-input');
  const text = input.value.trim();
  const error = /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 125 ? '' : 'Enter a whole number from 1 to 125';
  showFieldError('leverage-input', error);
  if (error || !d || !d.symbol) return;
  run('SetLeverage', { symbol: d.symbol, leverage: Number(text) }, `Leverage ${text}×`, 'command-status', (settled) => {
    const value = (settled.result && settled.result.leverage) || text;
    $('leverage-known').textContent = `Last set: ${value}× (${d.symbol})`;
  });
}

// ---- the manual order --------------------------------------------------------------------------

function showOrderFields() {
  const type = $('order-type').value;
  for (const node of $('order-form').querySelectorAll('[data-for]')) {
    node.hidden = !node.dataset.for.split(' ').includes(type);
  }
}

/** Shows `message` under the input (its `${inputId}-error` node) and marks it invalid; '' clears both. */
export function showFieldError(inputId, message) {
  const input = $(inputId);
  const node = $(`${inputId}-error`);
  if (!node) return;
  node.textContent = message || '';
  node.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function clearOrderErrors() {
  for (const id of [...Object.values(ORDER_FIELDS), 'order-form']) showFieldError(id, '');
}

/**
 * The order's payload, or the problems with it (by input id): positive decimals, quantity on the
 * step and within its bounds, prices on the tick, price × quantity at least the minimum notional.
 */
export function checkOrder(form, symbolRules, markPrice) {
  const problems = {};
  const type = form.type;
  const payload = { symbol: form.symbol, side: form.side, type, quantity: form.quantity.trim() };
  if (form.reduceOnly) payload.reduceOnly = true;
  const number = (id, text, what) => {
    const value = parseDecimal(text);
    if (!value || !isPositive(value)) {
      problems[id] = `Enter the ${what} as a positive number, such as 0.01`;
      return null;
    }
    return value;
  };
  const quantity = number('order-quantity', payload.quantity, 'quantity');
  let price = null;
  if (type === 'LIMIT') {
    payload.price = form.price.trim();
    payload.timeInForce = form.timeInForce;
    price = number('order-price', payload.price, 'limit price');
  }
  if (type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET') {
    payload.stopPrice = form.stopPrice.trim();
    price = number('order-stop-price', payload.stopPrice, 'trigger price');
  }
  if (symbolRules) {
    const step = parseDecimal(symbolRules.stepSize);
    const tick = parseDecimal(symbolRules.tickSize);
    const min = parseDecimal(symbolRules.minQuantity);
    const max = symbolRules.maxQuantity ? parseDecimal(symbolRules.maxQuantity) : null;
    if (quantity && step && !isMultipleOf(quantity, step)) problems['order-quantity'] = `Must be a multiple of the step ${trimDecimal(symbolRules.stepSize)}`;
    else if (quantity && min && compareDecimal(quantity, min) < 0) problems['order-quantity'] = `At least ${trimDecimal(symbolRules.minQuantity)}`;
    else if (quantity && max && compareDecimal(quantity, max) > 0) problems['order-quantity'] = `At most ${trimDecimal(symbolRules.maxQuantity)}`;
    const priceId = type === 'LIMIT' ? 'order-price' : 'order-stop-price';
    if (price && tick && !isMultipleOf(price, tick)) problems[priceId] = `Must be a multiple of the tick ${trimDecimal(symbolRules.tickSize)}`;
    // The notional at the order's price, or at the mark for a market order; reduce-only orders
    // are exempt at Binance.
    const at = price || (markPrice ? parseDecimal(markPrice) : null);
    const minNotional = symbolRules.minNotional ? parseDecimal(symbolRules.minNotional) : null;
    if (!form.reduceOnly && quantity && at && minNotional && !problems['order-quantity']
        && compareDecimal(multiplyDecimal(quantity, at), minNotional) < 0) {
      problems['order-quantity'] = `Worth ${formatDecimal(multiplyDecimal(quantity, at))} ${quoteAsset()}; the minimum notional is ${trimDecimal(symbolRules.minNotional)} ${quoteAsset()}`;
    }
  }
  return { payload, problems };
}

function submitOrder(event) {
  event.preventDefault();
  const d = app && app.dashboard();
  if (!d || !d.symbol || !canAct) return;
  const form = $('order-form').elements;
  const position = (d.positions || []).find((p) => p.symbol === d.symbol);
  const { payload, problems } = checkOrder({
    symbol: d.symbol, side: form.side.value, type: form.type.value, quantity: form.quantity.value,
    price: form.price.value, stopPrice: form.stopPrice.value, timeInForce: form.timeInForce.value, reduceOnly: form.reduceOnly.checked,
  }, rules, position && !isZero(position.markPrice || '0') ? position.markPrice : null);
  clearOrderErrors();
  const wrong = Object.keys(problems);
  for (const id of wrong) showFieldError(id, problems[id]);
  if (wrong.length) {
    $(wrong[0]).focus();
    renderCommandStatus('', '', 'order-status');
    return;
  }
  const label = `${payload.side} ${payload.type} ${trimDecimal(payload.quantity)} ${payload.symbol}`;
  run('PlaceOrder', payload, label, 'order-status', () => { form.quantity.value = ''; });
}
