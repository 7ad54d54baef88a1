// DOM building blocks shared by the pages: every value goes in through textContent or
// setAttribute, never as HTML.

import { trimDecimal, roundDecimal, signClass, formatDateTime, formatTime, isoString } from './format.js';

const $ = (id) => document.getElementById(id);

/** createElement with a class, text and attributes. */
export function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

export function setText(id, text) {
  const node = $(id);
  if (node) node.textContent = text === null || text === undefined || text === '' ? '—' : String(text);
}

/** A table cell; `field` names it for tests (td[data-field="side"]). */
export function cell(text, { field, className } = {}) {
  const attrs = field ? { 'data-field': field } : undefined;
  return el('td', { className, text: text === null || text === undefined ? '—' : text, attrs });
}

/**
 * A number at `places` decimals (all of them when places is null); when that rounds, the exact
 * value is the cell's tooltip, so nothing is hidden.
 */
export function numberCell(value, field, places = null, className = 'num') {
  const exact = trimDecimal(value);
  const shown = places === null ? exact : trimDecimal(roundDecimal(value, places));
  const td = cell(shown, { field, className });
  if (shown !== exact) td.title = exact;
  return td;
}

/** A signed amount, coloured by the sign it shows (a loss that rounds to 0 is not red); `extra` adds classes. */
export function amountCell(value, field, places = null, extra = '') {
  const shown = places === null ? value : roundDecimal(value, places);
  return numberCell(value, field, places, ['num', signClass(shown), extra].filter(Boolean).join(' '));
}

/** A time cell; `short` shows the time of day only, with the full date as a tooltip. */
export function timeCell(value, field, { short = false } = {}) {
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

/** Replaces a table's rows (the table or its id), or shows one row saying it is empty. */
export function fillTable(id, rows, emptyText) {
  const table = typeof id === 'string' ? $(id) : id;
  if (!table) return;
  const body = table.tBodies[0];
  if (rows.length > 0) {
    body.replaceChildren(...rows);
  } else {
    const columns = table.tHead ? table.tHead.rows[0].cells.length : 1;
    body.replaceChildren(el('tr', { className: 'empty' }, [el('td', { text: emptyText, attrs: { colspan: columns } })]));
  }
}

/** "StrategyEvaluated" with a line-break opportunity (<wbr>) before each inner capital. */
export function breakableName(name) {
  const parts = name.split(/(?=[A-Z][a-z])/);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [document.createElement('wbr'), part]));
}
