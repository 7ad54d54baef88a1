"""What the browser scripts share: headless Chromium from Debian driven by Selenium, the steps'
output, waits that tolerate a re-rendered element, the console's errors, and the login."""
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


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
    driver.set_script_timeout(20)
    # Headless Chromium keeps windows at least 500 px wide: a phone's width needs the device metrics set.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    return driver


def text(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def wait_for(driver, seconds, condition, what):
    try:
        # A row read while the page re-renders it is stale: the next poll reads the new one.
        WebDriverWait(driver, seconds, poll_frequency=0.02, ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition(d))
    except Exception:
        fail(f"{what} within {seconds} s (page: {driver.find_element(By.TAG_NAME, 'body').text[:600]!r})")


def problems(driver):
    """Console errors and CSP violations since the last call."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]


def open_login(driver, at):
    driver.get(at + "/")
    # Shown, not just present: the view is in the HTML from the start, hidden until the app runs.
    wait_for(driver, 10, lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, "input[type=password]")), "the login form")


def log_in(driver, name, secret, at):
    open_login(driver, at)
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(secret)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    wait_for(driver, 10, lambda d: text(d, "engine-state") in ("RUNNING", "PAUSED", "SAFE"), "the engine state on the dashboard")
