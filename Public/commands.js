// Posting a command and following it to its end: NEW → SENT → ACK or FAILED, with the reason.
// The web only stores commands; the bot runs them, so progress is read back until it settles.

import * as api from './api.js';

const POLL_MS = 250;
const POLL_GIVE_UP_MS = 30000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `isStopped`, and also true once the tab has switched to another account: a command is followed
 * on its own account, and its steps are not shown over the next account's page.
 */
function pinned(isStopped) {
  const account = api.currentAccount();
  return () => isStopped() || api.currentAccount() !== account;
}

/**
 * Posts `type` with `payload` and follows it. `show(text, state)` is told each step (state
 * "pending", "ack" or "failed"); `isStopped()` ends the wait quietly (the user signed out).
 * Returns the settled command, or null when it did not settle (or the post failed).
 */
export async function followCommand(type, payload, { label, show, isStopped = () => false }) {
  isStopped = pinned(isStopped);
  show(`${label}: sending…`, 'pending');
  let command;
  try {
    ({ command } = await api.postCommand(type, payload));
  } catch (error) {
    if (!error.sessionExpired && !isStopped()) show(`${label} refused: ${error.message}`, 'failed'); // a 400's message names each wrong field
    return null;
  }
  return followPosted(command, { label, show, isStopped });
}

/** Follows a command already stored (as POST /api/commands or PUT /api/config answered it). */
export async function followPosted(command, { label, show, isStopped = () => false }) {
  isStopped = pinned(isStopped);
  if (isStopped()) return null; // posted just before a switch or a sign-out
  const steps = [];
  const progress = (state, extra = '') => show(`${label}: ${steps.join(' → ')}${extra}`, state);
  try {
    if (!command || !command.id) throw new Error('the server did not return the command');
    let current = command;
    steps.push(current.status);
    progress('pending');
    const deadline = Date.now() + POLL_GIVE_UP_MS;
    while (current.status !== 'ACK' && current.status !== 'FAILED') {
      if (isStopped()) return null;
      if (Date.now() > deadline) {
        progress('failed', ` — still ${current.status} after ${POLL_GIVE_UP_MS / 1000} s; is the bot running?`);
        return null;
      }
      await sleep(POLL_MS);
      if (isStopped()) return null;
      try {
        current = await api.command(command.id);
      } catch (error) {
        // A blip (no answer, 5xx) is retried until the deadline; anything else ends the wait.
        if (error.sessionExpired || (error.status !== 0 && error.status < 500)) throw error;
        continue;
      }
      if (steps[steps.length - 1] !== current.status) steps.push(current.status);
      progress('pending');
    }
    if (current.status === 'ACK') {
      progress('ack');
    } else {
      progress('failed', ` — ${current.error || current.lastError || 'no reason given'}`);
    }
    return current;
  } catch (error) {
    if (error.sessionExpired || isStopped()) return null;
    show(`${label} failed: ${error.message}`, 'failed');
    return null;
  }
}
