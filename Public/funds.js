// Money in and out of the account: deposits, transfers between the spot and futures wallets,
// withdrawals — ours (origin COMMAND) and someone else's (OUTSIDE). None of it is trading PnL, so
// it has its own table. One row shape serves the dashboard's panel and the funds history page.

import { el, cell, numberCell, timeCell, fillTable } from './dom.js';
import { MONEY_PLACES } from './format.js';

/** The event types /api/funds lists; any of them arriving live makes a shown list stale. */
export const FUND_EVENT_TYPES = ['DepositDetected', 'InternalTransferRequested', 'InternalTransferCompleted', 'InternalTransferFailed',
  'WithdrawRequested', 'WithdrawCompleted', 'WithdrawFailed'];

const WORDS = {
  DepositDetected: 'Deposit',
  InternalTransferRequested: 'Transfer requested',
  InternalTransferCompleted: 'Transfer done',
  InternalTransferFailed: 'Transfer failed',
  WithdrawRequested: 'Withdrawal requested',
  WithdrawCompleted: 'Withdrawal done',
  WithdrawFailed: 'Withdrawal failed',
};
const DIRECTIONS = { TO_SPOT: 'futures → spot', TO_FUTURES: 'spot → futures' };
const ORIGINS = { OUTSIDE: 'not done by AlphaEngine', COMMAND: 'an AlphaEngine command' };

/** The columns as history.js names them (label, classes); index.html's funds table has the same. */
export const FUND_COLUMNS = [['Time'], ['Movement'], ['Wallet', 'optional'], ['Origin'], ['Amount', 'num'], ['Details', 'optional']];

/** "Transfer done" for InternalTransferCompleted; an unknown type as it came. */
export function fundWords(type) {
  return WORDS[type] || String(type || '—');
}

/** One movement as a table row (FundMovement of the API). */
export function fundRow(m) {
  const amount = numberCell(m.amount, 'amount', MONEY_PLACES);
  amount.append(' ', el('span', { className: 'asset', text: m.asset || '' }));
  const origin = cell(m.origin, { field: 'origin', className: `origin origin-${String(m.origin || '').toLowerCase()}` });
  if (ORIGINS[m.origin]) origin.title = ORIGINS[m.origin];
  const details = [DIRECTIONS[m.direction], m.address && `to ${m.address}`, m.network && `network ${m.network}`, m.reason].filter(Boolean);
  return el('tr', { attrs: { 'data-seq': m.seq ?? '', 'data-type': m.type || '', 'data-origin': m.origin || '' } }, [
    // When the money moved at the exchange; the event's own time when the exchange gave none.
    timeCell(m.time ?? m.ts, 'time'),
    cell(fundWords(m.type), { field: 'type' }),
    cell(m.wallet, { field: 'wallet', className: 'col-optional' }),
    origin,
    amount,
    cell(details.length ? details.join(' · ') : '—', { field: 'details', className: 'col-optional fund-details' }),
  ]);
}

/** The dashboard's panel: the latest movements (the dashboard carries ten), newest first. */
export function renderFunds(movements) {
  fillTable('funds', movements.map(fundRow), 'No deposit, transfer or withdrawal yet');
}
