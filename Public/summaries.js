// One-line descriptions of events, for the dashboard's feed and the events history page.

import { trimDecimal, isZero, isNegative, absDecimal, isSpot } from './format.js';

/** LONG, SHORT or FLAT from a signed decimal string. */
export function sideOf(amount) {
  if (typeof amount !== 'string' || isZero(amount)) return 'FLAT';
  return isNegative(amount) ? 'SHORT' : 'LONG';
}

/** sideOf for people: on a spot venue a coin is held, not a long position, so LONG reads HELD there. */
export function positionSide(amount, spot = isSpot()) {
  const side = sideOf(amount);
  return spot && side === 'LONG' ? 'HELD' : side;
}

export function kindOf(type) {
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
// "250 USDT into FUTURES (outside)": deposits, transfers and withdrawals alike.
const fundSummary = (verb) => (p) => withReason(`${t(p.amount)} ${p.asset ?? ''} ${verb} ${p.wallet ?? ''}`
  + (p.address ? ` to ${p.address}${p.network ? ` (${p.network})` : ''}` : '') + (p.origin === 'OUTSIDE' ? ' (outside)' : ''), p);

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
    : `${p.symbol} ${positionSide(p.amount)} ${t(absDecimal(p.amount))} @ ${t(p.entryPrice)}`),
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
  QuarantineStarted: (p) => `${p.symbol ?? ''}: ${p.reason ?? p.cause ?? ''}`,
  QuarantineCompleted: (p) => `${p.symbol ?? ''} ${p.action ?? ''} by ${p.by ?? '—'}` + (p.detail ? `: ${p.detail}` : ''),
  DepositDetected: fundSummary('into'),
  InternalTransferRequested: fundSummary('requested to'),
  InternalTransferCompleted: fundSummary('moved to'),
  InternalTransferFailed: fundSummary('not moved to'),
  WithdrawRequested: fundSummary('requested out of'),
  WithdrawCompleted: fundSummary('out of'),
  WithdrawFailed: fundSummary('not taken out of'),
};

export function summarize(type, payload) {
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
