#!/usr/bin/env python3
"""The dashboard in headless Chromium, driven by Selenium, against a running demo (sim + bot + web).

    browser_dashboard.py BASE_URL USER PASSWORD SIM_URL SIM_CONTROL_TOKEN SCREENSHOT_DIR VIEWER VIEWER_PASSWORD

Logs in, waits for the dashboard, makes a fill in the simulator (a manual order on the exchange's
own UI) and expects it on screen within a second without a reload, pauses the engine through the
UI, reads the first paint and the bytes loaded, saves desktop and phone screenshots, and fails on
any console error or CSP violation. Prints one line per step and `ok` at the end; exits 1 with the
reason on the first failure.
"""
import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, user, password, sim_url, sim_token, shots, viewer, viewer_password = sys.argv[1:9]


def fail(message):
    print(f"FAIL {message}", flush=True)
    sys.exit(1)


def step(message):
    print(message, flush=True)


def browser(width, height):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Headless Chromium keeps windows at least 500 px wide: a phone's width needs the device metrics set.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    return driver


def text(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def wait_for(driver, seconds, condition, what):
    try:
        WebDriverWait(driver, seconds, poll_frequency=0.02).until(lambda d: condition(d))
    except Exception:
        fail(f"{what} within {seconds} s (page: {driver.find_element(By.TAG_NAME, 'body').text[:600]!r})")


def problems(driver):
    """Console errors and CSP violations since the last call."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]


def open_login(driver):
    driver.get(base + "/")
    # Shown, not just present: the view is in the HTML from the start, hidden until the app runs.
    wait_for(driver, 10, lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, "input[type=password]")), "the login form")


def log_in(driver, name=user, secret=password):
    open_login(driver)
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(secret)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    wait_for(driver, 10, lambda d: text(d, "engine-state") in ("RUNNING", "PAUSED", "SAFE"), "the engine state on the dashboard")


def sim_order(side, quantity):
    request = urllib.request.Request(sim_url + "/sim/v1/order", method="POST",
                                     data=json.dumps({"symbol": "BTCUSDT", "side": side, "quantity": quantity}).encode(),
                                     headers={"Authorization": f"Bearer {sim_token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


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

    # Pause through the UI: the command's progress, then the engine state.
    desktop.find_element(By.ID, "pause").click()
    wait_for(desktop, 10, lambda d: text(d, "engine-state") == "PAUSED", "the engine PAUSED")
    wait_for(desktop, 5, lambda d: "ACK" in text(d, "command-status"), "the pause command ACK")
    step(f"paused: {text(desktop, 'command-status')!r}")
    desktop.save_screenshot(f"{shots}/dashboard-desktop.png")
    desktop.find_element(By.ID, "resume").click()
    wait_for(desktop, 10, lambda d: text(d, "engine-state") == "RUNNING", "the engine RUNNING again")

    # First paint: navigation start → the dashboard's data shown, with what the page loaded.
    paints, sizes = [], []
    for _ in range(5):
        desktop.refresh()  # a real load of the page (a get of the same URL and hash would not reload it)
        wait_for(desktop, 10, lambda d: d.execute_script("return performance.getEntriesByName('dashboard-shown').length") > 0,
                 "the dashboard-shown mark")
        paints.append(desktop.execute_script("return performance.getEntriesByName('dashboard-shown')[0].startTime"))
        sizes.append(desktop.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, n ? n.transferSize : 0)"))
    paints.sort()
    step(f"first paint: median {paints[2]:.0f} ms, max {paints[-1]:.0f} ms; bytes loaded {max(sizes)}")
    found = problems(desktop)
    if found:
        fail(f"console errors or CSP violations: {found}")
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
    found = problems(phone)
    if found:
        fail(f"console errors or CSP violations (phone): {found}")
    step("phone layout fits 390 px")
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
    found = [p for p in problems(watcher) if "403" not in p]  # the refused fetch above is logged by Chrome itself
    if found:
        fail(f"console errors or CSP violations (viewer): {found}")
    step("viewer: controls disabled, a command refused with 403")
finally:
    watcher.quit()
print("ok", flush=True)
