#!/usr/bin/python3
"""Takes the screenshots in data/screenshots/ from the running app.

Run through build-aux/screenshots.sh, which starts a display and a
session bus. The app runs on a fresh copy of the bundled library, with
no network (covers show their placeholders).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import pyatspi

BUILD = sys.argv[1]
OUT = sys.argv[2]
TITLE = "Meitantei Conan"


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


def find(root, role, name):
    return next(n for n in walk(root) if n.getRoleName() == role and n.name == name)


def act(node, name):
    iface = node.queryAction()
    for i in range(iface.nActions):
        if iface.getName(i) == name:
            iface.doAction(i)
            return
    raise LookupError(name)


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.2)
    raise TimeoutError


def app_node():
    return next((a for a in pyatspi.Registry.getDesktop(0) if a is not None and a.name == "kizuna"), None)


def frame(app, name):
    return next((f for f in app if f is not None and f.name == name), None)


def shoot(window_name, file_name):
    time.sleep(1.0)  # let the last frame settle
    window_id = subprocess.run(["xdotool", "search", "--name", f"^{window_name}$"],
                               capture_output=True, text=True, check=True).stdout.split()[-1]
    subprocess.run(["import", "-window", window_id, os.path.join(OUT, file_name)], check=True)
    print("wrote", os.path.join(OUT, file_name))


def key(*keys):
    subprocess.run(["xdotool", "key", *keys], check=True)


def main():
    workdir = tempfile.mkdtemp(prefix="kizuna-shots-")
    env = dict(os.environ,
               KIZUNA_DATA_DIR=os.path.join(workdir, "data"),
               XDG_CACHE_HOME=os.path.join(workdir, "cache"),
               KIZUNA_ANILIST_URL="http://127.0.0.1:9/",
               GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, "data"),
               GSETTINGS_BACKEND="memory",
               GSK_RENDERER="cairo",
               GDK_DEBUG="gl-disable")
    app_process = subprocess.Popen([os.path.join(BUILD, "src", "ui", "kizuna")], env=env)
    try:
        app = wait_for(app_node)
        main_window = wait_for(lambda: frame(app, "Kizuna"))
        wait_for(lambda: find(main_window, "list", "Library").childCount > 10)

        key("ctrl+f")
        find(main_window, "entry", "Search Library").queryEditableText().setTextContents(TITLE)
        time.sleep(1.0)
        key("Return")
        wait_for(lambda: frame(app, TITLE))
        # the whole library again in the sidebar
        find(main_window, "entry", "Search Library").queryEditableText().setTextContents("")
        shoot(TITLE, "overview.png")

        for tab, name in (("Tree", "tree.png"), ("Watch Order", "watch-order.png"), ("Timeline", "timeline.png")):
            act(find(main_window, "page tab", tab), "click")
            shoot(TITLE, name)

        button = next(b for b in walk(main_window)
                      if b.getRoleName() == "push button" and b.name == "Main Menu"
                      and "click" in [b.queryAction().getName(i) for i in range(b.queryAction().nActions)])
        act(button, "click")
        act(wait_for(lambda: find(app, "menu item", "Debug Panel")), "click")
        wait_for(lambda: frame(app, "Debug Panel"))
        shoot("Debug Panel", "debug-panel.png")
    finally:
        app_process.terminate()
        app_process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
