// The live event stream (/api/stream) over EventSource. The browser authenticates it with the
// ae_session cookie set at login, reconnects by itself and resumes with Last-Event-ID. This
// wrapper adds what EventSource lacks: listeners for the named event types, the seq seen last,
// and a fresh connection when the browser gives up (it does on any non-200 answer). On a web of
// several accounts the stream is the selected account's (/api/accounts/<name>/stream): its
// session cookie is scoped to that path, so no other URL would carry it.

import { apiPath } from './api.js';

/** Every event type the server writes (AlphaCore EventType); named SSE events reach only listeners registered by name. */
export const EVENT_TYPES = [
  'EngineStarted', 'EngineStopped', 'EnginePaused', 'EngineResumed', 'EngineModeChanged',
  'ManualOverrideExecuted', 'RiskGuardRejected', 'ConfigChanged',
  'OrderPlaced', 'OrderRejected', 'OrderCancelled', 'OrderUpdated', 'TradeExecuted',
  'PositionChanged', 'BalanceChanged', 'FeeCharged', 'FundingApplied',
  'InternalTransferRequested', 'InternalTransferCompleted', 'InternalTransferFailed',
  'DepositDetected', 'WithdrawRequested', 'WithdrawCompleted', 'WithdrawFailed',
  'DriftDetected', 'ReconciliationPerformed', 'QuarantineStarted', 'QuarantineCompleted',
  'WebSocketConnected', 'WebSocketDisconnected', 'WebSocketReconnected',
  'StrategyEvaluated', 'DecisionMade',
];

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;

/**
 * Opens the stream after `after` (a seq). Callbacks:
 *  onEvent(event)            each event's parsed JSON ({seq, type, ts, payload, ...})
 *  onState(state, info)      'connecting' | 'open' | 'reconnecting'; info.reopened is true when
 *                            'open' follows a break
 *  onGaveUp()                the browser stopped retrying (often an expired session): a chance to check
 * Returns { close() }.
 */
export function openLive({ after = 0, onEvent, onState, onGaveUp }) {
  // The account is fixed for the stream's life: a switch closes it and opens the new account's.
  const stream = apiPath('/api/stream');
  let lastSeq = after;
  let source = null;
  let retryTimer = null;
  let retryDelay = RETRY_MIN_MS;
  let broken = false; // a break happened since the last 'open'
  let stopped = false;

  const handle = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return; // a malformed frame is skipped, not fatal
    }
    if (!event || typeof event !== 'object') return;
    const seq = Number.parseInt(message.lastEventId, 10) || event.seq;
    if (typeof seq === 'number' && seq > lastSeq) lastSeq = seq;
    if (!event.type && message.type !== 'message') event.type = message.type;
    onEvent(event);
  };

  const connect = () => {
    if (stopped) return;
    // After a break the indicator keeps saying "Reconnecting…" until the stream is open again.
    if (!broken) onState('connecting', {});
    try {
      source = new EventSource(`${stream}?after=${encodeURIComponent(lastSeq)}`);
    } catch {
      scheduleRetry();
      return;
    }
    source.onopen = () => {
      retryDelay = RETRY_MIN_MS;
      onState('open', { reopened: broken });
      broken = false;
    };
    source.onerror = () => {
      if (stopped) return;
      broken = true;
      onState('reconnecting', {});
      if (source.readyState === EventSource.CLOSED) {
        // The browser will not try again; we do, after the seq we saw last.
        source = null;
        if (onGaveUp) onGaveUp();
        scheduleRetry();
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, handle);
    source.onmessage = handle; // unnamed events, should the server ever send one
  };

  const scheduleRetry = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  };

  connect();

  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = null;
      if (source) source.close();
      source = null;
    },
  };
}
