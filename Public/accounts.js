// The accounts one web serves (GET /api/accounts) and which one this tab works on. A web of one
// unnamed account changes nothing: the plain /api/… as always, no picker. With named accounts
// every call goes to the selected one's /api/accounts/<name>/… (api.js), each account with a
// token of its own; the header names the account and, when there are several, offers the others,
// as the login form does. The choice is remembered (localStorage: it outlives the tab, unlike
// the tokens) for the next visit.

import * as api from './api.js';

const ACCOUNT_KEY = 'alphaengine.account';

const $ = (id) => document.getElementById(id);

/** The named accounts ({name, venue, mode}), the default first; empty on a web of one unnamed account. */
let named = [];

/**
 * Asks the server which accounts it serves, selects the remembered one (or the default) and
 * shows the pickers. Never fails: an older server, or none answering, is taken as a web of one
 * account, whose plain /api/… is also the first account's on a newer one.
 */
export async function loadAccounts() {
  let listed = [];
  try {
    listed = await api.accounts();
  } catch {
    listed = [];
  }
  // A null name is the unnamed account of a web of one; the server names every account of several.
  named = listed.filter((a) => a && typeof a.name === 'string' && a.name !== '');
  const remembered = readRemembered();
  const chosen = named.find((a) => a.name === remembered) || named[0] || null;
  api.selectAccount(chosen ? chosen.name : null);
  fillPicker('account-switch');
  fillPicker('login-account');
  render();
}

/** True when the tab works per account (any named account), false on a web of one unnamed account. */
export function perAccount() {
  return named.length > 0;
}

/** True when there is another account to switch to. */
export function several() {
  return named.length > 1;
}

/** Selects `name` and remembers it; false (nothing changed) when this web serves no such account. */
export function select(name) {
  if (!named.some((a) => a.name === name)) return false;
  api.selectAccount(name);
  try {
    localStorage.setItem(ACCOUNT_KEY, name);
  } catch {
    // Not remembered: the next visit starts on the default account.
  }
  render();
  return true;
}

/** The account's name with its venue's, as the pickers show it: "main — Binance USDⓈ-M". */
export function describe(account) {
  const venue = account.venue && typeof account.venue.name === 'string' ? account.venue.name : '';
  return venue ? `${account.name} — ${venue}` : account.name;
}

function readRemembered() {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

/** One option per account; text and value go in as text (new Option), never as HTML. */
function fillPicker(id) {
  $(id).replaceChildren(...named.map((a) => new Option(describe(a), a.name)));
}

/** The header's name and the pickers, as the selection stands. */
function render() {
  const name = api.currentAccount();
  $('account-name').textContent = name || '';
  const badge = $('account-badge');
  badge.hidden = !name;
  const account = named.find((a) => a.name === name);
  badge.title = account ? describe(account) : '';
  $('account-switcher').hidden = !several();
  $('login-account-row').hidden = !several();
  if (name) {
    $('account-switch').value = name;
    $('login-account').value = name;
  }
}
