#!/usr/bin/env python3
"""The dashboard of an Upbit (KRW spot) account in headless Chromium, driven by Selenium, against a
running demo (Upbit simulator + bot + web).

    browser_upbit.py BASE_URL USER PASSWORD SCREENSHOT_DIR

Logs in and expects the dashboard to show the venue as spot: the "Upbit KRW" badge, the position
card titled Holdings, the simulator's 10 000 000 KRW, the time in KST by default (a fresh profile
has no zone saved), no leverage form and "Sell holdings" for closing. Then buys 0.001 KRW-BTC at
the market through the order form and expects a HELD row of 0.001 (see `bought`) in the Holdings; saves a desktop
screenshot and fails on any console error or CSP violation. Prints one line per step and `ok` at
the end; exits 1 with the reason on the first failure.
"""
import sys
from decimal import Decimal, InvalidOperation

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import browser_support as support
from browser_support import browser, fail, problems, step, text, wait_for

base, user, password, shots = sys.argv[1:5]
SYMBOL = "KRW-BTC"
QUANTITY = "0.001"
STARTING_KRW = Decimal("10000000")


def shown(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return bool(found) and found[0].is_displayed()


def log_in(driver):
    support.log_in(driver, user, password, base)


def cells(driver, selector, fields):
    """The rows matching `selector`, each as {field: text}, read in one step inside the page: the
    dashboard rebuilds its tables on each refresh, so a row found a moment earlier may be gone when
    read. A cell's own text only (the size cell may carry an "outside" note in a child element)."""
    return driver.execute_script(
        "const [selector, fields] = arguments;"
        "return Array.from(document.querySelectorAll(selector), (row) => Object.fromEntries(fields.map((f) => {"
        "  const td = row.querySelector(`td[data-field=${f}]`);"
        "  return [f, td && td.firstChild ? td.firstChild.textContent.trim() : ''];"
        "})));", selector, fields)


def amount(value):
    """A shown figure as a Decimal (thousands separators and spaces dropped), or None."""
    try:
        return Decimal(value.replace(",", "").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, AttributeError):
        return None


def krw_balance(driver):
    rows = cells(driver, "#balances tbody tr[data-asset=KRW]", ["walletBalance"])
    return amount(rows[0]["walletBalance"]) if rows else None


def holding(driver):
    rows = cells(driver, f"#position tbody tr[data-symbol='{SYMBOL}']", ["side", "size"])
    return rows[0] if rows else {}


def bought(size):
    """The size a market buy of QUANTITY leaves. Upbit buys by KRW amount (QUANTITY's worth at the
    last price, in whole won): the price moving between that read and the fill can buy a few
    satoshis less or more, so within 1 % of QUANTITY counts."""
    return size is not None and abs(size - Decimal(QUANTITY)) <= Decimal(QUANTITY) / 100


desktop = browser(1280, 900)
try:
    log_in(desktop)

    # The venue as spot: the badge, Holdings, KRW, KST by default, no leverage.
    wait_for(desktop, 10, lambda d: text(d, "venue-badge") == "Upbit KRW" and shown(d, "venue-badge"), "the venue badge Upbit KRW")
    if desktop.find_element(By.ID, "venue-badge").get_attribute("data-market") != "spot":
        fail(f"the venue badge's market is {desktop.find_element(By.ID, 'venue-badge').get_attribute('data-market')!r}, not spot")
    wait_for(desktop, 5, lambda d: text(d, "position-title") == "Holdings", "the position card titled Holdings")
    wait_for(desktop, 30, lambda d: krw_balance(d) == STARTING_KRW, f"a KRW balance of {STARTING_KRW}")
    wait_for(desktop, 5, lambda d: text(d, "tz-toggle") == "KST", "the time zone KST (nothing saved: the venue's default)")
    if shown(desktop, "leverage-form"):
        fail("the leverage form is shown on spot")
    if text(desktop, "close-position") != "Sell holdings":
        fail(f"the close button reads {text(desktop, 'close-position')!r}, not 'Sell holdings'")
    if any(th.is_displayed() for th in desktop.find_elements(By.CSS_SELECTOR, "#position thead th.futures-only")):
        fail("the Holdings table shows the leverage or liquidation column")
    step(f"spot dashboard: venue {text(desktop, 'venue-badge')!r}, {text(desktop, 'position-title')!r}, "
         f"KRW {krw_balance(desktop)}, zone {text(desktop, 'tz-toggle')}, leverage form hidden")

    # A market buy through the order form (no confirmation: only destructive controls ask first).
    wait_for(desktop, 10, lambda d: d.find_element(By.ID, "order-submit").is_enabled(), "the order form enabled (admin)")
    wait_for(desktop, 15, lambda d: SYMBOL in text(d, "order-rules"), f"the order rules of {SYMBOL}")
    Select(desktop.find_element(By.ID, "order-side")).select_by_value("BUY")
    Select(desktop.find_element(By.ID, "order-type")).select_by_value("MARKET")
    quantity = desktop.find_element(By.ID, "order-quantity")
    quantity.clear()
    quantity.send_keys(QUANTITY)
    desktop.find_element(By.ID, "order-submit").click()
    if shown(desktop, "confirm-dialog"):
        desktop.find_element(By.ID, "confirm-ok").click()
    order_state = lambda d: d.find_element(By.ID, "order-status").get_attribute("data-state")
    wait_for(desktop, 30, lambda d: order_state(d) in ("ack", "failed") or text(d, "order-form-error") or text(d, "order-quantity-error"),
             "the order settled")
    if order_state(desktop) != "ack":
        fail(f"the order did not go through: {text(desktop, 'order-status')!r} {text(desktop, 'order-quantity-error')!r} "
             f"{text(desktop, 'order-form-error')!r}")
    step(f"order: {text(desktop, 'order-status')!r}")
    wait_for(desktop, 30, lambda d: holding(d).get("side") == "HELD" and bought(amount(holding(d).get("size"))),
             f"a HELD row of {QUANTITY} {SYMBOL} in the Holdings")
    step(f"holdings: {text(desktop, 'position')!r}")

    desktop.execute_script("window.scrollTo(0, 0)")
    desktop.save_screenshot(f"{shots}/upbit-dashboard.png")
    found = problems(desktop)
    if found:
        fail(f"console errors or CSP violations: {found}")
finally:
    desktop.quit()
print("ok", flush=True)
