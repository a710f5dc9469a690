#!/usr/bin/python3
"""End-to-end test of the desktop app, driven through AT-SPI as a person
(or a screen reader) would: start Kizuna against the AniList stand-in
with a fresh library, open a franchise from the sidebar, Refresh from the
primary menu, open the Debug Panel and read back that the request and
hit counts changed.

Needs a display and a session bus (run under dbus-run-session and
xvfb-run); exits 77 (skipped) without them. Prints TAP.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(SKIP)


if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    skip("no display")
if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    skip("no session bus")
try:
    import pyatspi
except ImportError:
    skip("pyatspi is not installed")

APP = os.environ["KIZUNA_APP"]
MOCK = os.environ["KIZUNA_MOCK"]
TITLE = "Meitantei Conan"
OTHER_TITLE = "Bakemonogatari"

results = []


def check(ok, description):
    results.append((bool(ok), description))
    print(f"{'ok' if ok else 'not ok'} {len(results)} {description}", flush=True)
    return ok


def wait_for(predicate, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # the tree changes under us while the app works
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def walk(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        try:
            for i in range(current.childCount - 1, -1, -1):
                child = current.getChildAtIndex(i)
                if child is not None:
                    stack.append(child)
        except Exception:
            pass


def find(root, role, name=None):
    for node in walk(root):
        if node.getRoleName() == role and (name is None or node.name == name):
            yield node


def actions(node):
    try:
        iface = node.queryAction()
    except NotImplementedError:
        return []
    return [iface.getName(i) for i in range(iface.nActions)]


def act(node, name):
    iface = node.queryAction()
    for i in range(iface.nActions):
        if iface.getName(i) == name:
            return iface.doAction(i)
    raise LookupError(f"{node.getRoleName()} '{node.name}' has no action {name}")


def application():
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == "kizuna":
            return app
    return None


def window(app, title):
    for frame in app:
        if frame is not None and frame.name == title:
            return frame
    return None


def menu_item(app, main, label):
    """Opens the primary menu of the main window and returns its item
    called label."""
    button = next(b for b in find(main, "push button", "Main Menu") if "click" in actions(b))
    act(button, "click")
    return wait_for(lambda: next(find(app, "menu item", label), None), f"the menu item {label}")


def panel_value(panel, group, row):
    """The value shown at the end of a Debug Panel row."""
    group_list = next(find(panel, "list", group))
    item = next(find(group_list, "list item", row))
    labels = [n.name for n in walk(item) if n.getRoleName() == "label"]
    return labels[-1]


def number(text):
    match = re.match(r"\s*([\d,]+)", text)
    return int(match.group(1).replace(",", "")) if match else -1


def open_from_sidebar(main, text):
    # Ctrl+F puts the keyboard in the search entry, wherever it was
    subprocess.run(["xdotool", "key", "ctrl+f"], check=True)
    entry = next(find(main, "entry", "Search Library"))
    entry.queryEditableText().setTextContents(text)
    # the sidebar filters as the person types; Enter opens the best match
    wait_for(lambda: any(n.name == text for n in find(main, "label")), "the search results")
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def main():
    workdir = tempfile.mkdtemp(prefix="kizuna-e2e-")
    mock = subprocess.Popen([MOCK, "--port", "0"], stdout=subprocess.PIPE, text=True)
    app_process = None
    try:
        line = mock.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", line).group(1)

        env = dict(os.environ,
                   KIZUNA_DATA_DIR=os.path.join(workdir, "data"),
                   XDG_CACHE_HOME=os.path.join(workdir, "cache"),
                   KIZUNA_ANILIST_URL=url,
                   KIZUNA_ANILIST_RPM="6000",
                   GSETTINGS_BACKEND="memory",
                   GSK_RENDERER="cairo",
                   GDK_DEBUG="gl-disable")
        env.pop("GTK_A11Y", None)
        app_process = subprocess.Popen([APP], env=env)

        app = wait_for(application, "Kizuna on the accessibility bus")
        # the window is named after the title it shows; "Kizuna" at first
        main_window = wait_for(lambda: window(app, "Kizuna"), "the main window")
        check(True, "the app starts and shows its window")

        # the library comes seeded from the bundled snapshot
        library = wait_for(lambda: next(find(main_window, "list", "Library"), None), "the library list")
        check(wait_for(lambda: library.childCount > 10, "the library to load"),
              "the sidebar lists the bundled library")

        open_from_sidebar(main_window, TITLE)
        # a person looks at the tree through its tab
        act(next(find(main_window, "page tab", "Tree")), "click")
        tree = wait_for(lambda: next((t for t in find(main_window, "list", "Franchise Tree")
                                      if t.childCount > 5), None),
                        "the franchise tree to fill", timeout=60)
        check(tree.childCount > 5, f"opening {TITLE} from the sidebar fills the franchise tree")

        act(menu_item(app, main_window, "Debug Panel"), "click")
        panel = wait_for(lambda: window(app, "Debug Panel"), "the Debug Panel")
        check(panel is not None, "the Debug Panel opens from the primary menu")

        requests_before = wait_for(lambda: number(panel_value(panel, "AniList", "Requests Sent")) > 0
                                   and number(panel_value(panel, "AniList", "Requests Sent")),
                                   "requests to show")
        hits_before = number(panel_value(panel, "Basic Relations", "Hits"))
        check(requests_before > 0, f"the panel counts the requests sent ({requests_before})")

        act(menu_item(app, main_window, "Refresh"), "click")
        requests_after = wait_for(
            lambda: number(panel_value(panel, "AniList", "Requests Sent")) > requests_before
            and number(panel_value(panel, "AniList", "Requests Sent")),
            "the refresh's requests to show", timeout=30)
        check(requests_after > requests_before,
              f"Refresh from the menu sends requests ({requests_before} → {requests_after})")

        # another title, then this one again, which the memory cache
        # answers; the panel goes away meanwhile so that the keyboard
        # reaches the window
        act(next(b for b in find(panel, "push button", "Close") if "click" in actions(b)), "click")
        wait_for(lambda: window(app, "Debug Panel") is None, "the Debug Panel to close")
        open_from_sidebar(main_window, OTHER_TITLE)
        wait_for(lambda: window(app, OTHER_TITLE), "the other title to open", timeout=30)
        open_from_sidebar(main_window, TITLE)
        wait_for(lambda: window(app, TITLE), "the first title to open again", timeout=30)
        act(menu_item(app, main_window, "Debug Panel"), "click")
        panel = wait_for(lambda: window(app, "Debug Panel"), "the Debug Panel again")
        hits_after = wait_for(
            lambda: number(panel_value(panel, "Basic Relations", "Hits")) > hits_before
            and number(panel_value(panel, "Basic Relations", "Hits")),
            "cache hits to show", timeout=30)
        check(hits_after > hits_before, f"opening it again hits the cache ({hits_before} → {hits_after})")
    except Exception as error:  # any step that timed out or failed to find its control
        check(False, f"{type(error).__name__}: {error}")
    finally:
        if app_process is not None:
            app_process.terminate()
            app_process.wait(timeout=10)
        mock.terminate()
        mock.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"1..{len(results)}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
