// Entry point: routes between the login view (#/login) and the dashboard (#/dashboard), and runs
// the dashboard's data flow — the first load, the live stream, refreshes after each event, and
// the Pause/Resume commands. Rendering is dashboard.js's job; talking to the server, api.js's.

import * as api from './api.js';
import { openLive } from './live.js';
import * as view from './dashboard.js';
import { cycleZone } from './format.js';

const REFRESH_MIN_GAP_MS = 200; // at most one /api/dashboard per 200 ms, however many events arrive
const HEARTBEAT_REFRESH_MS = 5000; // ages (bot heartbeat) move on even when no event arrives
const RELOAD_AFTER_ERROR_MS = 5000;
const POLL_MS = 250;
const POLL_GIVE_UP_MS = 30000;
const FEED_BACKFILL = 50;
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

function route() {
  const { path } = parseHash();
  if (path === '/login') {
    showLogin();
  } else if (path === '/dashboard') {
    if (api.getToken()) showDashboard();
    else go(`#/login?next=${encodeURIComponent('#/dashboard')}`, { replace: true });
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
api.onUnauthorized(() => {
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
  document.title = 'Sign in · AlphaEngine';
  $('username').focus();
}

async function submitLogin(event) {
  event.preventDefault();
  const form = $('login-form');
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
  if (error.status === 401) return 'Wrong user name or password';
  if (error.status === 429) return `Too many attempts; try again in ${error.retryAfter ?? 'a few'} s`;
  return error.message || 'Sign-in failed';
}

// ---- the dashboard -----------------------------------------------------------------------------

function showDashboard() {
  view.showView('dashboard');
  view.renderZone();
  if (session) return; // already running (the hash was set again)
  session = { stopped: false, live: null, timers: new Set(), canAct: false, commandBusy: false };
  session.refresh = makeRefresher(session);
  load(session);
}

function stopDashboard() {
  if (!session) return;
  session.stopped = true;
  session.refresh.cancel();
  if (session.live) session.live.close();
  for (const timer of session.timers) clearTimeout(timer);
  session = null;
  view.resetDashboard();
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
  view.renderControls(s.canAct);
  if (board.status === 'rejected' || who.status === 'rejected') {
    const error = board.status === 'rejected' ? board.reason : who.reason;
    report(error, 'Could not load the dashboard: ');
    later(s, () => load(s), RELOAD_AFTER_ERROR_MS);
    return;
  }
  view.showStatus('');
  view.renderDashboard(board.value);
  // For measuring the first paint (navigation start → data on screen), once per page load.
  if (performance.getEntriesByName('dashboard-shown').length === 0) performance.mark('dashboard-shown');
  const seq = Number(board.value.seq) || 0;
  // Open the stream after the seq the dashboard reflects: nothing missed, nothing twice.
  s.live = openLive({
    after: seq,
    onEvent: (event) => {
      view.addEvents([event]);
      view.applyEvent(event); // shows a fill at once; the refresh below brings the rest
      s.refresh();
    },
    onState: (state, info) => view.renderLive(state, info.reopened),
    onGaveUp: () => s.refresh(), // a 401 here sends the user to login
  });
  backfill(s, seq);
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
      view.renderDashboard(board);
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

// ---- commands ----------------------------------------------------------------------------------

const COMMAND_LABELS = { PauseEngine: 'Pause', ResumeEngine: 'Resume' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts the command, then follows it every POLL_MS until ACK or FAILED. */
async function runCommand(type) {
  const s = session;
  if (!s || !s.canAct || s.commandBusy) return;
  s.commandBusy = true;
  view.renderControls(s.canAct, true);
  const label = COMMAND_LABELS[type] || type;
  const reason = $('command-reason').value.trim();
  const steps = [];
  const show = (state, extra = '') => view.renderCommandStatus(`${label}: ${steps.join(' → ')}${extra}`, state);

  view.renderCommandStatus(`${label}: sending…`, 'pending');
  try {
    const { command } = await api.postCommand(type, reason ? { reason } : {});
    if (!command || !command.id) throw new Error('the server did not return the command');
    let current = command;
    steps.push(current.status);
    show('pending');
    const deadline = Date.now() + POLL_GIVE_UP_MS;
    while (current.status !== 'ACK' && current.status !== 'FAILED') {
      if (s.stopped) return;
      if (Date.now() > deadline) {
        show('failed', ` — still ${current.status} after ${POLL_GIVE_UP_MS / 1000} s; is the bot running?`);
        return;
      }
      await sleep(POLL_MS);
      if (s.stopped) return;
      try {
        current = await api.command(command.id);
      } catch (error) {
        // A blip (no answer, 5xx) is retried until the deadline; anything else ends the wait.
        if (error.sessionExpired || (error.status !== 0 && error.status < 500)) throw error;
        continue;
      }
      if (steps[steps.length - 1] !== current.status) steps.push(current.status);
      show('pending');
    }
    if (current.status === 'ACK') {
      show('ack');
      $('command-reason').value = '';
    } else {
      const why = current.error || current.lastError || 'no reason given';
      show('failed', ` — ${why}`);
    }
    s.refresh();
  } catch (error) {
    if (!error.sessionExpired && !s.stopped) view.renderCommandStatus(`${label} failed: ${error.message}`, 'failed');
  } finally {
    s.commandBusy = false;
    if (!s.stopped) view.renderControls(s.canAct, false);
  }
}

async function signOut() {
  const button = $('sign-out');
  button.disabled = true;
  try {
    await api.logout();
  } catch {
    // The token is dropped here anyway; it also expires on its own.
  } finally {
    button.disabled = false;
  }
  api.clearToken();
  stopDashboard();
  loginNotice = 'Signed out';
  go('#/login');
}

// ---- start -------------------------------------------------------------------------------------

function start() {
  $('login-form').addEventListener('submit', submitLogin);
  $('pause').addEventListener('click', () => runCommand('PauseEngine'));
  $('resume').addEventListener('click', () => runCommand('ResumeEngine'));
  $('sign-out').addEventListener('click', signOut);
  $('tz-toggle').addEventListener('click', () => {
    cycleZone();
    view.rerenderTimes();
  });
  window.addEventListener('hashchange', route);
  // Nothing may escape as an uncaught error: show it instead.
  window.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    report(event.reason);
  });
  view.renderZone();
  route();
}

start();
