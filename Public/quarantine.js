// The quarantine panel: symbols someone else is trading (an order AlphaEngine did not place, or a
// position its own fills do not explain). The strategy leaves such a symbol alone until a user
// decides, so the panel is loud, and only there while a quarantine is. Admins end one with
// ResolveQuarantine: Adopt (the position becomes the strategy's, with a protective stop), Close
// (the outside orders cancelled, the position flattened) or Ignore (left as it is, the strategy
// kept off). Each card is updated in place on every refresh, so a stop price being typed, the
// focus and a failed command's reason are not wiped by the next live event.

import { followCommand } from './commands.js';
import { confirmAction, showFieldError } from './controls.js';
import { el, cell, numberCell, fillTable } from './dom.js';
import { trimDecimal, absDecimal, isZero, formatDateTime, isoString } from './format.js';
import { parseDecimal, isPositive } from './decimal.js';
import { sideOf } from './summaries.js';

const $ = (id) => document.getElementById(id);

const CAUSES = {
  OUTSIDE_ORDER: 'An order placed outside AlphaEngine',
  OUTSIDE_POSITION: 'A position AlphaEngine\'s fills do not explain',
  // An adopt's stop or a close's flattening order failed: the symbol is back with the user.
  DECISION_FAILED: 'A decision that could not be carried out',
  // The exchange closed the position itself (margin at the maintenance margin).
  LIQUIDATION: 'The exchange liquidated the position',
};

/** isStopped() (the session ended), onSettled() (refresh the dashboard); set once by bindQuarantineActions. */
let hooks = null;
let canAct = false;
/** The cards on screen by quarantine id (a new quarantine on the same symbol gets a new card). */
const cards = new Map();

export function bindQuarantineActions(appHooks) {
  hooks = appHooks;
}

/** An admin can act; a viewer sees the same cards with every input and button disabled. */
export function renderQuarantineRole(admin) {
  canAct = admin;
  $('quarantine-note').hidden = canAct;
  for (const card of cards.values()) renderActions(card);
}

/**
 * Shows `quarantines` (the dashboard's), one card each; `positions` give the mark (or entry)
 * price an adopted position's stop is held against. The panel is hidden when there is none.
 */
export function renderQuarantines(quarantines, positions) {
  const list = $('quarantine-list');
  const seen = new Set();
  let at = 0; // where the next card belongs, in the server's order
  for (const q of quarantines) {
    if (!q || !q.id) continue;
    seen.add(q.id);
    let card = cards.get(q.id);
    if (!card) {
      card = createCard(q);
      cards.set(q.id, card);
    }
    updateCard(card, q, positions.find((p) => p.symbol === q.symbol) || null);
    // Moved only when out of place: re-inserting a node, even where it already is, takes the
    // focus from the stop price being typed in it.
    if (list.children[at] !== card.node) list.insertBefore(card.node, list.children[at] || null);
    at += 1;
  }
  for (const [id, card] of cards) {
    if (seen.has(id)) continue;
    card.node.remove();
    cards.delete(id);
  }
  $('quarantine-panel').hidden = cards.size === 0;
}

/** Forgets the cards (sign-out): the next user starts from a blank panel. */
export function resetQuarantines() {
  for (const card of cards.values()) card.node.remove();
  cards.clear();
  canAct = false;
  $('quarantine-panel').hidden = true;
}

// ---- a card ------------------------------------------------------------------------------------

function createCard(q) {
  const symbol = q.symbol;
  const base = `quarantine-${symbol}`; // symbols are capitals and digits: safe in an id
  const card = { symbol, busy: false, q };
  card.status = el('span', { className: 'badge', attrs: { 'data-field': 'status' } });
  card.cause = el('span', { className: 'quarantine-cause', attrs: { 'data-field': 'cause' } });
  card.reason = el('p', { className: 'quarantine-reason', attrs: { 'data-field': 'reason' } });
  card.started = el('dd', { attrs: { 'data-field': 'startedAt' } });
  card.ignoredTerm = el('dt', { text: 'Ignored' });
  card.ignored = el('dd', { attrs: { 'data-field': 'ignored' } });
  // One row per figure (not a column each): it reads the same on a phone's width.
  card.amounts = el('table', { className: 'quarantine-amounts' }, [
    el('caption', { className: 'visually-hidden', text: `${symbol}: the exchange's position and whose it is` }),
    el('tbody'),
  ]);
  card.orders = el('table', { className: 'quarantine-orders' }, [
    el('caption', { className: 'visually-hidden', text: `${symbol}: open orders placed outside AlphaEngine` }),
    el('thead', {}, [el('tr', {}, [
      el('th', { text: 'Client order id', attrs: { scope: 'col' } }),
      el('th', { text: 'Side', attrs: { scope: 'col' } }),
      el('th', { text: 'Type', attrs: { scope: 'col' } }),
      el('th', { text: 'Quantity', className: 'num', attrs: { scope: 'col' } }),
      el('th', { text: 'Price', className: 'num', attrs: { scope: 'col' } }),
    ])]),
    el('tbody'),
  ]);

  const stopId = `${base}-stop`;
  card.stopInput = el('input', { attrs: {
    id: stopId, name: 'stopPrice', type: 'text', inputmode: 'decimal', autocomplete: 'off',
    'aria-describedby': `${stopId}-hint ${stopId}-error`,
  } });
  card.stopHint = el('p', { className: 'note', attrs: { id: `${stopId}-hint` } });
  card.stopField = el('div', { className: 'quarantine-stop' }, [
    el('label', { text: 'Stop price for adopting', attrs: { for: stopId } }),
    card.stopInput,
    card.stopHint,
    el('p', { className: 'field-error', attrs: { id: `${stopId}-error`, hidden: '' } }),
  ]);
  card.adopt = el('button', { text: 'Adopt', attrs: { type: 'submit', 'data-action': 'ADOPT', 'aria-label': `Adopt ${symbol}` } });
  card.close = el('button', { text: 'Close', className: 'button-danger', attrs: { type: 'button', 'data-action': 'CLOSE', 'aria-label': `Close ${symbol}` } });
  card.ignore = el('button', { text: 'Ignore', className: 'button-secondary', attrs: { type: 'button', 'data-action': 'IGNORE', 'aria-label': `Ignore ${symbol}` } });
  card.commandStatus = el('p', { className: 'command-status', attrs: { 'data-state': '', 'aria-live': 'polite', 'data-field': 'command-status' } });
  const form = el('form', { className: 'quarantine-actions', attrs: { novalidate: '', 'aria-label': `Decide about ${symbol}` } }, [
    card.stopField,
    el('div', { className: 'button-row' }, [card.adopt, card.close, card.ignore]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    adopt(card);
  });
  card.close.addEventListener('click', () => closeQuarantine(card));
  card.ignore.addEventListener('click', () => resolve(card, 'IGNORE', {}, `Ignore ${symbol}`));

  const titleId = `${base}-title`;
  card.node = el('article', { className: 'quarantine-card', attrs: { 'data-symbol': symbol, 'data-quarantine-id': q.id, 'aria-labelledby': titleId } }, [
    el('h3', { attrs: { id: titleId } }, [el('span', { className: 'quarantine-symbol', text: symbol }), ' ', card.status, ' ', card.cause]),
    card.reason,
    el('dl', { className: 'facts' }, [el('dt', { text: 'Started' }), card.started, card.ignoredTerm, card.ignored]),
    el('div', { className: 'table-wrap', attrs: { tabindex: '0', role: 'region', 'aria-label': `${symbol} position` } }, [card.amounts]),
    el('h4', { className: 'subhead', text: 'Outside open orders' }),
    el('div', { className: 'table-wrap', attrs: { tabindex: '0', role: 'region', 'aria-label': `${symbol} outside open orders` } }, [card.orders]),
    form,
    card.commandStatus,
  ]);
  return card;
}

function updateCard(card, q, position) {
  card.q = q;
  card.position = position;
  const status = String(q.status || '');
  card.node.dataset.status = status;
  card.status.textContent = status || '—';
  card.status.className = `badge badge-quarantine-${status.toLowerCase()}`;
  card.cause.textContent = CAUSES[q.cause] || q.cause || '';
  card.reason.textContent = q.reason || '';
  card.started.replaceChildren(el('time', { text: formatDateTime(q.startedAt), attrs: { datetime: isoString(q.startedAt) } }));
  const ignored = status === 'IGNORED';
  card.ignoredTerm.hidden = !ignored;
  card.ignored.hidden = !ignored;
  card.ignored.textContent = ignored ? `${formatDateTime(q.ignoredAt)}${q.ignoredBy ? ` by ${q.ignoredBy}` : ''}` : '';

  const side = sideOf(q.position);
  const figure = (label, value, field) => el('tr', {}, [el('th', { text: label, attrs: { scope: 'row' } }), numberCell(value, field)]);
  const exchange = figure('Exchange position', q.position, 'position');
  exchange.lastChild.append(' ', el('span', { className: `side side-${side.toLowerCase()}`, text: side, attrs: { 'data-field': 'side' } }));
  card.amounts.tBodies[0].replaceChildren(exchange,
    figure('AlphaEngine\'s part', q.ownedAmount, 'ownedAmount'),
    figure('Outside part', q.outsideAmount, 'outsideAmount'));
  const orders = Array.isArray(q.outsideOpenOrders) ? q.outsideOpenOrders : [];
  fillTable(card.orders, orders.map((o) => el('tr', { attrs: { 'data-client-order-id': o.clientOrderId || '' } }, [
    cell(o.clientOrderId, { field: 'clientOrderId', className: 'mono' }),
    cell(o.side, { field: 'side', className: `side side-${String(o.side || '').toLowerCase()}` }),
    cell(o.type, { field: 'type' }),
    numberCell(o.quantity, 'quantity'),
    // A market order carries price "0": there is no limit price to show.
    isZero(o.price) ? cell('market', { field: 'price', className: 'num' }) : numberCell(o.price, 'price'),
  ])), 'None open');

  // A stop is what adopting a position needs; a flat symbol is adopted without one.
  card.stopField.hidden = side === 'FLAT';
  card.stopHint.textContent = stopHint(card.symbol, side, position);
  renderActions(card);
}

/**
 * "Below the mark price (50066.3 now) for this long": the rule the bot holds the stop to, against
 * the mark price, or the entry price while no mark is known.
 */
function stopHint(symbol, side, position) {
  const known = (value) => typeof value === 'string' && !isZero(value);
  let against = 'the market price';
  if (position && known(position.markPrice)) against = `the mark price (${trimDecimal(position.markPrice)} now)`;
  else if (position && known(position.entryPrice)) against = `the entry price (${trimDecimal(position.entryPrice)})`;
  if (side === 'LONG') return `The protective stop's trigger: below ${against} for this long.`;
  if (side === 'SHORT') return `The protective stop's trigger: above ${against} for this short.`;
  return `${symbol} is flat: no stop needed.`;
}

function renderActions(card) {
  const off = !canAct || card.busy;
  card.stopInput.disabled = !canAct;
  for (const button of [card.adopt, card.close, card.ignore]) button.disabled = off;
  // Ignoring twice fails at the bot; an ignored quarantine can still be adopted or closed.
  card.ignore.hidden = card.q.status === 'IGNORED';
}

// ---- deciding ----------------------------------------------------------------------------------

function adopt(card) {
  if (!canAct || card.busy) return;
  const payload = {};
  if (!card.stopField.hidden) {
    const text = card.stopInput.value.trim();
    const value = parseDecimal(text);
    const error = value && isPositive(value) ? '' : 'Enter the stop price as a positive number, such as 45000.5';
    showFieldError(card.stopInput.id, error);
    if (error) {
      card.stopInput.focus();
      return;
    }
    payload.stopPrice = text;
  }
  resolve(card, 'ADOPT', payload, `Adopt ${card.symbol}`, () => { card.stopInput.value = ''; });
}

async function closeQuarantine(card) {
  if (!canAct || card.busy) return;
  const { symbol, q } = card;
  const orders = Array.isArray(q.outsideOpenOrders) ? q.outsideOpenOrders.length : 0;
  const side = sideOf(q.position);
  const lines = [orders
    ? `The ${orders} outside open order${orders === 1 ? '' : 's'} on ${symbol} ${orders === 1 ? 'is' : 'are'} cancelled at the exchange.`
    : `Any outside open order on ${symbol} is cancelled at the exchange.`];
  lines.push(side === 'FLAT'
    ? `The exchange shows no ${symbol} position, so nothing is sold or bought.`
    : `Then the whole ${side} position of ${trimDecimal(absDecimal(q.position))} ${symbol} — AlphaEngine's part and the outside part — is closed at the market price.`);
  lines.push(`The quarantine ends and the strategy may trade ${symbol} again.`);
  if (await confirmAction(`Close ${symbol}?`, lines, `Close ${symbol}`)) resolve(card, 'CLOSE', {}, `Close ${symbol}`);
}

/** Sends ResolveQuarantine and follows it; the card shows each step, and a failure's reason stays. */
async function resolve(card, action, extra, label, onAck) {
  if (!canAct || card.busy || !hooks) return;
  card.busy = true;
  renderActions(card);
  try {
    const settled = await followCommand('ResolveQuarantine', { symbol: card.symbol, action, ...extra }, {
      label,
      show: (text, state) => {
        card.commandStatus.textContent = text;
        card.commandStatus.dataset.state = state || '';
      },
      isStopped: hooks.isStopped,
    });
    if (settled && settled.status === 'ACK' && onAck) onAck(settled);
    if (settled) hooks.onSettled();
  } finally {
    card.busy = false;
    if (!hooks.isStopped()) renderActions(card);
  }
}
