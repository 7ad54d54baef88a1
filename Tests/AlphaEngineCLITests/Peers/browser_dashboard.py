#!/usr/bin/env python3
"""The dashboard in headless Chromium, driven by Selenium, against a running demo (sim + bot + web).

    browser_dashboard.py BASE_URL USER PASSWORD SIM_URL SIM_CONTROL_TOKEN SCREENSHOT_DIR VIEWER VIEWER_PASSWORD \
        ALPHAENGINE DATA_DIR

Logs in, waits for the dashboard, makes a fill in the simulator (a manual order on the exchange's
own UI) and expects it on screen within a second without a reload, pauses the engine through the
UI, reads the first paint and the bytes loaded; walks the history pages (a live fill arriving on
the events page) and the settings page (a save becomes ConfigChanged; a save over someone else's
newer version shows the conflict); restarts a second web process (ALPHAENGINE web over DATA_DIR)
under an open dashboard and expects the live indicator to show the drop and the recovery with no
event missing from the feed; places an order outside AlphaEngine (a resting limit on the exchange's
UI) and expects its quarantine card live, disabled for a viewer, then ignored and closed by the admin
(the order cancelled at the exchange); a deposit made outside shows in the funds panel and history;
saves desktop and phone screenshots of every page, and fails on any console error or CSP violation. Prints one line per step and `ok` at the end; exits 1 with the
reason on the first failure.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

import browser_support as support
from browser_support import browser, fail, problems, step, text, wait_for

base, user, password, sim_url, sim_token, shots, viewer, viewer_password, alphaengine, data_dir = sys.argv[1:11]
repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HISTORY = ["commands", "orders", "trades", "events", "funds"]


def texts(driver, selector):
    """The text of every element matching `selector`, read in one step inside the page: the dashboard
    rebuilds some tables on each refresh, so an element found a moment earlier may be gone when read."""
    return driver.execute_script("return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText.trim())", selector)


def open_login(driver, at=base):
    support.open_login(driver, at)


def log_in(driver, name=user, secret=password, at=base):
    support.log_in(driver, name, secret, at)


def sim(method, path, body=None):
    """A call to the simulator's control API: the exchange's own UI, and its ledger (the ground truth)."""
    request = urllib.request.Request(sim_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {sim_token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        fail(f"the simulator refused {method} {path} {body}: {error.code} {error.read()[:300]!r}")
    except urllib.error.URLError as error:
        fail(f"the simulator did not answer {method} {path}: {error.reason}")


def sim_order(side, quantity, **limit):
    """An order placed by hand on the exchange (not AlphaEngine's); MARKET unless type="LIMIT", price=…."""
    return sim("POST", "/sim/v1/order", {"symbol": "BTCUSDT", "side": side, "quantity": quantity, **limit})


def api(driver, method, path, body=None):
    """A call with the page's own token, as the SPA makes it: [status, JSON or null]."""
    return driver.execute_async_script(
        "const [method, path, body, done] = arguments;"
        "const headers = {'Authorization': 'Bearer ' + sessionStorage.getItem('alphaengine.token'), 'Content-Type': 'application/json'};"
        "if (method !== 'GET') headers['Idempotency-Key'] = 'browser-' + Math.random().toString(16).slice(2);"
        "fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})"
        "  .then(async (r) => done([r.status, await r.json().catch(() => null)]), (e) => done([0, String(e)]));",
        method, path, body)


def go(driver, route):
    """Another page of the SPA, as a click on its link would (the hash changes, no reload)."""
    driver.execute_script("location.hash = arguments[0]", route)


def state_of(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].get_attribute("data-state") if found else None


def rows(driver, table_id):
    return [r for r in driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr") if "empty" not in (r.get_attribute("class") or "")]


def show_history(driver, kind, query=""):
    go(driver, f"#/history/{kind}{query}")
    wait_for(driver, 10, lambda d: text(d, "history-title") == f"History: {kind}" and "shown" in text(d, "history-status")
             and d.find_elements(By.ID, f"history-{kind}"), f"the {kind} history")


def show_settings(driver):
    go(driver, "#/settings")
    wait_for(driver, 10, lambda d: d.find_elements(By.ID, "cfg-risk-max_orders_per_minute") and state_of(d, "settings-status") in ("", "readonly"),
             "the settings form")


def set_field(driver, element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def fits(driver, width, page):
    scrolled = driver.execute_script("return document.documentElement.scrollWidth")
    if scrolled > width:
        fail(f"the phone layout of {page} is {scrolled} px wide")


def start_web(port):
    """A web process of our own over the demo's database (the demo stops when its own web does)."""
    log_path = f"{data_dir}/web-restart.log"
    start = os.path.getsize(log_path) if os.path.exists(log_path) else 0
    log = open(log_path, "a")
    process = subprocess.Popen([alphaengine, "web", "--data-dir", data_dir, "--port", str(port)], cwd=repository,
                               env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ALPHAENGINE_MODE": "sim"},
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    marker = "listening on http://127.0.0.1:"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with open(log_path) as f:
            f.seek(start)
            written = f.read()
        if marker in written:
            return process, int(written.split(marker, 1)[1].split(" ", 1)[0])
        time.sleep(0.05)
    process.kill()
    fail(f"the second web process did not start: {open(log_path).read()[-800:]!r}")


def feed_seqs(driver):
    # Read in one script, in the page: the live feed re-renders its rows as events arrive, so rows
    # found first and read one by one afterwards can be gone by then (StaleElementReferenceException).
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#event-feed tbody tr[data-seq]'), row => Number(row.dataset.seq));")


desktop = browser(1280, 900)
try:
    open_login(desktop)
    desktop.save_screenshot(f"{shots}/login-desktop.png")
    log_in(desktop)
    wait_for(desktop, 10, lambda d: "USDT" in text(d, "balances"), "the balance")
    step(f"logged in: engine {text(desktop, 'engine-state')}, balances {text(desktop, 'balances')!r}")

    # A fill made on the exchange: on screen within a second, no reload.
    marker = desktop.execute_script("return performance.timeOrigin")
    sim_order("BUY", "0.010")
    started = time.monotonic()
    wait_for(desktop, 1.0, lambda d: "0.01" in text(d, "position") and "LONG" in text(d, "position"), "the fill's position")
    step(f"fill on screen after {1000 * (time.monotonic() - started):.0f} ms: {text(desktop, 'position')!r}")
    if desktop.execute_script("return performance.timeOrigin") != marker:
        fail("the page reloaded")
    wait_for(desktop, 2, lambda d: "TradeExecuted" in text(d, "event-feed"), "TradeExecuted in the event feed")
    # Prices at the symbol's tick (0.1 in the simulator), the exact value as the tooltip.
    entry = lambda d: d.find_element(By.CSS_SELECTOR, "#position td[data-field=entry]")
    wait_for(desktop, 5, lambda d: re.fullmatch(r"\d+(\.\d)?", entry(d).text), "the entry price at the tick's precision")
    exact = entry(desktop).get_attribute("title")
    if exact and not re.fullmatch(r"\d+\.\d{2,}", exact):
        fail(f"the entry's tooltip {exact!r} is not the exact price")

    # Pause through the UI: the command's progress, then the engine state.
    desktop.find_element(By.ID, "pause").click()
    wait_for(desktop, 10, lambda d: text(d, "engine-state") == "PAUSED", "the engine PAUSED")
    wait_for(desktop, 5, lambda d: "ACK" in text(d, "command-status"), "the pause command ACK")
    step(f"paused: {text(desktop, 'command-status')!r}")
    desktop.save_screenshot(f"{shots}/dashboard-desktop.png")
    desktop.find_element(By.ID, "resume").click()
    wait_for(desktop, 10, lambda d: text(d, "engine-state") == "RUNNING", "the engine RUNNING again")

    # First paint: navigation start → the dashboard's data shown, with what the page loaded.
    # A cold load each time (no cache), as a first visit is: every file is fetched and counted.
    paints, sizes = [], []
    desktop.execute_cdp_cmd("Network.enable", {})
    desktop.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    for _ in range(5):
        desktop.refresh()  # a real load of the page (a get of the same URL and hash would not reload it)
        wait_for(desktop, 10, lambda d: d.execute_script("return performance.getEntriesByName('dashboard-shown').length") > 0,
                 "the dashboard-shown mark")
        paints.append(desktop.execute_script("return performance.getEntriesByName('dashboard-shown')[0].startTime"))
        # The page's weight: each file's decoded size, Chart.js apart (it loads after the numbers).
        sizes.append(desktop.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const own = performance.getEntriesByType('resource').filter((r) => !r.name.includes('/vendor/chart.js/'));"
            "return own.reduce((s, r) => s + r.decodedBodySize, n ? n.decodedBodySize : 0)"))
    desktop.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    paints.sort()
    step(f"first paint (cold cache): median {paints[2]:.0f} ms, max {paints[-1]:.0f} ms; page weight besides Chart.js {max(sizes)} bytes")
    if max(sizes) > 300_000:
        fail(f"the page weighs {max(sizes)} bytes besides Chart.js (budget 300 000)")
    found = problems(desktop)
    if found:
        fail(f"console errors or CSP violations: {found}")

    # History: each page lists what happened above, newest first.
    show_history(desktop, "commands")
    commands = {(r.find_element(By.CSS_SELECTOR, "td[data-field=type]").text, r.get_attribute("data-status")) for r in rows(desktop, "history-commands")}
    if ("PauseEngine", "ACK") not in commands or ("ResumeEngine", "ACK") not in commands:
        fail(f"the commands page lacks the pause and resume: {sorted(commands)}")
    desktop.save_screenshot(f"{shots}/history-commands-desktop.png")
    show_history(desktop, "orders")
    desktop.save_screenshot(f"{shots}/history-orders-desktop.png")
    show_history(desktop, "trades")
    if not any(r.find_element(By.CSS_SELECTOR, "td[data-field=side]").text == "BUY" for r in rows(desktop, "history-trades")):
        fail(f"the trades page lacks the fill: {text(desktop, 'history-trades')!r}")
    desktop.save_screenshot(f"{shots}/history-trades-desktop.png")
    show_history(desktop, "events", "?type=TradeExecuted")
    types = {r.get_attribute("data-type") for r in rows(desktop, "history-events")}
    if types != {"TradeExecuted"}:
        fail(f"the events page filtered to TradeExecuted shows {types}")
    if desktop.find_element(By.ID, "history-filter-type").get_attribute("value") != "TradeExecuted":
        fail("the filter form does not show the address's filter")
    # A fill while the page is open arrives at the top, live.
    newest = int(rows(desktop, "history-events")[0].get_attribute("data-seq"))
    sim_order("SELL", "0.004")
    wait_for(desktop, 3, lambda d: int(rows(d, "history-events")[0].get_attribute("data-seq")) > newest, "the new fill on the events page")
    # More than a page of events: "Load older" brings the rest, none twice, none skipped.
    for i in range(16):
        sim_order("BUY" if i % 2 == 0 else "SELL", "0.003")
    newest, settled = 0, 0
    while settled < 5:  # until the bot has recorded every fill's events
        time.sleep(0.1)
        status, page = api(desktop, "GET", "/api/events?order=desc&limit=1")
        seq = page["events"][0]["seq"]
        settled, newest = (settled + 1, seq) if seq == newest else (0, seq)
    if newest <= 100:
        fail(f"only {newest} events after the fills")
    show_history(desktop, "events")
    desktop.save_screenshot(f"{shots}/history-events-desktop.png")
    if len(rows(desktop, "history-events")) != 100 or not desktop.find_element(By.ID, "history-more").is_displayed():
        fail(f"the first page of {newest} events shows {len(rows(desktop, 'history-events'))} rows: {text(desktop, 'history-status')!r}")
    desktop.find_element(By.ID, "history-more").click()
    wait_for(desktop, 10, lambda d: "nothing older" in text(d, "history-status"), "the older events")
    seqs = [int(r.get_attribute("data-seq")) for r in rows(desktop, "history-events")]
    if seqs != list(range(newest, 0, -1)):
        fail(f"the events after Load older are not {newest}…1 once each: {seqs[:5]}…{seqs[-5:]} ({len(seqs)})")
    if desktop.find_element(By.ID, "history-more").is_displayed():
        fail("Load older still offered with nothing older")
    step(f"history: commands, orders, trades, events ({text(desktop, 'history-status')}); a live fill arrived on the events page")

    # Settings: a save becomes one UpdateConfig command and a ConfigChanged event.
    show_settings(desktop)
    desktop.save_screenshot(f"{shots}/settings-desktop.png")
    limit = desktop.find_element(By.ID, "cfg-risk-max_orders_per_minute")
    mine = "37" if limit.get_attribute("value") != "37" else "38"
    set_field(desktop, "cfg-risk-max_orders_per_minute", mine)
    desktop.find_element(By.ID, "settings-save").click()
    wait_for(desktop, 15, lambda d: state_of(d, "settings-status") == "saved", "the settings saved")
    status, saved = api(desktop, "GET", "/api/config")
    if status != 200 or str(saved["config"]["risk"]["max_orders_per_minute"]) != mine:
        fail(f"the saved configuration is {status} {saved}")
    status, changed = api(desktop, "GET", "/api/events?type=ConfigChanged&order=desc&limit=1")
    if status != 200 or not changed["events"] or changed["events"][0]["payload"].get("version") != saved["version"]:
        fail(f"no ConfigChanged for version {saved['version']}: {changed}")
    step(f"settings saved: {text(desktop, 'settings-status')!r}, ConfigChanged seq {changed['events'][0]['seq']}")

    # A stale save: while these edits are made, someone else saves first (the same API, another
    # client); the page's save, based on the older version, shows what they changed.
    set_field(desktop, "cfg-risk-max_orders_per_minute", "44")
    theirs = json.loads(json.dumps(saved["config"]))
    theirs["risk"]["max_orders_per_minute"] = 55
    status, _ = api(desktop, "PUT", "/api/config", {"expectedVersion": saved["version"], "config": theirs})
    if status not in (200, 201, 202):
        fail(f"the other client's save answered {status}")
    desktop.find_element(By.ID, "settings-save").click()
    wait_for(desktop, 15, lambda d: d.find_element(By.ID, "settings-conflict").is_displayed(), "the conflict shown")
    if "max_orders_per_minute" not in text(desktop, "settings-conflict-changes"):
        fail(f"the conflict does not say what changed: {text(desktop, 'settings-conflict')!r}")
    desktop.save_screenshot(f"{shots}/settings-conflict-desktop.png")
    step(f"stale save: {text(desktop, 'settings-conflict-text')!r} {text(desktop, 'settings-conflict-changes')!r}")
    # Keeping one's edits replaces their version, knowingly.
    desktop.find_element(By.ID, "settings-keep-mine").click()
    desktop.find_element(By.ID, "settings-save").click()
    wait_for(desktop, 15, lambda d: state_of(d, "settings-status") == "saved", "the kept edits saved")
    status, final = api(desktop, "GET", "/api/config")
    if str(final["config"]["risk"]["max_orders_per_minute"]) != "44" or final["version"] <= saved["version"] + 1:
        fail(f"keeping my edits saved {final}")
    step(f"kept my edits over theirs: version {final['version']}")

    # Someone else trades the account: a resting limit far below the market, placed on the exchange's
    # own UI, keeps BTCUSDT in quarantine (the earlier fills there were outside ones too). Its card
    # shows the order live; a viewer sees it with every decision disabled.
    go(desktop, "#/dashboard")
    wait_for(desktop, 10, lambda d: d.find_element(By.ID, "dashboard-view").is_displayed(), "the dashboard")
    marker = desktop.execute_script("return performance.timeOrigin")
    # 0.2 × 1000: the simulator's minimum notional is 100, so the brief's 0.002 would be refused.
    outside = sim_order("BUY", "0.2", type="LIMIT", price="1000")["clientOrderId"]
    card = "#quarantine-list article[data-symbol=BTCUSDT]"
    in_card = lambda d, selector: d.find_elements(By.CSS_SELECTOR, f"{card} {selector}")
    started = time.monotonic()
    wait_for(desktop, 30, lambda d: d.find_element(By.ID, "quarantine-panel").is_displayed()
             and in_card(d, f"tr[data-client-order-id='{outside}']"), "the quarantine card with the outside order")
    step(f"quarantine on screen after {1000 * (time.monotonic() - started):.0f} ms: "
         f"{desktop.find_element(By.CSS_SELECTOR, card).get_attribute('data-status')}, {text(desktop, 'quarantine-list')[:160]!r}")
    if desktop.execute_script("return performance.timeOrigin") != marker:
        fail("the page reloaded")
    wait_for(desktop, 5, lambda d: d.find_elements(By.CSS_SELECTOR, f"#open-orders tr[data-client-order-id='{outside}'][data-outside=true] .badge-outside"),
             "the outside badge in the open orders")
    parts = {f: (texts(desktop, f"{card} td[data-field={f}]") or [""])[0] for f in ("position", "ownedAmount", "outsideAmount")}
    if parts["outsideAmount"] in ("", "0") or not texts(desktop, f"{card} td [data-field=side]"):
        fail(f"the card does not show the outside part of the position: {parts}")
    if not desktop.find_elements(By.CSS_SELECTOR, "#position td[data-field=size] [data-field=outsideAmount]"):
        fail(f"the position does not show its outside part: {text(desktop, 'position')!r}")
    desktop.execute_script("window.scrollTo(0, 0)")
    desktop.save_screenshot(f"{shots}/quarantine-desktop.png")

    watcher = browser(390, 844)
    try:
        log_in(watcher, viewer, viewer_password)
        wait_for(watcher, 10, lambda d: in_card(d, f"tr[data-client-order-id='{outside}']"), "the viewer's quarantine card")
        # Read in one step in the page, for the reason `texts` gives.
        controls = watcher.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]), (c) => [c.dataset.action || c.name, c.disabled])",
            f"{card} button, {card} input")
        if len(controls) < 3 or not all(disabled for _, disabled in controls):
            fail(f"a viewer's quarantine decisions are enabled: {controls}")
        if not watcher.find_element(By.ID, "quarantine-note").is_displayed():
            fail("no note for the viewer in the quarantine panel")
        fits(watcher, 390, "the dashboard with a quarantine")
        watcher.save_screenshot(f"{shots}/quarantine-phone.png")
        found = problems(watcher)
        if found:
            fail(f"console errors or CSP violations (viewer, quarantine): {found}")
    finally:
        watcher.quit()
    step(f"viewer: the quarantine card with its {len(controls)} decisions disabled")

    # The stop is checked before anything is sent; one on the wrong side is the bot's to refuse,
    # and its reason stays next to the card.
    stop = in_card(desktop, "input[name=stopPrice]")[0]
    stop.send_keys("-5")
    # What is being typed survives the dashboard's refreshes (the bot's heartbeat age moves on each).
    beat = text(desktop, "bot-heartbeat")
    wait_for(desktop, 8, lambda d: text(d, "bot-heartbeat") != beat, "a dashboard refresh")
    if not desktop.execute_script("return document.activeElement === arguments[0] && arguments[0].value === '-5'", stop):
        fail("a refresh took the stop price being typed, or its focus")
    in_card(desktop, "button[data-action=ADOPT]")[0].click()
    wait_for(desktop, 2, lambda d: in_card(d, ".field-error:not([hidden])"), "the stop price's error")
    if stop.get_attribute("aria-invalid") != "true" or in_card(desktop, "[data-field=command-status]")[0].text:
        fail(f"a bad stop was sent: {text(desktop, 'quarantine-list')[-300:]!r}")
    stop.clear()
    stop.send_keys("9999999")  # a valid number, but the outside limit order is still open: the bot refuses to adopt
    in_card(desktop, "button[data-action=ADOPT]")[0].click()
    status = lambda d: in_card(d, "[data-field=command-status]")[0]
    wait_for(desktop, 15, lambda d: status(d).get_attribute("data-state") == "failed", "the adopt FAILED")
    if "still open" not in status(desktop).text:
        fail(f"the failure does not say why: {status(desktop).text!r}")
    step(f"adopt with an outside order still open: {status(desktop).text!r}")
    stop.clear()

    # Ignore: the card stays, IGNORED, without an Ignore button; then Close (confirmed) ends it and
    # cancels the outside order at the exchange.
    in_card(desktop, "button[data-action=IGNORE]")[0].click()
    wait_for(desktop, 15, lambda d: d.find_element(By.CSS_SELECTOR, card).get_attribute("data-status") == "IGNORED"
             and "IGNORED" in in_card(d, "[data-field=status]")[0].text and status(d).get_attribute("data-state") == "ack", "the quarantine IGNORED")
    if in_card(desktop, "button[data-action=IGNORE]")[0].is_displayed():
        fail("Ignore still offered on an ignored quarantine")
    step(f"ignored: {status(desktop).text!r}")
    in_card(desktop, "button[data-action=CLOSE]")[0].click()
    wait_for(desktop, 5, lambda d: d.find_element(By.ID, "confirm-dialog").is_displayed(), "the confirmation of Close")
    if "outside open order" not in text(desktop, "confirm-text"):
        fail(f"the confirmation does not say what Close does: {text(desktop, 'confirm-text')!r}")
    desktop.find_element(By.ID, "confirm-ok").click()
    wait_for(desktop, 30, lambda d: not d.find_elements(By.CSS_SELECTOR, card) and not d.find_element(By.ID, "quarantine-panel").is_displayed(),
             "the quarantine card gone after Close")
    deadline, order, flat = time.monotonic() + 15, None, False
    while time.monotonic() < deadline and not (order and order["status"] == "CANCELED" and flat):
        ledger = sim("GET", "/sim/v1/ledger")
        order = next((o for o in ledger["orders"] if o["clientOrderId"] == outside), None)
        flat = all(float(p["amount"]) == 0 for p in ledger["positions"] if p["symbol"] == "BTCUSDT")
        time.sleep(0.2)
    if not order or order["status"] != "CANCELED" or not flat:
        fail(f"after Close the exchange has the order {order} and the positions {ledger['positions']}")
    step(f"closed: the outside order {outside} CANCELED at the exchange, BTCUSDT flat")

    # Money from outside: a deposit shows in the funds panel and on the funds history page.
    sim("POST", "/sim/v1/deposit", {"amount": "250"})
    deposit = "#funds tr[data-type=DepositDetected][data-origin=OUTSIDE]"
    started = time.monotonic()
    # The bot reads the wallet's history after each reconcile (every 30 s), so up to that and some.
    wait_for(desktop, 45, lambda d: any(r.find_element(By.CSS_SELECTOR, "td[data-field=amount]").text == "250 USDT"
                                        for r in d.find_elements(By.CSS_SELECTOR, deposit)), "the deposit in the funds panel")
    step(f"deposit on screen after {1000 * (time.monotonic() - started):.0f} ms: {desktop.find_element(By.CSS_SELECTOR, deposit).text!r}")
    desktop.execute_script("document.getElementById('funds-title').scrollIntoView({block: 'center'})")
    desktop.save_screenshot(f"{shots}/funds-desktop.png")
    show_history(desktop, "funds")
    # Read in one step in the page: new events reload the history's first page (see `texts`).
    listed = [tuple(row) for row in desktop.execute_script(
        "return Array.from(document.querySelectorAll('#history-funds tbody tr:not(.empty)'),"
        " (r) => [r.dataset.type, r.dataset.origin, (r.querySelector('td[data-field=amount]') || {}).innerText])")]
    if ("DepositDetected", "OUTSIDE", "250 USDT") not in listed:
        fail(f"the funds history lacks the deposit: {listed}")
    desktop.save_screenshot(f"{shots}/history-funds-desktop.png")
    step(f"funds history: {listed}")
    # The stale save's 409 is the answer the page handles; Chrome logs every 4xx response itself.
    found = [p for p in problems(desktop) if "/api/config - Failed to load resource: the server responded with a status of 409" not in p]
    if found:
        fail(f"console errors or CSP violations (history, settings): {found}")
finally:
    desktop.quit()

phone = browser(390, 844)
try:
    open_login(phone)
    phone.save_screenshot(f"{shots}/login-phone.png")
    log_in(phone)
    wait_for(phone, 10, lambda d: "USDT" in text(d, "balances"), "the balance")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    if width > 390:
        fail(f"the phone layout is {width} px wide")
    phone.save_screenshot(f"{shots}/dashboard-phone.png")
    for kind in HISTORY:
        show_history(phone, kind)
        fits(phone, 390, f"the {kind} history")
        phone.save_screenshot(f"{shots}/history-{kind}-phone.png")
    show_settings(phone)
    fits(phone, 390, "the settings")
    phone.save_screenshot(f"{shots}/settings-phone.png")
    found = problems(phone)
    if found:
        fail(f"console errors or CSP violations (phone): {found}")
    step("phone layout fits 390 px: dashboard, history pages, settings")
finally:
    phone.quit()
# A viewer sees the same dashboard with every control disabled, and the API refuses a command anyway.
watcher = browser(1280, 900)
try:
    log_in(watcher, viewer, viewer_password)
    if watcher.find_element(By.ID, "pause").is_enabled() or watcher.find_element(By.ID, "resume").is_enabled():
        fail("a viewer's controls are enabled")
    if "viewers cannot act" not in text(watcher, "controls-note"):
        fail(f"no note for the viewer: {text(watcher, 'controls-note')!r}")
    status = watcher.execute_script(
        "return fetch('/api/commands', {method: 'POST', headers: {'Authorization': 'Bearer ' + sessionStorage.getItem('alphaengine.token'),"
        " 'Content-Type': 'application/json'}, body: JSON.stringify({type: 'PauseEngine', payload: {}})}).then(r => r.status)")
    if status != 403:
        fail(f"the API answered a viewer's command with {status}")
    watcher.save_screenshot(f"{shots}/dashboard-viewer.png")
    show_settings(watcher)
    editable = [e.get_attribute("id") for e in watcher.find_elements(By.CSS_SELECTOR, "#settings-form input, #settings-form select") if e.is_enabled()]
    if editable or watcher.find_element(By.ID, "settings-save").is_displayed():
        fail(f"a viewer can edit the settings: {editable}")
    watcher.save_screenshot(f"{shots}/settings-viewer.png")
    found = [p for p in problems(watcher) if "403" not in p]  # the refused fetch above is logged by Chrome itself
    if found:
        fail(f"console errors or CSP violations (viewer): {found}")
    step("viewer: controls and settings disabled, a command refused with 403")
finally:
    watcher.quit()

# The web process restarts under an open dashboard: the indicator shows the drop and the
# recovery, and the feed afterwards holds every event, the ones made while it was down included.
second, port = start_web(0)
restarted = browser(1280, 900)
try:
    log_in(restarted, at=f"http://127.0.0.1:{port}")
    wait_for(restarted, 10, lambda d: state_of(d, "live-indicator") == "open", "the stream open")
    second.send_signal(signal.SIGTERM)
    if second.wait(timeout=15) != 0:
        fail(f"the web process exited with {second.returncode} on SIGTERM")
    wait_for(restarted, 10, lambda d: state_of(d, "live-indicator") == "reconnecting", "the live indicator showing the drop")
    restarted.save_screenshot(f"{shots}/live-reconnecting-desktop.png")
    sim_order("BUY", "0.003")
    time.sleep(1.5)  # the bot records the fill while no web is there to tell
    second, _ = start_web(port)
    wait_for(restarted, 40, lambda d: state_of(d, "live-indicator") == "open", "the live indicator back")
    recovered = text(restarted, "live-indicator")
    status, page = api(restarted, "GET", "/api/events?type=TradeExecuted&order=desc&limit=1")
    fill_seq = page["events"][0]["seq"]
    wait_for(restarted, 5, lambda d: fill_seq in feed_seqs(d), "the fill made while the web was down in the feed")
    time.sleep(0.5)
    shown = feed_seqs(restarted)
    status, page = api(restarted, "GET", f"/api/events?after={min(shown) - 1}&limit=1000")
    stored = [e["seq"] for e in page["events"] if e["seq"] <= max(shown)]
    if sorted(shown) != stored:
        fail(f"the feed after the restart differs from the log: missing {sorted(set(stored) - set(shown))}, extra {sorted(set(shown) - set(stored))}")
    if restarted.execute_script("return performance.getEntriesByName('dashboard-shown').length") != 1:
        fail("the page reloaded")
    found = [p for p in problems(restarted) if "ERR_CONNECTION_REFUSED" not in p and "Failed to load resource" not in p]
    if found:
        fail(f"console errors or CSP violations (restart): {found}")
    step(f"web restarted: indicator {recovered!r}, feed {len(shown)} events up to seq {max(shown)} with none missing (the fill at {fill_seq})")
finally:
    restarted.quit()
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=15)
print("ok", flush=True)
