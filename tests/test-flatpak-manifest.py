#!/usr/bin/env python3
"""Checks the Flatpak manifest against the meson build, without building
it (that needs the GNOME SDK): it parses, its id is the application id
of a non-development build, it runs the installed app, it asks for no
file system access, and it builds this checkout with meson.

Usage: test-flatpak-manifest.py MANIFEST --app-id ID --development BOOL
                                --command NAME --source-root DIR
Prints TAP.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=fallback-x11",
    "--socket=wayland",
    "--device=dri",
}
DEVEL_SUFFIX = ".Devel"

results = []


def check(name, passed, detail=""):
    results.append((name, bool(passed), detail))


def load(path):
    """The manifest as flatpak-builder reads it, or as plain JSON."""
    builder = shutil.which("flatpak-builder")
    if builder is None:
        with open(path, encoding="utf-8") as f:
            return json.load(f), "json"
    out = subprocess.run([builder, "--show-manifest", path],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise ValueError(out.stderr.strip() or "flatpak-builder failed")
    return json.loads(out.stdout), "flatpak-builder"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--development", required=True, choices=["true", "false"])
    parser.add_argument("--command", required=True)
    parser.add_argument("--source-root", required=True)
    args = parser.parse_args()

    try:
        manifest, how = load(args.manifest)
    except (OSError, ValueError) as e:
        print("1..1")
        print(f"not ok 1 - manifest parses\n# {e}")
        return 1
    check(f"manifest parses ({how})", isinstance(manifest, dict))

    # The manifest builds with -Ddevelopment=false: its id never has the
    # .Devel suffix, even when this build does.
    expected_id = args.app_id
    if args.development == "true" and expected_id.endswith(DEVEL_SUFFIX):
        expected_id = expected_id[: -len(DEVEL_SUFFIX)]
    app_id = manifest.get("id", manifest.get("app-id"))
    check(f"id is {expected_id}", app_id == expected_id, f"id is {app_id!r}")

    check("runtime is org.gnome.Platform with org.gnome.Sdk",
          manifest.get("runtime") == "org.gnome.Platform"
          and manifest.get("sdk") == "org.gnome.Sdk"
          and str(manifest.get("runtime-version", "")) != "",
          f"runtime {manifest.get('runtime')!r} {manifest.get('runtime-version')!r}, "
          f"sdk {manifest.get('sdk')!r}")

    command = manifest.get("command")
    check(f"command is the installed {args.command}", command == args.command,
          f"command is {command!r}")

    finish_args = manifest.get("finish-args", [])
    filesystem = [a for a in finish_args if a.startswith("--filesystem")]
    check("no file system access", not filesystem, f"asks for {filesystem}")
    check("finish-args are network, ipc, wayland, fallback-x11 and dri",
          set(finish_args) == FINISH_ARGS and len(finish_args) == len(FINISH_ARGS),
          f"finish-args are {finish_args}")

    modules = manifest.get("modules", [])
    app = modules[-1] if modules else {}
    if not isinstance(app, dict):
        app = {}
    check("the last module is kizuna, built with meson",
          app.get("name") == "kizuna" and app.get("buildsystem") == "meson",
          f"last module is {app.get('name')!r} ({app.get('buildsystem')!r})")
    check("it builds with -Ddevelopment=false",
          "-Ddevelopment=false" in app.get("config-opts", []),
          f"config-opts are {app.get('config-opts')}")

    manifest_dir = os.path.dirname(os.path.abspath(args.manifest))
    dirs = [s for s in app.get("sources", [])
            if s.get("type") == "dir" and s.get("path") == ".."]
    check('its source is the checkout, {"type": "dir", "path": ".."}',
          len(dirs) == 1, f"sources are {app.get('sources')}")
    if dirs:
        checkout = os.path.realpath(os.path.join(manifest_dir, dirs[0]["path"]))
        check("that folder is this source tree",
              checkout == os.path.realpath(args.source_root)
              and os.path.isfile(os.path.join(checkout, "meson.build")),
              f"{checkout} is not {args.source_root}")

    print(f"1..{len(results)}")
    for i, (name, passed, detail) in enumerate(results, 1):
        print(f"{'ok' if passed else 'not ok'} {i} - {name}")
        if not passed and detail:
            print(f"# {detail}")

    return 0 if all(passed for _, passed, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
