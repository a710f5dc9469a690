#!/usr/bin/env python3
"""po/POTFILES.in against the sources.

Runs xgettext with the keywords of meson's "glib" preset over every file
under src/ and data/ that it can read, and checks that:

- every file POTFILES.in names exists,
- POTFILES.in is sorted and names each file once,
- every file with translatable strings is listed,
- every listed file still has translatable strings,
- no message was cut short by a format macro ("%" G_GINT64_FORMAT inside
  _() reaches xgettext as "%"; PRId64 and friends are understood).

Usage: test-potfiles.py SOURCE_ROOT. Prints TAP; skips without xgettext.
"""

import os
import re
import shutil
import subprocess
import sys

SCANNED_DIRS = ("src", "data")

# What xgettext reads, by the end of the file name.
SOURCE_SUFFIXES = (
    ".c",
    ".h",
    ".ui",
    ".desktop.in",
    ".desktop.in.in",
    ".metainfo.xml.in",
    ".metainfo.xml.in.in",
    ".gschema.xml",
)

# meson's i18n.gettext(preset: 'glib'); xgettext adds the C defaults
# (gettext, ngettext, dgettext, …) itself.
KEYWORDS = (
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
)

results = []


def check(ok, description, details=()):
    results.append((ok, description, list(details)))


def unquote(text):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def read_potfiles(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


def source_files(root):
    found = []
    for top in SCANNED_DIRS:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    found.append(os.path.relpath(os.path.join(folder, name), root))
    return found


def extract(root, files, xgettext):
    """The files that have messages, and every msgid and msgid_plural."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.run(
        [xgettext, "--from-code=UTF-8", "--add-location=file", "--output=-", *KEYWORDS, *files],
        cwd=root, env=env, capture_output=True, text=True, encoding="utf-8",
    )
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"Bail out! xgettext failed with status {proc.returncode}")

    with_strings = set()
    messages = []
    current = None
    for line in proc.stdout.splitlines():
        if line.startswith("#: "):
            with_strings.update(line[3:].split())
        elif line.startswith(("msgid ", "msgid_plural ")):
            current = unquote(line.split(" ", 1)[1])
            messages.append(current)
        elif line.startswith('"') and current is not None:
            messages[-1] += unquote(line)
        else:
            current = None
    return with_strings, [m for m in messages if m]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} SOURCE_ROOT")
    root = sys.argv[1]

    xgettext = shutil.which("xgettext")
    if xgettext is None:
        print("1..0 # SKIP xgettext is not installed (package gettext)")
        return 77

    listed = read_potfiles(os.path.join(root, "po", "POTFILES.in"))
    missing_files = [p for p in listed if not os.path.isfile(os.path.join(root, p))]
    # Listed files of other kinds are read too, so they do not look stale.
    scanned = sorted(set(source_files(root)) | (set(listed) - set(missing_files)))
    with_strings, messages = extract(root, scanned, xgettext)

    check(not missing_files, "POTFILES.in names only files that exist",
          (f"{p} does not exist" for p in missing_files))

    duplicates = sorted({p for p in listed if listed.count(p) > 1})
    unsorted = sorted({b for a, b in zip(listed, listed[1:]) if a > b})
    check(not duplicates and not unsorted, "POTFILES.in is sorted and names each file once",
          [f"{p} is listed twice" for p in duplicates] +
          [f"{p} is out of order" for p in unsorted])

    unlisted = sorted(with_strings - set(listed))
    check(not unlisted, "every file with translatable strings is in POTFILES.in",
          (f"{p} has translatable strings but is not listed" for p in unlisted))

    stale = sorted(p for p in set(listed) - with_strings if p not in missing_files)
    check(not stale, "every file in POTFILES.in has translatable strings",
          (f"{p} has no translatable strings any more" for p in stale))

    # An odd run of % at the end: a directive whose rest was a macro.
    cut = sorted({m for m in messages if re.search(r"(?<!%)(%%)*%$", m)})
    check(not cut, "no message is cut short by a format macro",
          (f"{m!r}: use PRId64/PRIu64 from <inttypes.h> inside _(), not G_GINT64_FORMAT" for m in cut))

    print(f"1..{len(results)}")
    for number, (ok, description, details) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} {description}")
        for line in details:
            print(f"# {line}")

    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
