// DOM building blocks shared by the pages: every value goes in through textContent or
// setAttribute, never as HTML.

import { trimDecimal, signClass, formatDateTime, formatTime, isoString } from './format.js';

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

/** A signed amount, coloured by its sign. */
export function amountCell(value, field) {
  return cell(trimDecimal(value), { field, className: ['num', signClass(value)].filter(Boolean).join(' ') });
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
