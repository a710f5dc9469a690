#!/usr/bin/env python3
# make-snapshot.py: expands franchises.tsv into library.json
#
# The build does not run this script: run it by hand after editing
# franchises.tsv and commit both files.
#
#   python3 data/bundled/make-snapshot.py [franchises.tsv] [library.json]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import calendar
import collections
import json
import os
import sys
import zlib

FORMAT = "kizuna-snapshot"
VERSION = 1
# The snapshot's data counts as fetched then: 2026-11-01 00:00 UTC.
GENERATED_AT = calendar.timegm((2026, 11, 1, 0, 0, 0))
# updatedAt values are spread over 2025-01-01 .. 2026-10-31.
UPDATED_FROM = calendar.timegm((2025, 1, 1, 0, 0, 0))
UPDATED_TO = calendar.timegm((2026, 10, 31, 0, 0, 0))

FORMATS = {"TV", "TV_SHORT", "MOVIE", "SPECIAL", "OVA", "ONA", "MUSIC",
           "MANGA", "NOVEL", "ONE_SHOT"}
STATUSES = {"FINISHED", "RELEASING", "NOT_YET_RELEASED", "CANCELLED", "HIATUS"}
RELATIONS = {"ADAPTATION", "PREQUEL", "SEQUEL", "PARENT", "SIDE_STORY",
             "CHARACTER", "SUMMARY", "ALTERNATIVE", "SPIN_OFF", "OTHER",
             "SOURCE", "COMPILATION", "CONTAINS"}
# What the other entry lists when one lists the key.
REVERSE = {
    "PREQUEL": "SEQUEL", "SEQUEL": "PREQUEL",
    "SIDE_STORY": "PARENT", "SPIN_OFF": "PARENT", "SUMMARY": "PARENT",
    "PARENT": "SIDE_STORY",
    "SOURCE": "ADAPTATION", "ADAPTATION": "SOURCE",
    "COMPILATION": "CONTAINS", "CONTAINS": "COMPILATION",
    "ALTERNATIVE": "ALTERNATIVE", "CHARACTER": "CHARACTER", "OTHER": "OTHER",
}
# Pairs that must always come back, whatever the source says.
STRICT = {"PREQUEL": "SEQUEL", "SEQUEL": "PREQUEL",
          "SOURCE": "ADAPTATION", "ADAPTATION": "SOURCE",
          "COMPILATION": "CONTAINS", "CONTAINS": "COMPILATION"}
# What a franchise walk follows by default.
DEFAULT_MASK = {"PREQUEL", "SEQUEL", "PARENT", "SIDE_STORY", "SPIN_OFF",
                "ALTERNATIVE", "SUMMARY", "COMPILATION", "CONTAINS"}
# Cover colours of the kind AniList extracts from cover art.
COLORS = ["#e4a15d", "#f1785d", "#e4c95d", "#5daee4", "#e47850", "#43a1e4",
          "#f1d65d", "#28aee4", "#a1e45d", "#e45d6b", "#d6a186", "#5de4a1",
          "#865d43", "#e4865d", "#3586e4", "#c9e4f1", "#f1aed6", "#50a1e4",
          "#e4e45d", "#78a150", "#d65d5d", "#1a86c9", "#e4bb78", "#6b5de4"]


class SourceError(Exception):
    pass


def split_fields(line):
    fields, cur, i = [], [], 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line) and line[i + 1] == "|":
            cur.append("|")
            i += 2
            continue
        if c == "|":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    fields.append("".join(cur))
    return fields


def opt(value):
    return value if value != "" else None


def opt_int(value, where):
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise SourceError(f"{where}: not a number: {value!r}")


def parse_date(value, where):
    if value == "":
        return {"year": None, "month": None, "day": None}
    parts = value.split("-")
    if len(parts) > 3:
        raise SourceError(f"{where}: bad date {value!r}")
    nums = [int(p) for p in parts] + [None] * (3 - len(parts))
    year, month, day = nums
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12) \
            or (day is not None and not 1 <= day <= 31):
        raise SourceError(f"{where}: impossible date {value!r}")
    return {"year": year, "month": month, "day": day}


def season_of(date):
    """AniList's seasons: December to February is WINTER of the next year."""
    year, month = date["year"], date["month"]
    if year is None or month is None:
        return None, year
    if month == 12:
        return "WINTER", year + 1
    if month <= 2:
        return "WINTER", year
    if month <= 5:
        return "SPRING", year
    if month <= 8:
        return "SUMMER", year
    return "FALL", year


def stable(media_id, salt):
    return zlib.crc32(f"{salt}:{media_id}".encode())


def read_source(path):
    anime, nodes, edges = {}, {}, []
    order = []
    genres_default = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = f"{os.path.basename(path)}:{number}"
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("@genres "):
                genres_default = [g for g in line[8:].strip().split(",") if g]
                continue
            fields = split_fields(line)
            kind = fields[0]
            if kind == "A":
                if len(fields) != 17:
                    raise SourceError(f"{where}: anime lines have 17 fields, not {len(fields)}")
                (_, mid, mal, fmt, status, episodes, duration, start, end,
                 score, adult, genres, romaji, english, native, synonyms,
                 description) = fields
                mid = opt_int(mid, where)
                if mid is None or mid <= 0:
                    raise SourceError(f"{where}: missing id")
                if mid in anime or mid in nodes:
                    raise SourceError(f"{where}: id {mid} listed twice")
                if fmt not in FORMATS or status not in STATUSES:
                    raise SourceError(f"{where}: bad format or status")
                if not romaji:
                    raise SourceError(f"{where}: missing romaji title")
                anime[mid] = {
                    "id": mid, "idMal": opt_int(mal, where), "format": fmt,
                    "status": status, "episodes": opt_int(episodes, where),
                    "duration": opt_int(duration, where),
                    "start": parse_date(start, where), "end": parse_date(end, where),
                    "score": opt_int(score, where), "adult": adult == "y",
                    "genres": genres.split(",") if genres else list(genres_default),
                    "romaji": romaji, "english": opt(english), "native": opt(native),
                    "synonyms": [s for s in synonyms.split(";") if s],
                    "description": opt(description), "where": where,
                }
                order.append(mid)
            elif kind == "N":
                if len(fields) != 10:
                    raise SourceError(f"{where}: node lines have 10 fields, not {len(fields)}")
                _, nid, mal, mtype, fmt, status, start, romaji, english, native = fields
                nid = opt_int(nid, where)
                if nid in anime or nid in nodes:
                    raise SourceError(f"{where}: id {nid} listed twice")
                if mtype != "MANGA" or fmt not in FORMATS or status not in STATUSES:
                    raise SourceError(f"{where}: bad type, format or status")
                nodes[nid] = {
                    "id": nid, "idMal": opt_int(mal, where), "type": mtype,
                    "format": fmt, "status": status, "start": parse_date(start, where),
                    "romaji": romaji, "english": opt(english), "native": opt(native),
                }
            elif kind == "R":
                if len(fields) not in (4, 5):
                    raise SourceError(f"{where}: relation lines have 4 or 5 fields")
                src, rel, dst = opt_int(fields[1], where), fields[2], opt_int(fields[3], where)
                rev = fields[4] if len(fields) == 5 else REVERSE[rel]
                if rel not in RELATIONS or (rev != "-" and rev not in RELATIONS):
                    raise SourceError(f"{where}: unknown relation type")
                edges.append((src, rel, dst, rev, where))
            else:
                raise SourceError(f"{where}: unknown line kind {kind!r}")
    return anime, nodes, edges, order


def build_edges(anime, nodes, edges):
    """Returns {id: [(type, target)]} with the reverse edges added."""
    out = collections.defaultdict(list)
    seen = {}

    def add(src, rel, dst, where):
        key = (src, dst)
        if key in seen:
            if seen[key] != rel:
                raise SourceError(f"{where}: {src} -> {dst} is both {seen[key]} and {rel}")
            return
        seen[key] = rel
        out[src].append((rel, dst))

    for src, rel, dst, rev, where in edges:
        if src == dst:
            raise SourceError(f"{where}: self-loop on {src}")
        for end in (src, dst):
            if end not in anime and end not in nodes:
                raise SourceError(f"{where}: relation target {end} is not listed")
        if src not in anime:
            raise SourceError(f"{where}: relations start from an anime, not {src}")
        add(src, rel, dst, where)
        # Non-anime nodes carry no relations of their own in the snapshot.
        if rev != "-" and dst in anime:
            add(dst, rev, src, where)

    for src, lst in out.items():
        for rel, dst in lst:
            if rel in STRICT and dst in anime and (STRICT[rel], src) not in out[dst]:
                raise SourceError(f"{src} -> {dst} is {rel} but {dst} has no {STRICT[rel]} back")
    return out


def node_stub(entry):
    return {
        "id": entry["id"], "idMal": entry["idMal"], "type": entry.get("type", "ANIME"),
        "format": entry["format"], "status": entry["status"],
        "episodes": entry.get("episodes"),
        "seasonYear": season_of(entry["start"])[1] if "type" not in entry else None,
        "isAdult": entry.get("adult", False),
        "title": {"romaji": entry["romaji"], "english": entry["english"],
                  "native": entry["native"]},
        "startDate": entry["start"],
        "coverImage": {"medium": None, "color": color_of(entry["id"])},
    }


def color_of(media_id):
    return COLORS[stable(media_id, "color") % len(COLORS)]


def media_object(entry, relations, lookup):
    season, season_year = season_of(entry["start"])
    updated = UPDATED_FROM + stable(entry["id"], "updated") % (UPDATED_TO - UPDATED_FROM)
    return {
        "id": entry["id"], "idMal": entry["idMal"], "type": "ANIME",
        "format": entry["format"], "status": entry["status"],
        "episodes": entry["episodes"], "duration": entry["duration"],
        "season": season, "seasonYear": season_year,
        "isAdult": entry["adult"], "updatedAt": updated,
        "averageScore": entry["score"],
        "siteUrl": f"https://anilist.co/anime/{entry['id']}",
        "genres": entry["genres"], "synonyms": entry["synonyms"],
        "title": {"romaji": entry["romaji"], "english": entry["english"],
                  "native": entry["native"], "userPreferred": entry["romaji"]},
        "startDate": entry["start"], "endDate": entry["end"],
        "coverImage": {"extraLarge": None, "large": None, "medium": None,
                       "color": color_of(entry["id"])},
        "bannerImage": None,
        "description": entry["description"],
        "relations": {"edges": [{"relationType": rel, "node": node_stub(lookup[dst])}
                                for rel, dst in relations.get(entry["id"], [])]},
    }


def franchise_stats(anime, relations):
    """Components over the default relation types between anime."""
    adj = collections.defaultdict(set)
    for src, lst in relations.items():
        for rel, dst in lst:
            if rel in DEFAULT_MASK and src in anime and dst in anime:
                adj[src].add(dst)
                adj[dst].add(src)
    seen, comps = set(), []
    for mid in anime:
        if mid in seen:
            continue
        comp, queue = [], [mid]
        seen.add(mid)
        while queue:
            cur = queue.pop()
            comp.append(cur)
            for nxt in adj[cur]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        comps.append(comp)
    return adj, comps


def depth_from(adj, root):
    dist, queue = {root: 0}, collections.deque([root])
    while queue:
        cur = queue.popleft()
        for nxt in adj[cur]:
            if nxt not in dist:
                dist[nxt] = dist[cur] + 1
                queue.append(nxt)
    return max(dist.values())


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    src = argv[1] if len(argv) > 1 else os.path.join(here, "franchises.tsv")
    dst = argv[2] if len(argv) > 2 else os.path.join(here, "library.json")
    try:
        anime, nodes, edges, order = read_source(src)
        relations = build_edges(anime, nodes, edges)
    except SourceError as e:
        print(f"make-snapshot: {e}", file=sys.stderr)
        return 1

    lookup = dict(anime)
    lookup.update(nodes)
    snapshot = {
        "format": FORMAT, "version": VERSION, "generated_at": GENERATED_AT,
        "media": [media_object(anime[mid], relations, lookup) for mid in order],
    }
    text = json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n"
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)

    adj, comps = franchise_stats(anime, relations)
    comps.sort(key=len, reverse=True)
    largest = comps[0]
    first_tv = min((m for m in largest if anime[m]["format"] == "TV"),
                   key=lambda m: (anime[m]["start"]["year"] or 9999, m))
    n_edges = sum(len(v) for v in relations.values())
    crossing = sum(1 for s, lst in relations.items() for rel, d in lst
                   if rel in ("CHARACTER", "OTHER") and d in anime)
    statuses = collections.Counter(a["status"] for a in anime.values())
    print(f"media: {len(anime)}, non-anime nodes: {len(nodes)}, edges: {n_edges}")
    print(f"franchises (default relations): {len(comps)}; "
          f"largest: {len(largest)} entries, depth {depth_from(adj, first_tv)} "
          f"from {anime[first_tv]['romaji']}")
    print(f"CHARACTER/OTHER edges between anime: {crossing}; "
          f"adult: {sum(a['adult'] for a in anime.values())}")
    print("status: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"wrote {dst} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
