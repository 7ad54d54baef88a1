// The settings page: the runtime configuration (strategy and its parameters, risk limits, engine,
// logging) as a form. Saving sends PUT /api/config with the version the form was loaded from;
// the bot applies it as one UpdateConfig command and records ConfigChanged. When someone else
// saved in between, the page says what they changed and lets the user load their version or
// keep these edits (and save over theirs knowingly). Viewers see the form read-only.

import { el } from './dom.js';
import { parseDecimal, compareDecimal } from './decimal.js';
import { formatDateTime, fractionToPercent, SYMBOL_PATTERN, exampleSymbol } from './format.js';

const $ = (id) => document.getElementById(id);

const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w'];
const LOG_LEVELS = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'];
const ACCOUNT = /^\S{1,64}$/;

/** The fixed fields: [section, field, label, kind, options]; kinds say how a value is read and checked. */
const FIELDS = [
  ['trading', 'symbol', 'Symbol', 'symbol'],
  ['trading', 'account_id', 'Account', 'account'],
  ['risk', 'max_risk_per_trade', 'Risk per trade (fraction of equity)', 'fraction'],
  ['risk', 'daily_loss_limit', 'Daily loss limit (fraction of equity)', 'fraction'],
  ['risk', 'max_leverage', 'Max leverage', 'integer', { minimum: 1, maximum: 125 }],
  ['risk', 'max_position', 'Max position (base asset; empty for none)', 'optionalDecimal'],
  ['risk', 'max_orders_per_minute', 'Max orders per minute', 'integer', { minimum: 1, maximum: 1200 }],
  ['risk', 'allowed_symbols', 'Other symbols allowed (comma-separated)', 'symbols'],
  ['risk', 'guard_manual_orders', 'The risk guard checks users\' orders too', 'boolean'],
  ['engine', 'poll_interval_sec', 'REST poll interval (seconds)', 'integer', { minimum: 5, maximum: 3600 }],
  ['logging', 'level', 'Log level', 'choice', { choices: LOG_LEVELS }],
];
const SECTION_TITLES = { trading: 'Trading', strategy: 'Strategy', risk: 'Risk limits', engine: 'Engine', logging: 'Logging' };

/** Everything about the page while it is shown; null when hidden. */
let page = null;
let generation = 0;

export function show(ctx) {
  hide();
  const mine = ++generation;
  page = {
    ctx,
    mine,
    catalog: null, // GET /api/strategies
    loaded: null, // GET /api/config: the version the form is based on
    theirs: null, // the newer version someone else saved, while the conflict is shown
    saving: false,
    ownVersion: null, // the version this page saved: its ConfigChanged is not someone else's
    unsubscribe: ctx.subscribe((event) => onEvent(mine, event)),
  };
  buildSkeleton();
  load(mine);
}

export function hide() {
  if (!page) return;
  page.unsubscribe();
  page = null;
  generation += 1;
}

const current = (mine) => page && page.mine === mine;

// ---- loading -----------------------------------------------------------------------------------

async function load(mine, { keepEdits = false } = {}) {
  setStatus('Loading…', 'loading');
  try {
    const [catalog, config] = await Promise.all([page.ctx.api.strategies(), page.ctx.api.config()]);
    if (!current(mine)) return;
    page.catalog = catalog;
    const edits = keepEdits ? readForm() : null;
    page.loaded = config;
    page.theirs = null;
    renderForm(edits || config.config);
    renderVersion();
    showConflict(null);
    setStatus(page.ctx.canAct ? '' : 'Viewers can read the settings; an admin changes them.', page.ctx.canAct ? '' : 'readonly');
  } catch (error) {
    if (!current(mine)) return;
    setStatus(`Could not load the settings: ${error.message}`, 'failed');
  }
}

/** Someone saved a newer version: reload when the form is untouched, else warn before a save. */
function onEvent(mine, event) {
  if (!current(mine) || event.type !== 'ConfigChanged' || !page.loaded || page.saving) return;
  const version = Number(event.payload && event.payload.version);
  if (!Number.isFinite(version) || version <= page.loaded.version || version === page.ownVersion) return;
  if (!isDirty()) {
    load(mine);
  } else {
    fetchTheirs(mine);
  }
}

async function fetchTheirs(mine) {
  try {
    const theirs = await page.ctx.api.config();
    if (!current(mine) || theirs.version <= page.loaded.version) return;
    page.theirs = theirs;
    showConflict(theirs);
    setStatus(`Version ${theirs.version} was saved by ${theirs.updatedBy || 'someone'} while you edited`, 'conflict');
  } catch (error) {
    if (current(mine)) setStatus(`Could not load the newer settings: ${error.message}`, 'failed');
  }
}

// ---- the form ----------------------------------------------------------------------------------

function buildSkeleton() {
  const form = el('form', { attrs: { id: 'settings-form', novalidate: '' } });
  const conflict = el('div', { className: 'settings-conflict', attrs: { id: 'settings-conflict', role: 'alert', hidden: '' } }, [
    el('p', { attrs: { id: 'settings-conflict-text' } }),
    el('ul', { attrs: { id: 'settings-conflict-changes' } }),
    el('div', { className: 'button-row' }, [
      el('button', { className: 'button-secondary', text: 'Load their version', attrs: { type: 'button', id: 'settings-load-theirs' } }),
      el('button', { text: 'Keep my edits', attrs: { type: 'button', id: 'settings-keep-mine' } }),
    ]),
  ]);
  const actions = el('div', { className: 'button-row settings-actions' }, [
    el('button', { text: 'Save', attrs: { type: 'submit', id: 'settings-save', form: 'settings-form', disabled: '' } }),
    el('button', { className: 'button-secondary', text: 'Undo my edits', attrs: { type: 'button', id: 'settings-revert', disabled: '' } }),
  ]);
  $('settings-view').replaceChildren(
    el('h2', { className: 'page-title', text: 'Settings', attrs: { id: 'settings-title' } }),
    el('p', { className: 'note', attrs: { id: 'settings-version' } }),
    conflict,
    form,
    el('p', { className: 'form-error', attrs: { id: 'settings-form-error', hidden: '' } }),
    actions,
    el('p', { className: 'command-status', attrs: { id: 'settings-status', 'data-state': '', 'aria-live': 'polite' } }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(page.mine);
  });
  form.addEventListener('input', () => {
    if (page) renderDirty();
  });
  form.addEventListener('change', (event) => {
    if (!page) return;
    if (event.target.id === 'cfg-strategy-name') {
      // Back to the saved strategy: its saved parameters; another one starts from its defaults.
      const saved = page.loaded && page.loaded.config.strategy;
      renderStrategy(event.target.value, saved && saved.name === event.target.value ? saved.params || {} : {});
    }
    renderDirty();
  });
  $('settings-revert').addEventListener('click', () => {
    if (!page || !page.loaded) return;
    renderForm(page.loaded.config);
    clearErrors();
    renderDirty();
  });
  $('settings-load-theirs').addEventListener('click', () => {
    if (page) load(page.mine);
  });
  $('settings-keep-mine').addEventListener('click', () => {
    if (!page || !page.theirs) return;
    // Based on their version now: the next save replaces it, as the user chose.
    page.loaded = page.theirs;
    page.theirs = null;
    showConflict(null);
    renderVersion();
    renderDirty();
    setStatus('Your edits are kept, now based on the newer version: Save replaces it', '');
  });
}

/** Fills the form from a configuration document (the saved one, or edits kept across a reload). */
function renderForm(config) {
  const readOnly = !page.ctx.canAct;
  const sections = new Map();
  const fieldset = (section) => {
    if (!sections.has(section)) {
      sections.set(section, el('fieldset', { className: 'settings-section', attrs: { id: `settings-${section}` } }, [
        el('legend', { text: SECTION_TITLES[section] }),
        el('div', { className: 'form-grid settings-grid', attrs: { id: `settings-${section}-fields` } }),
      ]));
    }
    return sections.get(section).lastChild;
  };
  fieldset('trading');
  const strategyGrid = fieldset('strategy');
  for (const [section, field, label, kind, options = {}] of FIELDS) {
    const value = config[section] ? config[section][field] : undefined;
    fieldset(section).append(fieldBlock(`cfg-${section}-${field}`, label, kind, value, options));
  }
  const names = ['none', ...page.catalog.strategies.map((s) => s.name)];
  const strategy = config.strategy || {};
  strategyGrid.append(
    fieldBlock('cfg-strategy-name', 'Strategy', 'choice', strategy.name, {
      choices: names,
      labels: Object.fromEntries(page.catalog.strategies.map((s) => [s.name, s.simulatorOnly ? `${s.name} (simulator only)` : s.name])),
    }),
    fieldBlock('cfg-strategy-timeframe', 'Candles', 'choice', strategy.timeframe, { choices: TIMEFRAMES }),
  );
  const params = el('div', { attrs: { id: 'settings-params' } });
  sections.get('strategy').append(el('p', { className: 'note', attrs: { id: 'settings-strategy-summary' } }), params);
  $('settings-form').replaceChildren(...sections.values());
  renderStrategy(strategy.name || 'none', strategy.params || {});
  for (const input of $('settings-form').querySelectorAll('input, select')) input.disabled = readOnly;
  $('settings-save').hidden = readOnly;
  $('settings-revert').hidden = readOnly;
  renderDirty();
}

/** The chosen strategy's summary and one input per parameter (defaults as placeholders). */
function renderStrategy(name, values) {
  const descriptor = page.catalog.strategies.find((s) => s.name === name);
  $('settings-strategy-summary').textContent = descriptor ? descriptor.summary : 'No strategy: manual trading only';
  const grid = el('div', { className: 'form-grid settings-grid' });
  for (const spec of descriptor ? descriptor.parameters : []) {
    const kind = spec.kind === 'integer' ? 'integer' : spec.kind === 'decimal' ? 'decimal' : spec.kind === 'choice' ? 'choice' : 'text';
    const block = fieldBlock(`cfg-param-${spec.name}`, spec.name, kind, values[spec.name], { ...spec, optional: true });
    block.append(el('p', { className: 'note', text: `${spec.help}; default ${spec.default}`, attrs: { id: `cfg-param-${spec.name}-help` } }));
    grid.append(block);
  }
  const heading = descriptor && descriptor.parameters.length ? [el('h3', { className: 'settings-subtitle', text: 'Parameters' })] : [];
  $('settings-params').replaceChildren(...heading, grid);
  if (page && !page.ctx.canAct) for (const input of grid.querySelectorAll('input, select')) input.disabled = true;
}

/** A label, an input (or select, or checkbox) and the place for its error. */
function fieldBlock(id, label, kind, value, options = {}) {
  const error = el('p', { className: 'field-error', attrs: { id: `${id}-error`, hidden: '' } });
  let input;
  if (kind === 'boolean') {
    input = el('input', { attrs: { id, type: 'checkbox', 'data-kind': kind } });
    input.checked = value === true;
    return el('div', { className: 'check-row settings-check' }, [input, el('label', { text: label, attrs: { for: id } }), error]);
  }
  if (kind === 'choice') {
    const choices = options.choices || [];
    const shown = value !== undefined && value !== null && !choices.includes(String(value)) ? [...choices, String(value)] : choices;
    const blank = options.optional ? [el('option', { text: `default (${options.default})`, attrs: { value: '' } })] : [];
    input = el('select', { attrs: { id, 'data-kind': kind } }, [
      ...blank,
      ...shown.map((c) => el('option', { text: (options.labels && options.labels[c]) || c, attrs: { value: c } })),
    ]);
    input.value = value === undefined || value === null ? (options.optional ? '' : shown[0] || '') : String(value);
  } else {
    const attrs = { id, type: 'text', autocomplete: 'off', spellcheck: 'false', 'data-kind': kind, 'aria-describedby': `${id}-error` };
    if (kind === 'integer') attrs.inputmode = 'numeric';
    if (kind === 'decimal' || kind === 'fraction' || kind === 'optionalDecimal') attrs.inputmode = 'decimal';
    if (options.optional && options.default !== undefined) attrs.placeholder = String(options.default);
    input = el('input', { attrs });
    input.value = kind === 'symbols' ? (Array.isArray(value) ? value.join(', ') : '') : value === undefined || value === null ? '' : String(value);
  }
  for (const key of ['minimum', 'maximum', 'above', 'atMost', 'optional']) {
    if (options[key] !== undefined) input.dataset[key] = String(options[key]);
  }
  const hint = kind === 'fraction' ? [el('p', { className: 'note', attrs: { id: `${id}-hint` } })] : [];
  const block = el('div', { className: 'settings-field' }, [el('label', { text: label, attrs: { for: id } }), input, ...hint, error]);
  if (kind === 'fraction') {
    const update = () => {
      const hintNode = block.querySelector(`#${id}-hint`);
      hintNode.textContent = parseDecimal(input.value.trim()) ? `= ${fractionToPercent(input.value.trim())} %` : '';
    };
    input.addEventListener('input', update);
    update();
  }
  return block;
}

// ---- reading and checking ----------------------------------------------------------------------

/** The form as a configuration document (values as typed; `check` says what is wrong). */
function readForm() {
  const value = (id) => {
    const input = $(id);
    return input ? input.value.trim() : '';
  };
  const config = { trading: {}, strategy: {}, risk: {}, engine: {}, logging: {} };
  for (const [section, field, , kind] of FIELDS) {
    const input = $(`cfg-${section}-${field}`);
    if (!input) continue;
    config[section][field] = readValue(kind, kind === 'boolean' ? input.checked : value(input.id));
  }
  if (config.risk.max_position === null) delete config.risk.max_position;
  config.strategy.name = value('cfg-strategy-name') || 'none';
  config.strategy.timeframe = value('cfg-strategy-timeframe') || '1m';
  config.strategy.params = {};
  for (const input of $('settings-params').querySelectorAll('input, select')) {
    const text = input.value.trim();
    if (text === '') continue; // takes the strategy's default
    const name = input.id.replace(/^cfg-param-/, '');
    config.strategy.params[name] = input.dataset.kind === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text;
  }
  return config;
}

function readValue(kind, raw) {
  switch (kind) {
    case 'boolean': return raw;
    case 'integer': return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'symbols': return raw === '' ? [] : raw.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase());
    case 'symbol': return raw.toUpperCase();
    case 'optionalDecimal': return raw === '' ? null : raw;
    default: return raw;
  }
}

/** What is wrong with each input, checked the way the server will: [{id, message}]. */
function check() {
  const problems = [];
  for (const input of $('settings-form').querySelectorAll('input[data-kind], select[data-kind]')) {
    const message = problemWith(input);
    if (message) problems.push({ id: input.id, message });
  }
  return problems;
}

function problemWith(input) {
  const text = input.value.trim();
  const { kind, minimum, maximum, above, atMost, optional } = { ...input.dataset };
  if (text === '' && (optional === 'true' || kind === 'optionalDecimal' || kind === 'symbols' || kind === 'boolean')) return null;
  switch (kind) {
    case 'symbol':
      return SYMBOL_PATTERN.test(text.toUpperCase()) ? null : `must be a symbol such as ${exampleSymbol()}`;
    case 'account':
      return ACCOUNT.test(text) ? null : 'must be an account name without spaces';
    case 'symbols': {
      const bad = text.split(/[\s,]+/).filter(Boolean).find((s) => !SYMBOL_PATTERN.test(s.toUpperCase()));
      return bad ? `${bad} is not a symbol such as ${exampleSymbol()}` : null;
    }
    case 'integer': {
      if (!/^-?\d+$/.test(text)) return `must be a whole number${minimum !== undefined ? ` from ${minimum} to ${maximum}` : ''}`;
      const n = Number(text);
      if (minimum !== undefined && (n < Number(minimum) || n > Number(maximum))) return `must be from ${minimum} to ${maximum}`;
      return null;
    }
    case 'fraction':
      return decimalProblem(text, '0', '1', 'such as 0.02 for 2 %');
    case 'optionalDecimal':
      return decimalProblem(text, '0', null, 'such as 0.5');
    case 'decimal':
      return decimalProblem(text, above ?? null, atMost ?? null, '');
    case 'choice':
      return text === '' && optional !== 'true' ? 'choose one' : null;
    default:
      return text === '' ? 'must not be empty' : null;
  }
}

function decimalProblem(text, above, atMost, example) {
  const value = parseDecimal(text);
  const range = [above !== null ? `greater than ${above}` : '', atMost !== null ? `at most ${atMost}` : ''].filter(Boolean).join(' and ');
  const rule = `must be a decimal${range ? ` ${range}` : ''}${example ? `, ${example}` : ''}`;
  if (!value) return rule;
  if (above !== null && compareDecimal(value, parseDecimal(above)) <= 0) return rule;
  if (atMost !== null && compareDecimal(value, parseDecimal(atMost)) > 0) return rule;
  return null;
}

// ---- errors, status, dirty state -----------------------------------------------------------------

function clearErrors() {
  for (const node of $('settings-view').querySelectorAll('.field-error')) {
    node.textContent = '';
    node.hidden = true;
  }
  for (const input of $('settings-form').querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  $('settings-form-error').hidden = true;
}

function showErrors(problems) {
  clearErrors();
  const general = [];
  for (const { id, message } of problems) {
    const input = $(id);
    const node = $(`${id}-error`);
    if (input && node) {
      input.setAttribute('aria-invalid', 'true');
      node.textContent = message;
      node.hidden = false;
    } else {
      general.push(message);
    }
  }
  if (general.length) {
    $('settings-form-error').textContent = general.join('; ');
    $('settings-form-error').hidden = false;
  }
  const first = problems.map((p) => $(p.id)).find(Boolean);
  if (first) first.focus();
}

/** The input a server field path names: risk.daily_loss_limit, strategy.params.fast. */
function inputIdFor(path) {
  const parts = String(path).split('.');
  if (parts[0] === 'strategy' && parts[1] === 'params' && parts[2]) return `cfg-param-${parts[2]}`;
  return `cfg-${parts.join('-')}`;
}

function setStatus(text, state) {
  const node = $('settings-status');
  if (!node) return;
  node.textContent = text;
  node.dataset.state = state || '';
}

function renderVersion() {
  const c = page.loaded;
  const when = c.updatedAt ? `, saved ${formatDateTime(c.updatedAt)}` : '';
  const by = c.updatedBy ? ` by ${c.updatedBy}` : '';
  $('settings-version').textContent = `Version ${c.version}${when}${by}`;
  $('settings-version').dataset.version = String(c.version);
}

function isDirty() {
  return Boolean(page && page.loaded && $('settings-form').firstChild
    && JSON.stringify(canonical(readForm())) !== JSON.stringify(canonical(page.loaded.config)));
}

function renderDirty() {
  const dirty = isDirty();
  $('settings-save').disabled = !dirty || page.saving || !page.ctx.canAct;
  $('settings-revert').disabled = !dirty || page.saving;
  $('settings-form').dataset.dirty = dirty ? 'true' : 'false';
}

/** A document with its keys sorted and numbers as text, so equal settings compare equal. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return typeof value === 'number' ? String(value) : value;
}

// ---- the conflict --------------------------------------------------------------------------------

function showConflict(theirs) {
  const box = $('settings-conflict');
  if (!theirs) {
    box.hidden = true;
    return;
  }
  const by = theirs.updatedBy || 'someone';
  const when = theirs.updatedAt ? ` at ${formatDateTime(theirs.updatedAt)}` : '';
  $('settings-conflict-text').textContent = `${by} saved version ${theirs.version}${when} after you loaded version `
    + `${page.loaded.version}. Your edits are not saved. They changed:`;
  const changes = differences(page.loaded.config, theirs.config);
  $('settings-conflict-changes').replaceChildren(...(changes.length
    ? changes.map(({ path, before, after }) => el('li', { className: 'mono', text: `${path}: ${before} → ${after}` }))
    : [el('li', { text: 'nothing you can see here (the same values were saved again)' })]));
  box.hidden = false;
  $('settings-load-theirs').focus();
}

/** The leaves that differ between two documents, as path: before → after. */
function differences(a, b, path = '') {
  const out = [];
  const keys = new Set([...Object.keys(a || {}), ...Object.keys(b || {})]);
  for (const key of [...keys].sort()) {
    const here = path ? `${path}.${key}` : key;
    const x = a ? a[key] : undefined;
    const y = b ? b[key] : undefined;
    const objects = x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y);
    if (objects) out.push(...differences(x, y, here));
    else if (JSON.stringify(canonical(x)) !== JSON.stringify(canonical(y))) out.push({ path: here, before: shown(x), after: shown(y) });
  }
  return out;
}

const shown = (v) => (v === undefined ? '(not set)' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

// ---- saving --------------------------------------------------------------------------------------

async function save(mine) {
  if (!current(mine) || page.saving || !page.ctx.canAct || !page.loaded) return;
  const problems = check();
  if (problems.length) {
    showErrors(problems);
    setStatus(`Not saved: ${problems.length === 1 ? 'one field needs' : `${problems.length} fields need`} attention`, 'invalid');
    return;
  }
  clearErrors();
  const document = readForm();
  const base = page.loaded.version;
  page.saving = true;
  renderDirty();
  setStatus('Saving…', 'saving');
  try {
    const command = await page.ctx.api.putConfig(base, document);
    if (!current(mine)) return;
    const settled = await page.ctx.followPosted(command, {
      label: 'Save settings',
      show: (text) => { if (current(mine)) setStatus(text, 'saving'); },
    });
    if (!current(mine)) return;
    if (settled && settled.status === 'ACK') {
      page.ownVersion = Number(settled.result && settled.result.version);
      await load(mine);
      if (current(mine)) setStatus(`Saved as version ${settled.result && settled.result.version}; the bot applies it now`, 'saved');
    } else if (settled && /stale configuration/.test(settled.error || '')) {
      await conflictAfterSave(mine);
    } else {
      setStatus(`Not saved: ${(settled && settled.error) || 'the bot did not answer; is it running?'}`, 'failed');
    }
  } catch (error) {
    if (!current(mine) || error.sessionExpired) return;
    if (error.status === 409) {
      await conflictAfterSave(mine);
    } else if (error.status === 400 && error.fields.length) {
      showErrors(error.fields.map((f) => ({ id: inputIdFor(f.field), message: f.message })));
      setStatus(`Not saved: ${error.message}`, 'invalid');
    } else {
      setStatus(`Not saved: ${error.message}`, 'failed');
    }
  } finally {
    if (current(mine)) {
      page.saving = false;
      renderDirty();
    }
  }
}

async function conflictAfterSave(mine) {
  page.saving = false;
  await fetchTheirs(mine);
  if (current(mine) && page.theirs) {
    setStatus(`Not saved: version ${page.theirs.version} was saved after you loaded version ${page.loaded.version}`, 'conflict');
  }
}
