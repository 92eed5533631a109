"""The web chat in a real browser: headless Chromium against the real page, the
real Rasa server and the real action server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from bot.channels.web import server_id
from servers import post_json
from stack import stored_events

WAIT = 30


# --- helpers ----------------------------------------------------------------------


def open_chat(browser, stack):
    browser.get(stack["web"] + "/")
    WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".nzth .nzth-bot"))
    )


def bot_messages(browser):
    """The text of the bot's messages, without the label for screen readers."""
    return [
        e.text.removeprefix("Assistant:").strip()
        for e in browser.find_elements(By.CSS_SELECTOR, ".nzth-log .nzth-bot")
    ]


def say(browser, text: str) -> str:
    """Type a message, press Enter, and return the text of the bot's new messages."""
    before = len(bot_messages(browser))
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.send_keys(text, Keys.ENTER)
    return wait_for_answer(browser, before)


def wait_for_answer(browser, before: int) -> str:
    WebDriverWait(browser, WAIT).until(lambda b: len(bot_messages(b)) > before)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_element(By.CSS_SELECTOR, ".nzth-log").get_attribute("aria-busy") == "false"
    )
    return "\n".join(bot_messages(browser)[before:])


def device_storage(browser) -> dict:
    """Everything this page's origin keeps on the device."""
    return browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const dbs = indexedDB.databases ? indexedDB.databases() : Promise.resolve([]);
        dbs.then(list => done({
          local: localStorage.length, session: sessionStorage.length,
          cookie: document.cookie, indexedDB: list.length,
        }));
        """
    )


def nothing_stored(browser) -> bool:
    return (
        device_storage(browser) == {"local": 0, "session": 0, "cookie": "", "indexedDB": 0}
        and browser.get_cookies() == []
    )


def requests_to(browser, path: str) -> list:
    """Chromium's record of the requests the page made to a path (from its log):
    each with its type ("Ping" for a beacon, "Fetch"), headers and body."""
    found = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        params = message["params"]
        if params["request"]["url"].endswith(path):
            found.append({"type": params.get("type"), **params["request"]})
    return found


def still_chatting(browser, stack) -> bool:
    """The page has not left and the conversation is still shown.

    Quick exit removes the widget at once, in the key's own handler, before it
    navigates away: so a widget still in the page means it did not fire, with
    nothing to wait for.
    """
    return browser.current_url.startswith(stack["web"]) and bool(
        browser.find_elements(By.CSS_SELECTOR, ".nzth .nzth-log")
    )


def leave_with(browser, how: str) -> None:
    if how == "button":
        browser.find_element(By.CSS_SELECTOR, ".nzth-leave").click()
    elif how == "escape":
        ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    elif how == "ctrl shift x":
        ActionChains(browser).key_down(Keys.CONTROL).key_down(Keys.SHIFT).send_keys("x").key_up(
            Keys.SHIFT
        ).key_up(Keys.CONTROL).perform()
    else:
        raise ValueError(how)


def senders_sent(browser) -> list:
    """The conversation ids in the chat requests the page made (from Chromium's log)."""
    senders = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["url"].endswith("/webhooks/webchat/webhook") and request.get("postData"):
            senders.append(json.loads(request["postData"])["sender"])
    return senders


# --- the page and its server ---------------------------------------------------------


def test_page_is_served_with_a_strict_content_security_policy(stack):
    with urllib.request.urlopen(stack["web"] + "/", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        page = response.read().decode()
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and f"connect-src {stack['rasa']}" in policy
    assert "frame-ancestors 'none'" in policy
    assert '<script src="/widget.js"' in page and "<script>" not in page and "style=" not in page
    with urllib.request.urlopen(stack["web"] + "/widget.js", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/javascript")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(stack["web"] + "/../../etc/passwd", timeout=10)
    assert missing.value.code == 404


def test_cors_allows_only_the_configured_page(stack):
    def preflight(origin: str):
        request = urllib.request.Request(
            f"{stack['rasa']}/webhooks/webchat/webhook",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("Access-Control-Allow-Origin")

    assert preflight(stack["web"]) == stack["web"]
    assert preflight("https://attacker.example") is None


@pytest.mark.parametrize(
    "body, problem",
    [
        ({"sender": "short", "message": "hi"}, "sender"),
        ({"sender": "x" * 20 + "/../", "message": "hi"}, "sender"),
        ({"sender": "a" * 32, "message": 5}, "message"),
        ({"sender": "a" * 32, "message": "x" * 20_001}, "message"),
        (["not", "an", "object"], "object"),
    ],
)
def test_the_channel_refuses_malformed_requests(stack, body, problem):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(f"{stack['rasa']}/webhooks/webchat/webhook", body)
    assert refused.value.code == 400
    assert problem in json.loads(refused.value.read())["error"]


def test_forget_deletes_the_stored_conversation(stack):
    sender = "f" * 32
    post_json(f"{stack['rasa']}/webhooks/webchat/webhook", {"sender": sender, "message": "hello"})
    assert any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))
    status, _ = post_json(f"{stack['rasa']}/webhooks/webchat/forget", {"sender": sender})
    assert status == 204
    assert not any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))


# --- in the browser -------------------------------------------------------------------


def test_a_question_gets_its_answer_and_source(browser, stack):
    open_chat(browser, stack)
    notice = browser.find_element(By.CSS_SELECTOR, ".nzth-notice").text
    assert "can see what you do on this device" in notice.replace("may be able to see", "can see")
    assert "Esc" in notice and "Ctrl+Shift+X" in notice
    leave = browser.find_element(By.CSS_SELECTOR, ".nzth-leave")
    assert leave.get_attribute("aria-keyshortcuts") == "Escape Control+Shift+X"
    answer = say(browser, "what is people trafficking")
    assert "trafficking" in answer.lower() and "Source:" in answer
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-log").get_attribute("aria-live") == "polite"
    assert nothing_stored(browser)


def test_a_quick_reply_button_is_sent_and_answered(browser, stack):
    open_chat(browser, stack)
    say(browser, "kia ora")
    button = WebDriverWait(browser, WAIT).until(
        EC.element_to_be_clickable(
            (
                By.XPATH,
                "//button[contains(@class,'nzth-reply') and normalize-space()='Warning signs']",
            )
        )
    )
    before = len(bot_messages(browser))
    button.click()
    answer = wait_for_answer(browser, before)
    assert "passport" in answer
    users = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".nzth-user")]
    assert users[-1].endswith("Warning signs")
    labels = browser.find_elements(By.CSS_SELECTOR, ".nzth-user .nzth-visually-hidden")
    assert labels[-1].get_attribute("textContent") == "You said: "  # for screen readers
    assert not button.is_enabled()  # an answered question's buttons are spent


def test_danger_gets_111_with_a_tappable_number(browser, stack):
    open_chat(browser, stack)
    answer = say(browser, "help me now, he is here")
    assert answer.splitlines()[0].startswith(
        "If you or someone else is in danger right now, call 111"
    )
    links = browser.find_elements(By.CSS_SELECTOR, ".nzth-log a[href='tel:111']")
    assert links and links[0].text == "Call 111"


def test_the_keyboard_alone_can_chat(browser, stack):
    open_chat(browser, stack)
    focused = []
    for _ in range(8):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused.append(browser.switch_to.active_element.get_attribute("class") or "")
    assert any("nzth-leave" in c for c in focused) and any("nzth-input" in c for c in focused)
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.click()
    before = len(bot_messages(browser))
    ActionChains(browser).send_keys("are you a bot", Keys.ENTER).perform()
    assert wait_for_answer(browser, before)


@pytest.mark.parametrize("how", ["button", "escape", "ctrl shift x"])
def test_quick_exit_leaves_clears_and_cannot_be_gone_back_to(browser, stack, neutral_site, how):
    browser.get(neutral_site.url + "/before")
    open_chat(browser, stack)
    say(browser, "my boss took my passport")
    leave_with(browser, how)
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")
    assert "passport" not in browser.page_source
    browser.back()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/before")
    # Back at the chat's address, nothing of the conversation is on the device.
    open_chat(browser, stack)
    assert nothing_stored(browser)
    assert len(bot_messages(browser)) == 1 and "passport" not in browser.page_source


# Without a beacon, or when the browser refuses one, "forget" goes by fetch with keepalive.
NO_BEACON = {
    "beacon": None,
    "beacon refused": "navigator.sendBeacon = () => false;",
    "no beacon": "Object.defineProperty(navigator, 'sendBeacon', {value: undefined});",
}


@pytest.mark.parametrize("sent_by", list(NO_BEACON))
def test_quick_exit_asks_the_server_to_forget(browser, stack, neutral_site, sent_by):
    open_chat(browser, stack)
    say(browser, "what is debt bondage")
    (sender,) = set(senders_sent(browser))
    assert any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))
    if NO_BEACON[sent_by]:
        browser.execute_script(NO_BEACON[sent_by])
    browser.find_element(By.CSS_SELECTOR, ".nzth-leave").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.startswith(neutral_site.url))
    # The request left the page as a beacon (or a fetch), with a CORS-safelisted type...
    (forget,) = requests_to(browser, "/webhooks/webchat/forget")
    assert forget["type"] == ("Ping" if sent_by == "beacon" else "Fetch")
    assert forget["method"] == "POST"
    content_type = {k.lower(): v for k, v in forget["headers"].items()}["content-type"]
    assert content_type.startswith("text/plain")
    assert forget["headers"].get("Cookie") is None
    if "postData" in forget:  # Chromium does not log a beacon's body: see the next test
        assert json.loads(forget["postData"]) == {"sender": sender}
    # ...and the server, which read it, no longer has the conversation.
    WebDriverWait(browser, WAIT).until(
        lambda b: not any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))
    )


def test_clear_sends_forget_by_beacon_as_json_in_text_plain(browser, stack):
    """What a beacon carries (Chromium's log leaves out a beacon's body)."""
    open_chat(browser, stack)
    say(browser, "what is debt bondage")
    (sender,) = set(senders_sent(browser))
    browser.execute_script(
        """
        window.beacons = [];
        const send = navigator.sendBeacon.bind(navigator);
        navigator.sendBeacon = (url, blob) => {
          blob.text().then(text => window.beacons.push([url, blob.type, text]));
          return send(url, blob);
        };
        """
    )
    browser.find_element(By.CSS_SELECTOR, ".nzth-clear").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.execute_script("return window.beacons.length"))
    ((url, kind, text),) = browser.execute_script("return window.beacons")
    assert url == stack["rasa"] + "/webhooks/webchat/forget"
    assert kind.startswith("text/plain") and json.loads(text) == {"sender": sender}
    WebDriverWait(browser, WAIT).until(
        lambda b: not any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))
    )
    assert [r["type"] for r in requests_to(browser, "/webhooks/webchat/forget")] == ["Ping"]


def test_the_message_box_sends_nothing_to_a_spell_checker(browser, stack):
    open_chat(browser, stack)
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    for name, value in [
        ("spellcheck", "false"),
        ("autocomplete", "off"),
        ("autocorrect", "off"),
        ("autocapitalize", "off"),
    ]:
        assert box.get_dom_attribute(name) == value, name
    # As the browser understands them (autocorrect is a property in newer Chromium).
    understood = browser.execute_script(
        "const b = arguments[0];"
        "return [b.spellcheck, b.autocapitalize, 'autocorrect' in b ? b.autocorrect : false]",
        box,
    )
    assert understood[0] is False and understood[1] in ("off", "none", "")
    assert understood[2] is False


def test_typing_capitals_does_not_leave(browser, stack):
    """Shift is pressed again and again while typing capitals: that must not leave."""
    open_chat(browser, stack)
    browser.execute_script(
        """
        window.shiftDowns = 0;
        document.addEventListener('keydown', e => { if (e.key === 'Shift') window.shiftDowns++; });
        """
    )
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.click()
    typing = ActionChains(browser)
    for char in "HELLO I AM OK":  # a real Shift press around every capital
        if char.isupper():
            typing.key_down(Keys.SHIFT).send_keys(char).key_up(Keys.SHIFT)
        else:
            typing.send_keys(char)
    typing.perform()
    box.send_keys("K")  # and as WebDriver types a capital, quickly
    assert browser.execute_script("return window.shiftDowns") == 11  # one per capital
    assert box.get_attribute("value") == "HELLO I AM OKK"
    assert still_chatting(browser, stack)
    before = len(bot_messages(browser))
    box.send_keys(Keys.ENTER)
    assert wait_for_answer(browser, before)
    users = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".nzth-user")]
    assert users[-1].endswith("HELLO I AM OKK")
    assert still_chatting(browser, stack)


# Key presses that belong to an input method (Chinese, Japanese, Korean) or type a
# letter (AltGr is Ctrl+Alt on Windows): none of them may leave.
COMPOSING = """
const box = document.querySelector('.nzth-input');
box.focus();
const key = (init) => {
  const event = new KeyboardEvent('keydown', {bubbles: true, cancelable: true, ...init});
  box.dispatchEvent(event);
  return [event.key, event.keyCode, event.isComposing, event.defaultPrevented];
};
const seen = [];
box.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
box.dispatchEvent(new CompositionEvent('compositionupdate', {bubbles: true, data: 'ni'}));
// Esc while composing cancels the composition (Chromium and Firefox say isComposing).
seen.push(key({key: 'Escape', code: 'Escape', keyCode: 229, isComposing: true}));
seen.push(key({key: 'Escape', code: 'Escape', keyCode: 27, isComposing: true}));
seen.push(key({key: 'Process', code: 'KeyX', keyCode: 229, isComposing: true,
               ctrlKey: true, shiftKey: true}));
seen.push(key({key: 'X', code: 'KeyX', keyCode: 88, isComposing: true,
               ctrlKey: true, shiftKey: true}));
box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '你'}));
// Safari sends the key that ended a composition after compositionend, keyCode 229.
seen.push(key({key: 'Escape', code: 'Escape', keyCode: 229, isComposing: false}));
// AltGr+X types "ź" on a Polish keyboard; Windows reports AltGr as Ctrl+Alt.
seen.push(key({key: 'ź', code: 'KeyX', keyCode: 88, ctrlKey: true, altKey: true}));
seen.push(key({key: 'Ź', code: 'KeyX', keyCode: 88, ctrlKey: true, altKey: true,
               shiftKey: true}));
// Ctrl+X (cut) and Shift+X (a capital) are not the chord.
seen.push(key({key: 'x', code: 'KeyX', keyCode: 88, ctrlKey: true}));
seen.push(key({key: 'X', code: 'KeyX', keyCode: 88, shiftKey: true}));
return seen;
"""


def test_keys_of_an_input_method_or_of_typing_do_not_leave(browser, stack, neutral_site):
    open_chat(browser, stack)
    say(browser, "what is debt bondage")
    seen = browser.execute_script(COMPOSING)
    # The events really were what they claim (keyCode 229 and isComposing were kept)...
    assert seen[0] == ["Escape", 229, True, False]
    assert seen[1] == ["Escape", 27, True, False]
    assert seen[4] == ["Escape", 229, False, False]
    # ...and none of them was taken as a quick exit.
    assert not any(prevented for *_, prevented in seen)
    assert still_chatting(browser, stack)
    assert "debt bondage" in browser.page_source
    # Esc outside composition still leaves at once.
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")


@pytest.mark.parametrize("how", ["escape", "ctrl shift x"])
def test_the_exit_keys_work_in_the_message_box(browser, stack, neutral_site, how):
    open_chat(browser, stack)
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.click()
    box.send_keys("someone took my passport")
    leave_with(browser, how)
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")
    assert "passport" not in browser.page_source


def test_every_page_load_is_a_fresh_conversation(browser, stack):
    open_chat(browser, stack)
    say(browser, "what is people smuggling")
    browser.refresh()
    WebDriverWait(browser, WAIT).until(lambda b: len(bot_messages(b)) == 1)
    assert "smuggling" not in " ".join(bot_messages(browser)).lower()
    say(browser, "what is people smuggling")
    senders = senders_sent(browser)
    assert len(senders) == 2 and senders[0] != senders[1]
    assert nothing_stored(browser)


def test_clear_this_conversation_forgets_it_on_the_server(browser, stack):
    open_chat(browser, stack)
    say(browser, "I want to report something I saw")
    (old,) = set(senders_sent(browser))
    assert any(e["event"] == "user" for e in stored_events(stack, server_id(old)))
    browser.find_element(By.CSS_SELECTOR, ".nzth-clear").click()
    WebDriverWait(browser, WAIT).until(lambda b: len(bot_messages(b)) == 1)
    WebDriverWait(browser, WAIT).until(
        lambda b: not any(e["event"] == "user" for e in stored_events(stack, server_id(old)))
    )
    say(browser, "kia ora")
    assert set(senders_sent(browser)) - {old}, "a new conversation id after clearing"


def test_no_content_security_policy_violations(browser, stack):
    open_chat(browser, stack)
    say(browser, "help me now")
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_reduced_motion_turns_animation_off(browser, stack):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    open_chat(browser, stack)
    name = browser.execute_script(
        "return getComputedStyle(document.querySelector('.nzth-msg')).animationName"
    )
    assert name == "none"


@pytest.mark.parametrize("name, width, height", [("desktop", 1280, 900), ("phone", 360, 740)])
def test_screenshots_and_no_sideways_scrolling(
    browser_factory, stack, screenshots, name, width, height
):
    browser = browser_factory(width, height)
    open_chat(browser, stack)
    assert browser.execute_script("return window.innerWidth") == width
    say(browser, "kia ora")
    say(browser, "help me now")
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px wide"
    leave = browser.find_element(By.CSS_SELECTOR, ".nzth-leave")
    assert leave.is_displayed()
    browser.execute_script("document.querySelector('.nzth').scrollIntoView()")
    path = screenshots / f"chat-{name}.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000


# --- without data-target: the chat button in the corner (/launcher) --------------------


def open_launcher_page(browser, stack):
    browser.get(stack["web"] + "/launcher")
    WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".nzth-launcher"))
    )
    # The welcome message is in the (closed) panel from the start.
    WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".nzth .nzth-bot"))
    )


def launcher(browser):
    return browser.find_element(By.CSS_SELECTOR, ".nzth-launcher")


def panel(browser):
    return browser.find_element(By.CSS_SELECTOR, ".nzth")


def focused_class(browser) -> str:
    return browser.switch_to.active_element.get_attribute("class") or ""


def becomes(browser, condition, timeout: float = 5) -> bool:
    """Whether `condition(browser)` holds within `timeout` seconds (a click's effect
    can take a frame or two to show on a busy machine)."""
    try:
        WebDriverWait(browser, timeout, poll_frequency=0.05).until(condition)
        return True
    except TimeoutException:
        return False


def is_open(browser) -> bool:
    return becomes(
        browser,
        lambda b: launcher(b).get_attribute("aria-expanded") == "true" and panel(b).is_displayed(),
    )


def is_closed(browser) -> bool:
    return becomes(
        browser,
        lambda b: (
            launcher(b).get_attribute("aria-expanded") == "false" and not panel(b).is_displayed()
        ),
    )


def answer_while_closed(browser) -> None:
    """Send a question and close the panel at once; wait for the answer's mark."""
    browser.execute_script(
        "const box = document.querySelector('.nzth-input');"
        "box.value = 'what is people smuggling';"
        "box.form.requestSubmit();"
        "document.querySelector('.nzth-launcher').click();"
    )
    assert is_closed(browser)
    WebDriverWait(browser, WAIT).until(
        lambda b: "nzth-unread" in (launcher(b).get_attribute("class") or "")
    )


def settled(browser) -> None:
    """Wait for the panel's short fade-in to end (before measuring or a screenshot)."""
    WebDriverWait(browser, WAIT).until(
        lambda b: b.execute_script(
            "return document.getAnimations().every(a => a.playState !== 'running')"
        )
    )


def csp_errors(browser) -> list:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    return [e for e in errors if "Content Security Policy" in e or "Refused" in e]


def test_with_data_target_the_chat_is_in_the_page_without_a_launcher(browser, stack):
    open_chat(browser, stack)
    assert panel(browser).is_displayed()
    assert not browser.find_elements(By.CSS_SELECTOR, ".nzth-launcher, .nzth-close")
    assert browser.find_element(By.CSS_SELECTOR, "#chat .nzth")


def test_the_launcher_is_shown_and_the_panel_hidden_at_first(browser, stack):
    open_launcher_page(browser, stack)
    button = launcher(browser)
    assert button.tag_name == "button" and button.get_dom_attribute("type") == "button"
    assert button.is_displayed() and not panel(browser).is_displayed()
    label = button.get_attribute("aria-label")
    assert label.startswith("Chat: ") and "people trafficking" in label
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == panel(browser).get_attribute("id")
    # A round button in the bottom right corner, no bigger than it needs to be.
    size = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    rect = button.rect
    assert 44 <= rect["width"] <= 64 and rect["width"] == rect["height"]
    assert size[0] - 32 <= rect["x"] + rect["width"] <= size[0]
    assert size[1] - 32 <= rect["y"] + rect["height"] <= size[1]
    radius = browser.execute_script("return getComputedStyle(arguments[0]).borderRadius", button)
    assert radius == "50%"
    # The page beside the button still takes clicks (the dock does not cover it).
    hit = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return document.elementFromPoint(r.left - 20, r.top + r.height / 2).className",
        button,
    )
    assert "nzth" not in hit
    # An icon drawn in the page, nothing fetched for it, and no inline style.
    assert button.find_elements(By.CSS_SELECTOR, "svg[aria-hidden='true']")
    assert not browser.find_elements(By.CSS_SELECTOR, ".nzth-dock [style], .nzth-dock img")
    assert not csp_errors(browser)
    assert nothing_stored(browser)


def test_the_launcher_opens_and_closes_the_panel(browser, stack):
    open_launcher_page(browser, stack)
    launcher(browser).click()
    assert is_open(browser)
    assert "nzth-input" in focused_class(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-leave").is_displayed()
    launcher(browser).click()
    assert is_closed(browser)
    assert "nzth-launcher" in focused_class(browser)
    # The close button in the panel does the same.
    launcher(browser).click()
    close = browser.find_element(By.CSS_SELECTOR, ".nzth-close")
    assert close.get_attribute("aria-label") == "Close chat"
    close.click()
    assert is_closed(browser)
    assert "nzth-launcher" in focused_class(browser)
    assert still_chatting(browser, stack)
    assert not csp_errors(browser)


def test_the_keyboard_alone_opens_chats_closes_and_leaves(browser, stack, neutral_site):
    open_launcher_page(browser, stack)
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if "nzth-launcher" in focused_class(browser):
            break
    assert "nzth-launcher" in focused_class(browser), "Tab never reached the chat button"
    outline = browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor]"
    )
    assert outline == ["solid", "3px", "rgb(255, 191, 71)"]  # the widget's focus colour
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, WAIT).until(lambda b: "nzth-input" in focused_class(b))
    assert is_open(browser)
    before = len(bot_messages(browser))
    ActionChains(browser).send_keys("what is debt bondage", Keys.ENTER).perform()
    assert "debt" in wait_for_answer(browser, before).lower()
    # Tab on from the message box (Send, Clear) to the button; Space closes...
    for _ in range(6):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if "nzth-launcher" in focused_class(browser):
            break
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    WebDriverWait(browser, WAIT).until(is_closed)
    assert "nzth-launcher" in focused_class(browser)
    # ...and opens again, with the conversation as it was.
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    WebDriverWait(browser, WAIT).until(is_open)
    assert "nzth-input" in focused_class(browser)
    assert "debt" in " ".join(bot_messages(browser)).lower()
    # Esc is the quick exit, as in the page (it does not just close the panel).
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")


@pytest.mark.parametrize(
    "how, panel_state",
    [
        ("button", "open"),
        ("escape", "open"),
        ("ctrl shift x", "open"),
        # The keys work on the whole page: someone who closed the chat can still leave fast.
        ("escape", "closed"),
        ("ctrl shift x", "closed"),
    ],
)
def test_quick_exit_works_with_the_launcher(browser, stack, neutral_site, how, panel_state):
    browser.get(neutral_site.url + "/before")
    open_launcher_page(browser, stack)
    launcher(browser).click()
    say(browser, "my boss took my passport")
    (sender,) = set(senders_sent(browser))
    if panel_state == "closed":
        launcher(browser).click()
        assert is_closed(browser) and "nzth-launcher" in focused_class(browser)
    else:
        assert browser.find_element(By.CSS_SELECTOR, ".nzth-leave").is_displayed()
    leave_with(browser, how)
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")
    assert "passport" not in browser.page_source
    WebDriverWait(browser, WAIT).until(
        lambda b: not any(e["event"] == "user" for e in stored_events(stack, server_id(sender)))
    )
    browser.back()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/before")
    open_launcher_page(browser, stack)
    assert nothing_stored(browser)
    assert len(bot_messages(browser)) == 1 and "passport" not in browser.page_source


def test_a_conversation_survives_closing_and_reopening(browser, stack):
    open_launcher_page(browser, stack)
    launcher(browser).click()
    say(browser, "what is debt bondage")
    launcher(browser).click()
    assert is_closed(browser) and still_chatting(browser, stack)
    launcher(browser).click()
    assert is_open(browser)
    assert "debt" in " ".join(bot_messages(browser)).lower()
    # An answer that comes while the panel is closed marks the button.
    label = launcher(browser).get_attribute("aria-label")
    answer_while_closed(browser)
    assert launcher(browser).get_attribute("aria-label") == label + ", new answer"
    launcher(browser).click()
    assert "nzth-unread" not in launcher(browser).get_attribute("class")
    assert launcher(browser).get_attribute("aria-label") == label
    assert "smuggling" in " ".join(bot_messages(browser)).lower()
    # One conversation all along (the same id), and nothing kept on the device.
    assert len(set(senders_sent(browser))) == 1
    assert nothing_stored(browser)
    # Clearing works as in the page, and leaves the panel open.
    browser.find_element(By.CSS_SELECTOR, ".nzth-clear").click()
    WebDriverWait(browser, WAIT).until(lambda b: len(bot_messages(b)) == 1)
    assert is_open(browser) and "nzth-input" in focused_class(browser)


def test_reduced_motion_turns_the_panel_animation_off(browser, stack):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    open_launcher_page(browser, stack)
    launcher(browser).click()
    name = browser.execute_script(
        "return getComputedStyle(document.querySelector('.nzth')).animationName"
    )
    assert name == "none"


def test_the_launcher_on_a_phone_screenshot_and_no_sideways_scrolling(
    browser_factory, stack, screenshots
):
    width, height = 360, 740
    browser = browser_factory(width, height)
    open_launcher_page(browser, stack)
    assert browser.execute_script("return window.innerWidth") == width

    def sideways() -> int:
        return browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    assert sideways() <= 0
    launcher(browser).click()
    say(browser, "kia ora")
    say(browser, "help me now")
    assert sideways() <= 0, f"the page scrolls sideways by {sideways()}px at {width}px wide"
    settled(browser)
    # The whole panel is on the screen, above the button, with Leave now and the box.
    box, button = panel(browser).rect, launcher(browser).rect
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] >= 0
    assert box["y"] + box["height"] <= button["y"]
    assert button["x"] + button["width"] <= width and button["y"] + button["height"] <= height
    for selector in [".nzth-leave", ".nzth-close", ".nzth-input", ".nzth-send", ".nzth-clear"]:
        part = browser.find_element(By.CSS_SELECTOR, selector)
        rect = part.rect
        assert part.is_displayed() and 0 <= rect["y"] and rect["y"] + rect["height"] <= height
    path = screenshots / "chat-phone-launcher.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000


def test_leave_now_stays_in_sight_when_a_short_screen_scrolls_the_panel(browser_factory, stack):
    browser = browser_factory(740, 360)  # a phone on its side
    open_launcher_page(browser, stack)
    launcher(browser).click()
    settled(browser)
    scrolled = browser.execute_script(
        "const p = document.querySelector('.nzth'); p.scrollTop = p.scrollHeight;return p.scrollTop"
    )
    assert scrolled > 0, "the panel fits: this screen is not short enough to test"
    leave = browser.find_element(By.CSS_SELECTOR, ".nzth-leave")
    on_top = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)"
        " === arguments[0]",
        leave,
    )
    assert on_top, "Leave now is scrolled away or covered"


# --- the person's language (data-lang, then the conversation's) -------------------------

LANGUAGES = ["en", "mi", "sm", "to", "zh", "hi", "pa", "tl", "es", "ko", "vi", "fj", "hif"]
# The lang attribute, where it says more than the code (the Chinese is Simplified).
LANG_TAGS = {"zh": "zh-Hans"}
ENGLISH = {
    "leave": "Leave now",
    "send": "Send",
    "clear": "Clear this conversation",
    "placeholder": "Type your question",
    "notice": "Someone may be able to see what you do on this device. "
    "To leave fast, press Esc, or Ctrl+Shift+X, or Leave now.",
}
# The widget's words as a person sees them (machine-drafted in widget.js, for review).
WORDS = {
    "zh": {
        "leave": "立即离开",
        "send": "发送",
        "clear": "清除此对话",
        "placeholder": "输入你的问题",
        "notice": "可能有人能看到你在这台设备上做了什么。"
        "要快速离开，请按 Esc 或 Ctrl+Shift+X，或点击“立即离开”。",
    },
    "hi": {
        "leave": "अभी निकलें",
        "send": "भेजें",
        "clear": "यह बातचीत मिटाएँ",
        "placeholder": "अपना सवाल लिखें",
        "notice": "हो सकता है कि कोई देख सके कि आप इस डिवाइस पर क्या करते हैं। "
        "जल्दी निकलने के लिए Esc या Ctrl+Shift+X दबाएँ, या “अभी निकलें” दबाएँ।",
    },
    "pa": {
        "leave": "ਹੁਣੇ ਬਾਹਰ ਜਾਓ",
        "send": "ਭੇਜੋ",
        "clear": "ਇਹ ਗੱਲਬਾਤ ਮਿਟਾਓ",
        "placeholder": "ਆਪਣਾ ਸਵਾਲ ਲਿਖੋ",
        "notice": "ਹੋ ਸਕਦਾ ਹੈ ਕਿ ਕੋਈ ਦੇਖ ਸਕੇ ਕਿ ਤੁਸੀਂ ਇਸ ਡਿਵਾਈਸ ’ਤੇ ਕੀ ਕਰਦੇ ਹੋ। "
        "ਜਲਦੀ ਬਾਹਰ ਜਾਣ ਲਈ Esc ਜਾਂ Ctrl+Shift+X ਦਬਾਓ, ਜਾਂ “ਹੁਣੇ ਬਾਹਰ ਜਾਓ” ਦਬਾਓ।",
    },
    "ko": {
        "leave": "지금 나가기",
        "send": "보내기",
        "clear": "이 대화 지우기",
        "placeholder": "질문을 입력하세요",
        "notice": "누군가 이 기기에서 하는 일을 볼 수 있을지도 모릅니다. "
        "빨리 나가려면 Esc 또는 Ctrl+Shift+X를 누르거나 ‘지금 나가기’를 누르세요.",
    },
    "sm": {
        "leave": "Alu ese nei",
        "send": "Auina atu",
        "clear": "Tapē lenei talanoaga",
        "placeholder": "Tusi lau fesili",
        "notice": "Atonu e iai se isi e mafai ona va'ai i mea e te faia i lenei masini. "
        "Ina ia alu ese vave, oomi le Esc, po o le Ctrl+Shift+X, po o le Alu ese nei.",
    },
    "mi": {
        "leave": "Wehe ināianei",
        "send": "Tukua",
        "clear": "Ūkuia tēnei kōrerorero",
        "placeholder": "Tuhia tō pātai",
        "notice": "Tērā pea ka kite tētahi i āu mahi i tēnei pūrere. "
        "Kia tere te wehe, pēhia te Esc, te Ctrl+Shift+X rānei, te Wehe ināianei rānei.",
    },
}
WORDS["en"] = ENGLISH

# Test only, injected before the page's own scripts: marks the real server's answers
# with a language, as the server does once it knows the conversation's language.
# window.nzthStub.language: the language (null: leave the answers as they are);
# .separate: as a message of its own ({"custom": {"language": ...}}, the way Rasa
# sends a message's custom part) instead of custom.language in every message.
LANGUAGE_STUB = """
(() => {
  const realFetch = window.fetch;
  window.nzthStub = {language: null, separate: false};
  window.fetch = function (url) {
    const answer = realFetch.apply(this, arguments);
    const stub = Object.assign({}, window.nzthStub);
    if (!stub.language || !String(url).endsWith('/webhooks/webchat/webhook')) {
      return answer;
    }
    return answer.then(response => response.json().then(messages => {
      // Any language the server gave is left out: the stub's is the only one.
      const plain = messages.map(m => {
        const copy = Object.assign({}, m);
        delete copy.language;
        return copy;
      });
      const marked = stub.separate
        ? plain.concat([{custom: {language: stub.language}}])
        : plain.map(m => Object.assign(m, {
            custom: Object.assign({}, m.custom, {language: stub.language})}));
      return new Response(JSON.stringify(marked), {
        status: response.status, headers: {'Content-Type': 'application/json'}});
    }));
  };
})();
"""

WIDGET_WORDS = """
const q = s => document.querySelector(s);
const root = q('.nzth');
return {
  lang: root.getAttribute('lang'), dir: root.getAttribute('dir'),
  label: root.getAttribute('aria-label'), title: q('.nzth-title').textContent,
  leave: q('.nzth-leave').textContent, send: q('.nzth-send').textContent,
  clear: q('.nzth-clear').textContent, placeholder: q('.nzth-input').placeholder,
  notice: q('.nzth-notice').textContent, danger: q('.nzth-danger').textContent,
  log: q('.nzth-log').getAttribute('aria-label'),
  input: q('.nzth-form label').textContent, welcome: q('.nzth-bot').textContent,
  // (The language list names English in English: that is not a fallback.)
  fellBack: [...document.querySelectorAll('.nzth [lang="en"]:not(.nzth-language-option)')]
    .map(e => e.className),
};
"""


def open_chat_in(browser, stack, lang: str, page: str = "/", stub: bool = False):
    """The demo page (or /launcher) with data-lang set from ?lang=."""
    if stub:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LANGUAGE_STUB})
    browser.get(f"{stack['web']}{page}?{urllib.parse.urlencode({'lang': lang})}")
    WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".nzth .nzth-bot"))
    )


def widget_words(browser) -> dict:
    return browser.execute_script(WIDGET_WORDS)


def shown(browser, selector: str) -> str:
    """The text of a part of the widget as Chromium shows it (it must be visible)."""
    part = browser.find_element(By.CSS_SELECTOR, selector)
    assert part.is_displayed(), selector
    return part.text


def webhook_bodies(browser) -> list:
    """The bodies of the chat requests the page made (from Chromium's log)."""
    return [
        json.loads(request["postData"])
        for request in requests_to(browser, "/webhooks/webchat/webhook")
        if request.get("postData")
    ]


def answer_marked(browser, language, separate: bool = False) -> None:
    browser.execute_script(
        "window.nzthStub = {language: arguments[0], separate: arguments[1]}", language, separate
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_widget_speaks_the_page_language(browser_factory, stack, lang):
    browser = browser_factory(360, 740)  # a phone: the longest words must fit too
    open_chat_in(browser, stack, lang)
    words = widget_words(browser)
    assert words["lang"] == LANG_TAGS.get(lang, lang) and words["dir"] == "ltr"
    # What a person sees, as Chromium shows it.
    for key, selector in [
        ("leave", ".nzth-leave"),
        ("send", ".nzth-send"),
        ("clear", ".nzth-clear"),
        ("notice", ".nzth-notice"),
    ]:
        if lang in WORDS:
            assert shown(browser, selector) == WORDS[lang][key], key
        else:
            assert shown(browser, selector) == words[key], key
    if lang in WORDS:
        assert words["placeholder"] == WORDS[lang]["placeholder"]
    # The device warning keeps its key hint: the keys, and the button's own words.
    assert "Esc" in words["notice"] and "Ctrl+Shift+X" in words["notice"]
    assert words["leave"] in words["notice"]
    # 111 stays a tappable number, with the English word the 111 operator needs.
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-danger a[href='tel:111']").text == "111"
    assert "111" in words["danger"] and "Police" in words["danger"]
    if lang != "en":
        for key, english in ENGLISH.items():
            assert words[key] != english, f"{key} is still in English"
        assert words["label"] == words["title"] != "Help with people trafficking"
        assert "I can answer questions" not in words["welcome"]
        assert words["fellBack"] == [], "some words fell back to English"
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px in {lang}"
    assert not csp_errors(browser)
    assert nothing_stored(browser)


@pytest.mark.parametrize(
    "data_lang, lang, leave",
    [
        ("zh-Hans", "zh-Hans", "立即离开"),
        ("zh-CN", "zh-Hans", "立即离开"),
        ("fil", "tl", "Umalis ngayon"),
        ("mi-NZ", "mi", "Wehe ināianei"),
        ("HI", "hi", "अभी निकलें"),
        ("en-NZ", "en", "Leave now"),
        ("fr", "en", "Leave now"),  # a language the widget has no words for: English
    ],
)
def test_data_lang_tags_and_other_names_of_a_language(browser, stack, data_lang, lang, leave):
    open_chat_in(browser, stack, data_lang)
    words = widget_words(browser)
    assert words["lang"] == lang and words["leave"] == leave
    # The title the page gives (in English) is shown only for English.
    assert (words["title"] == "Help with people trafficking") == (lang == "en")


def test_every_message_tells_the_server_the_widget_language(browser, stack):
    open_chat_in(browser, stack, "ko")
    answer = say(browser, "what is debt bondage")
    # The channel takes the metadata (it refuses malformed requests with 400).
    assert "debt" in answer.lower() and "cannot reach the assistant" not in answer
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.send_keys("what is people smuggling", Keys.ENTER)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_element(By.CSS_SELECTOR, ".nzth-log").get_attribute("aria-busy") == "false"
    )
    shown_then = widget_words(browser)["lang"]
    bodies = webhook_bodies(browser)
    assert len(bodies) == 2
    assert bodies[0]["metadata"] == {"language": "ko"}
    # The second says the language the widget showed by then (the server may have
    # told it the conversation's language with the first answer).
    assert bodies[1]["metadata"]["language"] in LANGUAGES
    assert LANG_TAGS.get(bodies[1]["metadata"]["language"], bodies[1]["metadata"]["language"]) == (
        shown_then
    )
    assert {b["sender"] for b in bodies} == {bodies[0]["sender"]}


def test_the_widget_follows_the_conversation_language(browser, stack):
    open_chat_in(browser, stack, "en", stub=True)
    say(browser, "what is debt bondage")
    first = browser.find_element(By.CSS_SELECTOR, ".nzth-user")
    assert widget_words(browser)["leave"] == "Leave now"
    # The server says the conversation is in Chinese (custom.language in its messages).
    answer_marked(browser, "zh")
    answer = say(browser, "what is people smuggling")
    words = widget_words(browser)
    assert words["lang"] == "zh-Hans"
    for key in ["leave", "send", "clear", "placeholder", "notice"]:
        assert words[key] == WORDS["zh"][key], key
    assert shown(browser, ".nzth-language") == "中文"  # the language button follows too
    assert shown(browser, ".nzth-leave") == "立即离开"
    # The conversation is all still there: the same elements, nothing dropped.
    assert browser.execute_script("return arguments[0].isConnected", first)
    said = " ".join(bot_messages(browser)).lower()
    assert "debt" in said and "smuggling" in answer.lower() and "smuggling" in said
    assert len(browser.find_elements(By.CSS_SELECTOR, ".nzth-user")) == 2
    # Each message keeps the language it was shown in.
    bubbles = browser.find_elements(By.CSS_SELECTOR, ".nzth-log .nzth-bot")
    assert bubbles[0].get_attribute("lang") == "en"  # the welcome, in English
    assert bubbles[-1].get_attribute("lang") == "zh-Hans"
    # Now Hindi, in a message of its own after the answer (the way Rasa sends custom),
    # while something is being typed: what is typed, and the focus, stay.
    answer_marked(browser, "hi", separate=True)
    before = len(bot_messages(browser))
    box = browser.find_element(By.CSS_SELECTOR, ".nzth-input")
    box.send_keys("kia ora", Keys.ENTER)
    box.send_keys("half a sentence")
    wait_for_answer(browser, before)
    words = widget_words(browser)
    assert words["lang"] == "hi" and words["leave"] == WORDS["hi"]["leave"]
    assert box.get_attribute("value") == "half a sentence"
    assert "nzth-input" in focused_class(browser)
    replies = browser.find_elements(By.CSS_SELECTOR, ".nzth-replies")
    assert replies and replies[-1].get_attribute("aria-label") == "जवाब जो आप चुन सकते हैं"
    # A message that only says its language is not shown as an empty bubble.
    empty = browser.execute_script(
        "return [...document.querySelectorAll('.nzth-log .nzth-bot')].filter(b =>"
        " b.textContent === b.querySelector('.nzth-visually-hidden').textContent"
        " && !b.querySelector('a')).length"
    )
    assert empty == 0
    # A language the widget has no words for changes nothing.
    answer_marked(browser, "fr")
    before = len(bot_messages(browser))
    box.send_keys(Keys.ENTER)
    wait_for_answer(browser, before)
    assert widget_words(browser)["lang"] == "hi"
    assert "debt" in " ".join(bot_messages(browser)).lower()
    # Each message told the server the language shown when it was sent; one conversation.
    bodies = webhook_bodies(browser)
    assert [b["metadata"]["language"] for b in bodies] == ["en", "en", "zh", "hi"]
    assert len({b["sender"] for b in bodies}) == 1
    assert not csp_errors(browser)
    assert nothing_stored(browser)


def test_the_chat_button_and_its_new_answer_note_follow_the_language(browser, stack):
    open_chat_in(browser, stack, "ko", page="/launcher", stub=True)
    assert launcher(browser).get_attribute("aria-label") == "채팅: 인신매매 관련 도움"
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-dock").get_attribute("lang") == "ko"
    launcher(browser).click()
    assert is_open(browser)
    close = browser.find_element(By.CSS_SELECTOR, ".nzth-close")
    assert close.get_attribute("aria-label") == "채팅 닫기"
    answer_marked(browser, "ko")
    say(browser, "what is debt bondage")
    # An answer while the panel is closed: the note is in the button's language.
    answer_while_closed(browser)
    assert launcher(browser).get_attribute("aria-label") == "채팅: 인신매매 관련 도움, 새 답변"
    # The conversation turns to Chinese while the panel is closed: the button follows.
    answer_marked(browser, "zh")
    browser.execute_script(
        "const box = document.querySelector('.nzth-input');"
        "box.value = 'what is forced labour';"
        "box.form.requestSubmit();"
    )
    WebDriverWait(browser, WAIT).until(
        lambda b: launcher(b).get_attribute("aria-label") == "聊天：人口贩运求助，有新回复"
    )
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-dock").get_attribute("lang") == "zh-Hans"
    launcher(browser).click()
    assert is_open(browser)
    assert launcher(browser).get_attribute("aria-label") == "聊天：人口贩运求助"
    assert shown(browser, ".nzth-leave") == "立即离开"
    assert browser.find_element(By.CSS_SELECTOR, ".nzth-close").get_attribute("aria-label") == (
        "关闭聊天"
    )
    said = " ".join(bot_messages(browser)).lower()
    assert "debt" in said and "smuggling" in said
    assert not csp_errors(browser)


# Whether text is drawn with real glyphs, not "tofu" (the empty box of a missing
# glyph). Two ways: (1) in the page, the text's width against the same number of
# U+0378 (unassigned, so never in a font: it is always a missing glyph) in the
# same place, which is exactly what tofu measures; (2) each letter drawn alone
# (on a canvas, in the element's font) against U+0378 drawn the same way: a
# missing glyph draws the same pixels.
TOFU = """
const [element, sample] = arguments;
const width = text => {
  const span = document.createElement('span');
  span.textContent = text;
  element.appendChild(span);
  const w = [...span.getClientRects()].reduce((sum, r) => sum + r.width, 0);
  span.remove();
  return w;
};
const points = [...sample];
const canvas = document.createElement('canvas');
canvas.width = 64; canvas.height = 64;
const ctx = canvas.getContext('2d', {willReadFrequently: true});
ctx.font = getComputedStyle(element).font;
const draw = ch => {
  ctx.clearRect(0, 0, 64, 64);
  ctx.fillText(ch, 8, 40);
  return ctx.getImageData(0, 0, 64, 64).data.join();
};
const missing = draw('\\u0378');
return {
  width: width(sample),
  tofuWidth: width('\\u0378'.repeat(points.length)),
  tofuLetters: [...new Set(points)].filter(ch => /\\p{L}/u.test(ch) && draw(ch) === missing),
};
"""


@pytest.mark.parametrize(
    "lang, script, letter",
    [
        ("zh", "Chinese", r"\p{Script=Han}"),
        ("hi", "Devanagari", r"\p{Script=Devanagari}"),
        ("pa", "Gurmukhi", r"\p{Script=Gurmukhi}"),
        ("ko", "Hangul", r"\p{Script=Hangul}"),
    ],
)
def test_screenshots_show_the_script_drawn_not_as_boxes(
    browser_factory, stack, screenshots, lang, script, letter
):
    browser = browser_factory(360, 740)
    open_chat_in(browser, stack, lang)
    for selector in [".nzth-leave", ".nzth-notice", ".nzth-send", ".nzth-clear", ".nzth-bot"]:
        element = browser.find_element(By.CSS_SELECTOR, selector)
        # A few words of the element's own text in the script (no spaces, so one run).
        sample = browser.execute_script(
            "return (arguments[0].textContent.match(new RegExp(arguments[1] + '+', 'gu')) || [])"
            ".join('').slice(0, 8)",
            element,
            letter,
        )
        assert len(sample) >= 2, f"no {script} in {selector}"
        found = browser.execute_script(TOFU, element, sample)
        assert found["tofuLetters"] == [], f"{script} drawn as boxes in {selector}: {found}"
        assert abs(found["width"] - found["tofuWidth"]) > 0.5, (
            f"{script} in {selector} measures as missing glyphs: {found}"
        )
    browser.execute_script("document.querySelector('.nzth').scrollIntoView()")
    path = screenshots / f"chat-{lang}.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000


# --- the language button: the person picks the language ------------------------------

# Each language by its own name, as the language button and its list show it.
NAMES = {
    "en": "English",
    "mi": "te reo Māori",
    "sm": "Gagana Sāmoa",
    "to": "lea faka-Tonga",
    "zh": "中文",
    "hi": "हिन्दी",
    "pa": "ਪੰਜਾਬੀ",
    "tl": "Tagalog",
    "es": "Español",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "fj": "Na Vosa Vakaviti",
    "hif": "Fiji Baat",
}
CHOOSE = {"en": "Choose language", "sm": "Filifili le gagana", "zh": "选择语言"}


def language_button(browser):
    return browser.find_element(By.CSS_SELECTOR, ".nzth-language")


def language_options(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, ".nzth-languages button")


def language_list_open(browser) -> bool:
    return becomes(
        browser,
        lambda b: (
            language_button(b).get_attribute("aria-expanded") == "true"
            and b.find_element(By.CSS_SELECTOR, ".nzth-languages").is_displayed()
        ),
    )


def language_list_closed(browser) -> bool:
    return becomes(
        browser,
        lambda b: (
            language_button(b).get_attribute("aria-expanded") == "false"
            and not b.find_element(By.CSS_SELECTOR, ".nzth-languages").is_displayed()
        ),
    )


@pytest.mark.parametrize("lang", ["en", "sm", "zh"])
def test_the_language_button_shows_the_current_language(browser, stack, lang):
    open_chat_in(browser, stack, lang)
    button = language_button(browser)
    assert button.tag_name == "button" and button.get_dom_attribute("type") == "button"
    assert button.is_displayed() and button.text == NAMES[lang]
    # Its name says what it does, in the widget's language, and what it shows.
    assert button.get_attribute("aria-label") == f"{CHOOSE[lang]}: {NAMES[lang]}"
    assert button.get_attribute("aria-expanded") == "false"
    listed = browser.find_element(By.CSS_SELECTOR, ".nzth-languages")
    assert button.get_attribute("aria-controls") == listed.get_attribute("id")
    assert not listed.is_displayed()
    button.click()
    assert language_list_open(browser)
    options = language_options(browser)
    # Every language, each by its own name and marked as written in it.
    assert [o.text for o in options] == list(NAMES.values())
    assert [o.get_attribute("lang") for o in options] == [LANG_TAGS.get(c, c) for c in NAMES]
    assert all(o.get_dom_attribute("type") == "button" for o in options)
    assert [o.text for o in options if o.get_attribute("aria-current") == "true"] == [NAMES[lang]]
    assert "nzth-language-option" in focused_class(browser)  # the focus is on the list
    # The button again closes the list.
    button.click()
    assert language_list_closed(browser)
    assert not csp_errors(browser)


def test_choosing_samoan_switches_the_words_and_the_next_message(browser, stack):
    open_chat_in(browser, stack, "en")
    say(browser, "what is debt bondage")
    webhook_bodies(browser)  # (the requests so far)
    language_button(browser).click()
    assert language_list_open(browser)
    browser.find_element(By.CSS_SELECTOR, ".nzth-languages button[lang='sm']").click()
    assert language_list_closed(browser)
    # The widget's words are Samoan at once; the focus is back on the button.
    words = widget_words(browser)
    assert words["lang"] == "sm"
    for key in ["leave", "send", "clear", "placeholder", "notice"]:
        assert words[key] == WORDS["sm"][key], key
    assert shown(browser, ".nzth-leave") == "Alu ese nei"
    assert language_button(browser).text == "Gagana Sāmoa"
    assert language_button(browser).get_attribute("aria-label").startswith("Filifili le gagana")
    assert "nzth-language" in focused_class(browser).split()
    # The conversation stays as it was, and choosing sent nothing.
    assert "debt" in " ".join(bot_messages(browser)).lower()
    assert webhook_bodies(browser) == []
    # The next message tells the server the language.
    say(browser, "what is people smuggling")
    bodies = webhook_bodies(browser)
    assert [b["metadata"] for b in bodies] == [{"language": "sm"}]
    assert not csp_errors(browser)
    assert nothing_stored(browser)


def test_choosing_before_anything_is_said_shows_the_welcome_in_that_language(browser, stack):
    open_chat_in(browser, stack, "en")
    language_button(browser).click()
    browser.find_element(By.CSS_SELECTOR, ".nzth-languages button[lang='zh-Hans']").click()
    assert language_list_closed(browser)
    (welcome,) = bot_messages(browser)
    assert "Kia ora，你好" in welcome and "I can answer" not in welcome
    assert webhook_bodies(browser) == []


def test_the_keyboard_alone_chooses_a_language(browser, stack, neutral_site):
    open_chat_in(browser, stack, "en")
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if "nzth-language" in focused_class(browser).split():
            break
    assert "nzth-language" in focused_class(browser).split(), "Tab never reached the button"
    # Enter opens the list, with the focus on the language shown now...
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert language_list_open(browser)
    assert browser.switch_to.active_element.text == "English"
    # ...Tab moves through the languages, and Space chooses one.
    ActionChains(browser).send_keys(Keys.TAB, Keys.TAB).perform()
    assert browser.switch_to.active_element.text == "Gagana Sāmoa"
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    assert language_list_closed(browser)
    assert "nzth-language" in focused_class(browser).split()
    assert widget_words(browser)["leave"] == "Alu ese nei"
    # Space opens it again at Samoan; Enter there keeps Samoan and closes the list.
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    assert language_list_open(browser)
    assert browser.switch_to.active_element.text == "Gagana Sāmoa"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert language_list_closed(browser)
    assert "nzth-language" in focused_class(browser).split()
    # On to the message box by Tab, and a message carries the language.
    for _ in range(6):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if "nzth-input" in focused_class(browser):
            break
    before = len(bot_messages(browser))
    ActionChains(browser).send_keys("what is debt bondage", Keys.ENTER).perform()
    wait_for_answer(browser, before)
    assert [b["metadata"]["language"] for b in webhook_bodies(browser)] == ["sm"]
    # Esc is still the quick exit, even with the list open.
    language_button(browser).click()
    assert language_list_open(browser)
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url == neutral_site.url + "/exit")


@pytest.mark.parametrize("lang", ["en", "fj", "to", "hi"])
def test_the_language_button_fits_a_phone(browser_factory, stack, screenshots, lang):
    width, height = 360, 740
    browser = browser_factory(width, height)
    open_chat_in(browser, stack, lang, page="/launcher")
    launcher(browser).click()
    assert is_open(browser)
    settled(browser)

    def sideways() -> int:
        return browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            " + Math.max(0, document.querySelector('.nzth').scrollWidth"
            " - document.querySelector('.nzth').clientWidth)"
        )

    assert sideways() <= 0
    # The header's controls are all on the screen, and Leave now keeps its words whole.
    for selector in [".nzth-language", ".nzth-leave", ".nzth-close"]:
        rect = browser.find_element(By.CSS_SELECTOR, selector).rect
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width, selector
        assert rect["height"] >= 44, selector
    leave = browser.find_element(By.CSS_SELECTOR, ".nzth-leave")
    assert leave.size["height"] < 60, "Leave now wrapped onto two lines"
    language_button(browser).click()
    assert language_list_open(browser)
    assert sideways() <= 0, f"the page scrolls sideways by {sideways()}px with the list open"
    for option in language_options(browser):
        rect = option.rect
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width, option.text
        assert rect["height"] >= 44, option.text
    path = screenshots / f"chat-phone-languages-{lang}.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    assert not csp_errors(browser)
