// Entry point: routes between the login view (#/login), the dashboard (#/dashboard) and the
// other pages (history, settings), and runs the signed-in session's data flow — the first load,
// the live stream, refreshes after each event. Rendering is dashboard.js's job; the controls,
// controls.js's; the quarantine panel's decisions, quarantine.js's; the charts, charts.js's;
// talking to the server, api.js's; which account (of a web serving several), accounts.js's. A
// switch of account ends the session here like a sign-out, and starts the new account's.

import * as api from './api.js';
import * as accounts from './accounts.js';
import { openLive } from './live.js';
import * as view from './dashboard.js';
import { cycleZone, setVenue } from './format.js';
import * as historyPage from './history.js';
import * as settings from './settings.js';
import * as controls from './controls.js';
import { followCommand, followPosted } from './commands.js';
import { startCharts, stopCharts, chartsChanged, resizeCharts } from './charts.js';
import { bindQuarantineActions, renderQuarantineRole } from './quarantine.js';

const REFRESH_MIN_GAP_MS = 200; // at most one /api/dashboard per 200 ms, however many events arrive
const HEARTBEAT_REFRESH_MS = 5000; // ages (bot heartbeat) move on even when no event arrives
const RELOAD_AFTER_ERROR_MS = 5000;
const FEED_BACKFILL = 50;
const RECENT_TRADES = 10;
const RECENT_SIGNALS = 8;
const RECENT_REFUSALS = 5;
const RECENT_MIN_GAP_MS = 500;
const SIGNAL_TYPES = ['DecisionMade', 'StrategyEvaluated'];
const DEFAULT_ROUTE = '#/dashboard';

const $ = (id) => document.getElementById(id);

/** The running dashboard (null on the login view); `stopped` makes late answers harmless. */
let session = null;
/** A message for the login view to show once (session expired, signed out). */
let loginNotice = null;

// ---- routing -----------------------------------------------------------------------------------

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { path, params: new URLSearchParams(query) };
}

/** Goes to `hash`; `route` runs from hashchange, or directly when the hash does not change. */
function go(hash, { replace = false } = {}) {
  if (location.hash === hash) {
    route();
  } else if (replace) {
    history.replaceState(null, '', hash);
    route();
  } else {
    location.hash = hash;
  }
}

/** The signed-in pages besides the dashboard: path → module with show(ctx, params) and hide(). */
const PAGES = {
  '/settings': { view: 'settings', module: settings },
  '/history/commands': { view: 'history', module: historyPage, kind: 'commands' },
  '/history/orders': { view: 'history', module: historyPage, kind: 'orders' },
  '/history/trades': { view: 'history', module: historyPage, kind: 'trades' },
  '/history/events': { view: 'history', module: historyPage, kind: 'events' },
  '/history/funds': { view: 'history', module: historyPage, kind: 'funds' },
};
let shownPage = null;

function route() {
  const { path, params } = parseHash();
  if (shownPage && PAGES[path] !== shownPage) {
    shownPage.module.hide();
    shownPage = null;
  }
  if (path === '/login') {
    showLogin();
  } else if (path === '/dashboard' || PAGES[path]) {
    if (!api.getToken()) {
      go(`#/login?next=${encodeURIComponent(location.hash || DEFAULT_ROUTE)}`, { replace: true });
    } else if (path === '/dashboard') {
      showDashboard();
    } else {
      showPage(path, PAGES[path], params);
    }
  } else {
    go(api.getToken() ? DEFAULT_ROUTE : '#/login', { replace: true });
  }
}

/** Where to go after login: `next` if it is one of our routes, else the dashboard. */
function nextRoute() {
  const next = parseHash().params.get('next');
  return next && next.startsWith('#/') && !next.startsWith('#/login') ? next : DEFAULT_ROUTE;
}

// An authenticated call answered 401: the token expired or was revoked.
api.onUnauthorized((account) => {
  // Another account's late answer (made before a switch): api.js dropped that account's token
  // alone, and nothing of it is shown any more.
  if (account !== api.currentAccount()) return;
  if (parseHash().path === '/login') return; // already on the way (several calls can fail at once)
  const here = location.hash || DEFAULT_ROUTE;
  stopDashboard();
  loginNotice = 'Your session has expired; sign in again';
  go(`#/login?next=${encodeURIComponent(here)}`);
});

// ---- login -------------------------------------------------------------------------------------

function showLogin() {
  stopDashboard();
  view.showView('login');
  view.showLoginMessage(loginNotice || '', loginNotice ? 'info' : 'error');
  loginNotice = null;
  $('username').focus();
}

async function submitLogin(event) {
  event.preventDefault();
  const form = $('login-form');
  // The account picked on the form is the one signed in to (its change event has selected it already).
  if (accounts.several()) accounts.select(form.elements.account.value);
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  if (!username || !password) {
    view.showLoginMessage('Enter your user name and password');
    (username ? form.elements.password : form.elements.username).focus();
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  button.textContent = 'Signing in…';
  view.showLoginMessage('');
  try {
    await api.login(username, password);
    form.elements.password.value = '';
    view.showLoginMessage('');
    go(nextRoute());
  } catch (error) {
    view.showLoginMessage(loginError(error));
    form.elements.password.select();
    form.elements.password.focus();
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

function loginError(error) {
  // Each account has its own users: a user of one may have no access to another.
  if (error.status === 401 && accounts.several()) return `Wrong user name or password for account ${api.currentAccount()}`;
  if (error.status === 401) return 'Wrong user name or password';
  if (error.status === 429) return `Too many attempts; try again in ${error.retryAfter ?? 'a few'} s`;
  return error.message || 'Sign-in failed';
}

// ---- switching account -------------------------------------------------------------------------

/**
 * Moves this tab to account `name` (picked in the header or on the login form): the old
 * account's stream closes and all it showed goes, as on a sign-out (its late answers find their
 * session stopped), then the same page opens for the new account — or its login form when this
 * tab has not signed in to it. The old account's token stays: switching back needs no sign-in.
 */
function switchAccount(name) {
  if (name === api.currentAccount() || !accounts.select(name)) return;
  if (shownPage) {
    shownPage.module.hide();
    shownPage = null;
  }
  stopDashboard();
  const signedIn = Boolean(api.getToken());
  if (!signedIn) loginNotice = `Sign in to account ${name}`;
  if (parseHash().path === '/login') {
    // Signed in there already: straight to the page the login form was for.
    if (signedIn) go(nextRoute());
    else showLogin();
  } else {
    route(); // the same page for the new account, or its login form (with next=) without a token
  }
}

// ---- the dashboard -----------------------------------------------------------------------------

function showDashboard() {
  view.showView('dashboard', '/dashboard');
  view.renderZone();
  startSession();
  resizeCharts();
}

/**
 * The signed-in session runs whichever page is shown: the header (mode, user, live indicator)
 * and the dashboard's live data stay current, so going back to the dashboard shows no gap.
 */
function startSession() {
  if (session) return session; // already running (the hash was set again)
  session = { stopped: false, live: null, timers: new Set(), canAct: false, commandBusy: false, listeners: new Set() };
  let ready;
  session.ready = new Promise((resolve) => { ready = resolve; });
  session.markReady = ready;
  session.refresh = makeRefresher(session);
  load(session);
  return session;
}

/** What a page module gets from the app. */
function pageContext(s) {
  return {
    api,
    get canAct() { return s.canAct; },
    /** Shows a failed call in the page's status line. */
    report,
    go,
    later: (fn, ms) => later(s, fn, ms),
    /** fn at most once per `gap` ms (a burst of calls runs it once, just after), for the session. */
    throttled: (fn, gap) => throttled(s, fn, gap),
    /** Calls fn(event) for each live event until the returned function is called. */
    subscribe(fn) {
      s.listeners.add(fn);
      return () => s.listeners.delete(fn);
    },
    /** Posts a command and follows it to ACK or FAILED; `show(text, state)` is told each step. */
    runCommand: (type, payload, { label, show }) => followCommand(type, payload, { label, show, isStopped: () => s.stopped }),
    /** Follows a command the server already stored (PUT /api/config answers one). */
    followPosted: (command, { label, show }) => followPosted(command, { label, show, isStopped: () => s.stopped }),
    /** The dashboard as last loaded (mode, symbol, seq), or null. */
    get dashboard() { return view.lastShownDashboard(); },
  };
}

async function showPage(path, page, params) {
  view.showView(page.view, path);
  view.renderZone();
  const s = startSession();
  await s.ready;
  if (s.stopped || parseHash().path !== path) return;
  shownPage = page;
  page.module.show(pageContext(s), { kind: page.kind, params });
}

function stopDashboard() {
  if (!session) return;
  session.stopped = true;
  session.refresh.cancel();
  if (session.live) session.live.close();
  for (const timer of session.timers) clearTimeout(timer);
  session = null;
  stopCharts();
  controls.resetControls();
  view.resetDashboard();
  // The next user's server may be another venue: until it says, the default zone is Local again.
  if (setVenue(null)) view.renderZone();
}

/**
 * Shows a dashboard answer, and what its venue changes: the controls (spot has no leverage or
 * stops) and, while the user has picked no zone, the default one (KST on Upbit).
 */
function showBoard(board) {
  const zoneMoved = setVenue(board && board.venue);
  view.renderDashboard(board);
  controls.renderVenue(board && board.venue);
  if (zoneMoved) zoneChanged();
}

/** Redraws every time shown after the zone changed (picked on the toggle, or the venue's default). */
function zoneChanged() {
  view.rerenderTimes();
  if (shownPage && shownPage.module.rerenderTimes) shownPage.module.rerenderTimes();
  if (session && session.recent) session.recent();
}

/** setTimeout that is cancelled with the session. */
function later(s, fn, ms) {
  const timer = setTimeout(() => {
    s.timers.delete(timer);
    if (!s.stopped) fn();
  }, ms);
  s.timers.add(timer);
}

/** Shows a failed call in the status region (unless the app is already going to login). */
function report(error, prefix = '') {
  if (error && error.sessionExpired) return;
  view.showStatus(`${prefix}${(error && error.message) || 'Something went wrong'}`, 'error');
}

async function load(s) {
  view.showStatus('Loading…');
  const [who, board] = await Promise.allSettled([api.me(), api.dashboard()]);
  if (s.stopped) return;
  if (who.status === 'fulfilled') {
    view.renderUser(who.value);
    s.canAct = Boolean(who.value && who.value.role === 'admin');
  }
  controls.renderControls(s.canAct);
  renderQuarantineRole(s.canAct);
  if (board.status === 'rejected' || who.status === 'rejected') {
    const error = board.status === 'rejected' ? board.reason : who.reason;
    report(error, 'Could not load the dashboard: ');
    later(s, () => load(s), RELOAD_AFTER_ERROR_MS);
    return;
  }
  view.showStatus('');
  showBoard(board.value);
  // For measuring the first paint (navigation start → data on screen), once per page load.
  if (performance.getEntriesByName('dashboard-shown').length === 0) performance.mark('dashboard-shown');
  s.markReady();
  const seq = Number(board.value.seq) || 0;
  const symbol = board.value.symbol;
  // Open the stream after the seq the dashboard reflects: nothing missed, nothing twice.
  s.live = openLive({
    after: seq,
    onEvent: (event) => {
      view.addEvents([event]);
      view.applyEvent(event); // shows a fill at once; the refresh below brings the rest
      s.refresh();
      if (s.recent && (event.type === 'TradeExecuted' || SIGNAL_TYPES.includes(event.type) || event.type === 'RiskGuardRejected')) s.recent();
      if (event.type === 'TradeExecuted') chartsChanged(symbol);
      for (const listener of s.listeners) listener(event);
    },
    onState: (state, info) => view.renderLive(state, info.reopened),
    onGaveUp: () => s.refresh(), // a 401 here sends the user to login
  });
  backfill(s, seq);
  s.recent = throttled(s, () => loadRecent(s, symbol), RECENT_MIN_GAP_MS);
  s.recent();
  loadControlFacts(s, symbol);
  // The charts come after the numbers are on screen: Chart.js is the page's largest file.
  later(s, () => startCharts(symbol), 0);
  const tick = () => {
    s.refresh();
    later(s, tick, HEARTBEAT_REFRESH_MS);
  };
  later(s, tick, HEARTBEAT_REFRESH_MS);
}

/** Fills the feed with the events just before the dashboard's seq. */
async function backfill(s, seq) {
  try {
    const page = await api.events({ after: Math.max(0, seq - FEED_BACKFILL), limit: FEED_BACKFILL });
    if (!s.stopped && page && Array.isArray(page.events)) view.addEvents(page.events);
  } catch (error) {
    if (!s.stopped) report(error, 'Could not load recent events: ');
  }
}

/** The newest fills, the strategy's signals and the risk guard's refusals. */
async function loadRecent(s, symbol) {
  const [trades, signals, refusals] = await Promise.allSettled([
    api.trades({ symbol, order: 'desc', limit: RECENT_TRADES }),
    api.events({ type: SIGNAL_TYPES, order: 'desc', limit: RECENT_SIGNALS }),
    api.events({ type: 'RiskGuardRejected', order: 'desc', limit: RECENT_REFUSALS }),
  ]);
  if (s.stopped) return;
  if (trades.status === 'fulfilled') view.renderTrades(trades.value.trades || []);
  if (signals.status === 'fulfilled') view.renderEventList('signals', signals.value.events || [], 'No signal yet');
  if (refusals.status === 'fulfilled') view.renderEventList('refusals', refusals.value.events || [], 'None');
  const failed = [trades, signals, refusals].find((r) => r.status === 'rejected');
  if (failed) report(failed.reason, 'Could not load recent activity: ');
}

async function loadControlFacts(s, symbol) {
  try {
    await controls.loadControlFacts(symbol);
    if (s.stopped) return;
    view.renderLeverage(symbol, controls.knownLeverage());
    view.renderSymbolRules(controls.symbolRules());
  } catch (error) {
    if (!s.stopped) report(error, 'Could not load the symbol\'s filters: ');
  }
}

/** `fn` run at most once per `gap` ms (a burst of events asks once, just after). */
function throttled(s, fn, gap) {
  let last = 0;
  let waiting = false;
  return () => {
    if (waiting) return;
    waiting = true;
    later(s, () => {
      waiting = false;
      last = Date.now();
      fn();
    }, Math.max(0, last + gap - Date.now()));
  };
}

/**
 * A refresh of /api/dashboard that runs at most once per REFRESH_MIN_GAP_MS and never two at a
 * time; a request during the gap or while one is in flight runs once, afterwards.
 */
function makeRefresher(s) {
  let lastStart = 0;
  let timer = null;
  let inFlight = false;
  let pending = false;

  const run = async () => {
    timer = null;
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    lastStart = Date.now();
    try {
      const board = await api.dashboard();
      if (s.stopped) return;
      showBoard(board);
      if (view.statusKind() === 'error') view.showStatus(''); // the problem went away
    } catch (error) {
      if (!s.stopped) report(error, 'Could not refresh: ');
    } finally {
      inFlight = false;
      if (pending) {
        pending = false;
        request();
      }
    }
  };

  const request = () => {
    if (s.stopped) return;
    if (inFlight) {
      pending = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(run, Math.max(0, lastStart + REFRESH_MIN_GAP_MS - Date.now()));
  };
  request.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return request;
}

async function signOut() {
  const account = api.currentAccount();
  const button = $('sign-out');
  button.disabled = true;
  try {
    await api.logout();
  } catch {
    // The token is dropped here anyway; it also expires on its own.
  } finally {
    button.disabled = false;
  }
  api.clearToken(account); // this account's only: the tab stays signed in to the others
  if (account !== api.currentAccount()) return; // switched away meanwhile: the page shown is another account's
  stopDashboard();
  loginNotice = 'Signed out';
  go('#/login');
}

// ---- start -------------------------------------------------------------------------------------

async function start() {
  $('login-form').addEventListener('submit', submitLogin);
  // The controls and the quarantine panel's decisions: each settled command refreshes what it changed.
  const controlHooks = {
    isStopped: () => !session || session.stopped,
    onSettled: () => {
      if (!session) return;
      session.refresh();
      if (session.recent) session.recent();
      const d = view.lastShownDashboard();
      if (d) loadControlFacts(session, d.symbol);
    },
    dashboard: () => view.lastShownDashboard(),
  };
  controls.bindControls(controlHooks);
  bindQuarantineActions(controlHooks);
  $('feed-filter').addEventListener('change', (event) => view.filterFeed(event.target.value));
  $('sign-out').addEventListener('click', signOut);
  $('account-switch').addEventListener('change', (event) => switchAccount(event.target.value));
  $('login-account').addEventListener('change', (event) => switchAccount(event.target.value));
  $('tz-toggle').addEventListener('click', () => {
    cycleZone();
    zoneChanged();
  });
  // Nothing may escape as an uncaught error: show it instead.
  window.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    report(event.reason);
  });
  view.renderZone();
  // Which account the calls go to must be known before the first one (and its token looked up).
  await accounts.loadAccounts();
  window.addEventListener('hashchange', route);
  route();
}

start();
