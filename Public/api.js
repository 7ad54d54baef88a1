// The JSON API: one fetch wrapper that adds the bearer token, turns every failure (network,
// timeout, HTTP error, bad JSON) into an ApiError, and reports an expired session once so the
// app can send the user back to the login view. Every URL of the API is made here (apiPath): a
// web serving several accounts has each one's API under /api/accounts/<name>/.

// The token of a web of one unnamed account: the key it always had (the browser tests read it).
const TOKEN_KEY = 'alphaengine.token';
// Named accounts' tokens, {name: token}: a token is good for its own account only.
const TOKENS_KEY = 'alphaengine.tokens';
const TIMEOUT_MS = 15000;

/** A failed call: `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = 'network', retryAfter = null, sessionExpired = false, fields = [] } = {}) {
    super(message);
    // A 400's wrong fields, each {field, message} with the field named by path (risk.daily_loss_limit).
    this.fields = fields;
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    // Set when the app is already redirecting to login: callers should show nothing more.
    this.sessionExpired = sessionExpired;
  }
}

// ---- the account -------------------------------------------------------------------------------

/** The account the calls go to: its name, or null on a web of one unnamed account (plain /api/…). */
let selected = null;

export function currentAccount() {
  return selected;
}

/** Sends the calls made from now on to `name` (null: the plain /api/… of a web of one account). */
export function selectAccount(name) {
  selected = typeof name === 'string' && name !== '' ? name : null;
}

/**
 * Where a call to `path` (always written /api/…, query included) goes for the account `name`:
 * unchanged for an unnamed account, else the same path under /api/accounts/<name>/, where that
 * account's whole API lives (its login, stream and commands too).
 */
export function apiPath(path, name = selected) {
  if (name === null) return path;
  return `/api/accounts/${encodeURIComponent(name)}${path.replace(/^\/api(?=\/|\?|$)/, '')}`;
}

// ---- the tokens (sessionStorage: gone when the tab closes, never sent automatically) ----------
// One per account: signing in to one account, or out of it, leaves the others as they are.

function readTokens() {
  try {
    const map = JSON.parse(sessionStorage.getItem(TOKENS_KEY) || '{}');
    return map && typeof map === 'object' && !Array.isArray(map) ? map : {};
  } catch {
    return {};
  }
}

function writeTokens(map) {
  try {
    if (Object.keys(map).length > 0) sessionStorage.setItem(TOKENS_KEY, JSON.stringify(map));
    else sessionStorage.removeItem(TOKENS_KEY);
  } catch {
    // Without storage the session lasts only until the next reload.
  }
}

/** The token of `name` (the selected account unless said), or null when this tab has none for it. */
export function getToken(name = selected) {
  if (name === null) {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }
  const map = readTokens();
  return Object.hasOwn(map, name) && typeof map[name] === 'string' ? map[name] : null;
}

export function setToken(token, name = selected) {
  if (name === null) {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Without storage the session lasts only until the next reload.
    }
    return;
  }
  writeTokens({ ...readTokens(), [name]: token });
}

export function clearToken(name = selected) {
  if (name === null) {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Nothing stored, nothing to clear.
    }
    return;
  }
  const map = readTokens();
  if (!Object.hasOwn(map, name)) return;
  delete map[name];
  writeTokens(map);
}

let unauthorizedHandler = () => {};

/**
 * Called (once per failing call) when an authenticated call answers 401, with the account it was
 * made for: that account's token is already dropped, and only that one's.
 */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// ---- the wrapper -------------------------------------------------------------------------------

/**
 * One call. `path` is written /api/…; `account` (the selected one unless said) decides where it
 * goes and whose token it carries, fixed when the call starts: an answer that arrives after a
 * switch still belongs to the account it was asked of. `scoped: false` leaves the path as it is,
 * for what is not any one account's (GET /api/accounts).
 */
async function request(method, path, { body, auth = true, headers = {}, account = selected, scoped = true } = {}) {
  const url = scoped ? apiPath(path, account) : path;
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const token = auth ? getToken(account) : null;
  if (token) init.headers.Authorization = `Bearer ${token}`;
  // A hung request would freeze a button or a poll forever.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  init.signal = controller.signal;

  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const timedOut = error && error.name === 'AbortError';
    throw new ApiError(timedOut ? 'The server did not answer in time' : 'Cannot reach the server; check the connection');
  } finally {
    clearTimeout(timer);
  }

  const data = await readJSON(response);
  if (response.ok) return { status: response.status, data, headers: response.headers };

  const detail = data && data.error ? data.error : {};
  const options = { status: response.status, code: detail.code || `http_${response.status}` };
  if (response.status === 401 && auth) {
    // This account's session ended; the tab's sessions on the other accounts did not.
    clearToken(account);
    unauthorizedHandler(account);
    throw new ApiError('Your session has expired; sign in again', { ...options, sessionExpired: true });
  }
  if (response.status === 429) {
    const seconds = Number.parseInt(response.headers.get('Retry-After') || '', 10);
    options.retryAfter = Number.isFinite(seconds) ? seconds : null;
  }
  options.fields = Array.isArray(detail.fields) ? detail.fields : [];
  throw new ApiError(describe(response.status, detail), options);
}

/** The body as JSON, or null when there is none or it is not JSON (a proxy's HTML error page). */
async function readJSON(response) {
  if (response.status === 204) return null;
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function describe(status, detail) {
  const fallback = status === 403 ? 'You are not allowed to do that' : `The server answered ${status}`;
  let message = detail.message || fallback;
  // A 400 lists each wrong field; naming them helps more than "invalid request".
  if (Array.isArray(detail.fields) && detail.fields.length > 0) {
    message += `: ${detail.fields.map((f) => `${f.field} ${f.message}`).join('; ')}`;
  }
  return message;
}

// ---- the calls this dashboard makes ------------------------------------------------------------

/**
 * The accounts this web serves, `[{name, venue, mode}]` with the default first; a web of one
 * account lists it with name null. Needs no sign-in: the login form offers them.
 */
export async function accounts() {
  const { data } = await request('GET', '/api/accounts', { auth: false, scoped: false });
  return data && Array.isArray(data.accounts) ? data.accounts : [];
}

/** Signs in to the selected account; keeps its token on success. Never triggers the session-expired redirect. */
export async function login(username, password) {
  const account = selected;
  const { data } = await request('POST', '/api/auth/login', { body: { username, password }, auth: false, account });
  if (!data || typeof data.token !== 'string') throw new ApiError('The server sent no token', { status: 200, code: 'bad_response' });
  setToken(data.token, account);
  return data;
}

/** Ends the selected account's session on the server (and its cookie); the caller clears local state either way. */
export async function logout() {
  const account = selected;
  const token = getToken(account);
  if (!token) return;
  await request('POST', '/api/auth/logout', { auth: false, account, headers: { Authorization: `Bearer ${token}` } });
}

export async function me() {
  return (await request('GET', '/api/auth/me')).data;
}

export async function dashboard() {
  return (await request('GET', '/api/dashboard')).data;
}

/** A page of the event log, oldest first: `{events, next}`. */
export async function events(params = {}) {
  return (await request('GET', `/api/events${queryString(params)}`)).data;
}

/** Queues a command; answers the command (status NEW) and where to follow it. */
export async function postCommand(type, payload = {}) {
  // When the answer is lost (no response, timeout) the command may still have been stored: the
  // one retry carries the same Idempotency-Key, so the server returns that command instead of
  // queueing a second one.
  // The retry goes to the account the first try went to, whatever was selected meanwhile.
  const account = selected;
  const options = { body: { type, payload }, headers: { 'Idempotency-Key': randomKey() }, account };
  let answer;
  try {
    answer = await request('POST', '/api/commands', options);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    answer = await request('POST', '/api/commands', options);
  }
  const { data, headers } = answer;
  // An account's API answers as if it were the only one (Location: /api/commands/…): put it back under the account.
  const stored = headers.get('Location') || (data && data.id ? `/api/commands/${encodeURIComponent(data.id)}` : null);
  const location = stored && stored.startsWith('/api/') && !stored.startsWith('/api/accounts/') ? apiPath(stored, account) : stored;
  return { command: data, location };
}

export async function command(id) {
  return (await request('GET', `/api/commands/${encodeURIComponent(id)}`)).data;
}

/** `?a=1&b=2` from an object, leaving out null, undefined and '' (arrays repeat the name). */
function queryString(params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => query.append(key, String(v)));
    else if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** A page of commands, newest first: `{commands, next}`; params status, type, limit, before (the previous page's next). */
export async function commands(params = {}) {
  return (await request('GET', `/api/commands${queryString(params)}`)).data;
}

/** A page of orders, newest first: `{orders, next}`; params status, symbol, limit, cursor. */
export async function orders(params = {}) {
  return (await request('GET', `/api/orders${queryString(params)}`)).data;
}

/** A page of fills, oldest first (newest with order=desc): `{trades, next}`; params symbol, after, before, order, limit. */
export async function trades(params = {}) {
  return (await request('GET', `/api/trades${queryString(params)}`)).data;
}

/** Deposits, transfers and withdrawals, newest first: `{movements, next}`; params before (the previous page's next), limit. */
export async function funds(params = {}) {
  return (await request('GET', `/api/funds${queryString(params)}`)).data;
}

/** Candles: `{symbol, timeframe, source, candles}`; params symbol, timeframe, limit, from, until, source. */
export async function candles(params = {}) {
  return (await request('GET', `/api/candles${queryString(params)}`)).data;
}

/** PnL per UTC day: params from, until. */
export async function pnl(params = {}) {
  return (await request('GET', `/api/pnl${queryString(params)}`)).data;
}

/** The symbols' order rules (tick, step, minimum quantity and notional): `{symbols}`. */
export async function symbols() {
  return (await request('GET', '/api/symbols')).data;
}

/** The runtime configuration: `{version, updatedAt, updatedBy, config}`. */
export async function config() {
  return (await request('GET', '/api/config')).data;
}

/**
 * Replaces the configuration if it is still at `expectedVersion`; answers the UpdateConfig
 * command. A stale version is an ApiError with status 409; field problems are 400 with `fields`.
 */
export async function putConfig(expectedVersion, document) {
  const options = { body: { expectedVersion, config: document }, headers: { 'Idempotency-Key': randomKey() }, account: selected };
  let answer;
  try {
    answer = await request('PUT', '/api/config', options);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    answer = await request('PUT', '/api/config', options);
  }
  return answer.data;
}

/** The strategy catalog: `{active, strategies: [{name, summary, simulatorOnly, parameters}]}`. */
export async function strategies() {
  return (await request('GET', '/api/strategies')).data;
}

/** What each strategy (and manual trading) has earned. */
export async function strategyResults() {
  return (await request('GET', '/api/strategies/results')).data;
}

/** 32 hex characters; getRandomValues works on plain http too, unlike randomUUID. */
function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
