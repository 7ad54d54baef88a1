#!/usr/bin/env python3
"""One web serving two accounts of a fleet, in headless Chromium (issue 19).

    browser_accounts.py BASE_URL PASSWORD SCREENSHOT_DIR

`ana` is admin of account `main` and viewer of account `side`. Signs in to `side` through the
login form's account picker and expects the header to name it; switches to `main` with the
header's switcher, which asks to sign in there (a token is good for one account), signs in, and
expects `main` named with its own engine state; switches back to `side` without signing in again
(its token is kept). Saves a screenshot and fails on any console error or CSP violation. Prints one
line per step and `ok` at the end; exits 1 with the reason on the first failure.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import browser_support as support
from browser_support import browser, fail, problems, step, text, wait_for

base, password, shots = sys.argv[1:4]


def shown(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return bool(found) and found[0].is_displayed()


def sign_in(driver, account):
    wait_for(driver, 10, lambda d: shown(d, "login-account"), "the account picker on the login form")
    Select(driver.find_element(By.ID, "login-account")).select_by_value(account)
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys("ana")
    driver.find_element(By.ID, "password").clear()
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait_for(driver, 10, lambda d: text(d, "engine-state") in ("RUNNING", "PAUSED", "SAFE") and text(d, "account-name") == account,
             f"the dashboard of {account}")


desktop = browser(1280, 900)
try:
    support.open_login(desktop, base)
    options = [o.get_attribute("value") for o in desktop.find_elements(By.CSS_SELECTOR, "#login-account option")]
    if options != ["main", "side"]:
        fail(f"the login form's accounts are {options}, not main and side")
    step("the login form offers main and side")

    sign_in(desktop, "side")
    step("signed in to side: the header names it")

    Select(desktop.find_element(By.ID, "account-switch")).select_by_value("main")
    wait_for(desktop, 10, lambda d: shown(d, "login-view"), "the login form for main (side's token is not main's)")
    step("switching to main asks to sign in there")
    sign_in(desktop, "main")
    step("signed in to main: the header names it")

    Select(desktop.find_element(By.ID, "account-switch")).select_by_value("side")
    wait_for(desktop, 10, lambda d: text(d, "account-name") == "side" and text(d, "engine-state") in ("RUNNING", "PAUSED", "SAFE"),
             "side's dashboard again, without signing in")
    step("back to side with its own token")
    desktop.save_screenshot(f"{shots}/accounts-side.png")

    seen = problems(desktop)
    if seen:
        fail(f"console errors: {seen}")
    print("ok", flush=True)
finally:
    desktop.quit()
