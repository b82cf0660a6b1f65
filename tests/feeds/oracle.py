#!/usr/bin/python3
"""Independent oracles for the feeds/ corpus suite.

  oracle.py feeds CORPUS_DIR   -> {"relative/path": {"bozo": 0|1, "links": [...]}}
                                  (or {"error": name} when feedparser raised)
  oracle.py pages CORPUS_DIR   -> {"relative/path": {"base": str|null, "hrefs": [...]}}

Feeds: python3-feedparser on the file's bytes (no HTTP headers: giving any
makes feedparser set bozo for a missing Content-Type); "links" holds each
entry's `link` ("" when none) as feedparser returns it, in entry order (so its
length is the entry count). The test resolves them against the document URL
it gave meetleak, with meetleak's ResolveUrl.

Pages: python3-html5lib (a WHATWG parser) on the file's bytes; "hrefs" holds
the raw href attribute values (character references decoded, nothing else) of
HTML-namespace <a> and <area> elements in document order, each value kept at its
first occurrence only (the tree builder's adoption agency clones <a> elements,
which a tokenizer does not); "base" is the first <base href>.
"""
import json
import os
import sys


def walk(root, exts):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if name.split(".")[-1].lower() in exts:
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, root), path


def feeds(root):
    import feedparser
    out = {}
    for rel, path in walk(root, {"xml", "rss", "atom", "json", "rdf"}):
        with open(path, "rb") as f:
            data = f.read()
        try:
            d = feedparser.parse(data)
        except Exception as e:  # feedparser itself crashed: no oracle here
            out[rel] = {"error": type(e).__name__}
            continue
        out[rel] = {"bozo": 1 if d.get("bozo") else 0,
                    "links": [e.get("link", "") for e in d.entries]}
    return out


def pages(root):
    import html5lib
    out = {}
    for rel, path in walk(root, {"html", "htm"}):
        with open(path, "rb") as f:
            data = f.read()
        tree = html5lib.parse(data, namespaceHTMLElements=False)
        hrefs, seen, base = [], set(), None
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag == "base" and base is None and el.get("href") is not None:
                base = el.get("href")
            if el.tag in ("a", "area") and el.get("href") is not None:
                href = el.get("href")
                if href not in seen:
                    seen.add(href)
                    hrefs.append(href)
        out[rel] = {"base": base, "hrefs": hrefs}
    return out


if __name__ == "__main__":
    mode, root = sys.argv[1], sys.argv[2]
    result = feeds(root) if mode == "feeds" else pages(root)
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
