#!/usr/bin/env python3
"""Adds operations of Cloudflare's upstream OpenAPI schema to the trimmed subset.

Usage: add-operations.py UPSTREAM_OPENAPI_JSON SUBSET_JSON
UPSTREAM_OPENAPI_JSON is cloudflare/api-schemas' openapi.json at the subset's commit
(cca3064f1aba08cc6cef52fc7b3d3064a9eafcc9):
  git --git-dir=<api-schemas>/.git show cca3064f1aba08cc6cef52fc7b3d3064a9eafcc9:openapi.json
The operations are copied as they are, with every component they reference, followed
transitively ($ref and discriminator.mapping), into SUBSET_JSON (rewritten in place,
2-space indent, as the subset was made). Components already in the subset are kept.
"""
import json
import sys

# (path, methods) added for the CDN host in front of the bucket (issue 28).
OPERATIONS = [
    ("/zones/{zone_id}/dns_records", ["get", "post"]),
    ("/zones/{zone_id}/dns_records/{dns_record_id}", ["get", "put", "patch", "delete"]),
]


def refs(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.add(v)
            elif k == "mapping" and isinstance(v, dict):
                out.update(x for x in v.values() if isinstance(x, str))
            else:
                refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def main(upstream_path, subset_path):
    up = json.load(open(upstream_path))
    sub = json.load(open(subset_path))
    todo = set()
    for path, methods in OPERATIONS:
        src = up["paths"][path]
        dst = sub["paths"].setdefault(path, {})
        for k, v in src.items():
            if k in methods or k == "parameters":
                dst[k] = v
        refs(dst, todo)
    seen = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, section, kind, name = ref.split("/", 3)
        node = up[section][kind][name]
        have = sub.setdefault(section, {}).setdefault(kind, {})
        if name not in have:
            have[name] = node
        refs(node, todo)
    with open(subset_path, "w") as f:
        json.dump(sub, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
