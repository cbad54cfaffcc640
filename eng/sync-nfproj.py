#!/usr/bin/env python3
"""Rewrites the generated Compile list of a nanoFramework project (.nfproj) so that it names
every .cs file the host build compiles from the same folder: all of <dir>/**/*.cs except bin/
and obj/. Usage: python3 eng/sync-nfproj.py [path/to/Project.nfproj ...]
(default: LibNet.Nano/LibNet.Nano.nfproj). The list sits between the BEGIN/END comments; the
rest of the file is left as it is. LibNet.Nano.Tests/Packaging/NfprojTests.cs checks the result."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = re.compile(r"^(\s*)<!-- BEGIN (.*?) sources.*-->\s*$")
END = re.compile(r"^\s*<!-- END .* -->\s*$")


def sources(project_dir):
    found = []
    for dirpath, dirnames, filenames in os.walk(project_dir):
        rel_dir = os.path.relpath(dirpath, project_dir)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in ("bin", "obj")]
        dirnames.sort()
        for name in filenames:
            if name.endswith(".cs"):
                rel = os.path.normpath(os.path.join(rel_dir, name))
                found.append(rel.replace("/", "\\"))
    return sorted(found, key=lambda p: p.lower())


def sync(nfproj):
    project_dir = os.path.dirname(os.path.abspath(nfproj))
    with open(nfproj, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, i, done = [], 0, False
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m.group(1)
        out.append(lines[i])
        i += 1
        while i < len(lines) and not END.match(lines[i]):
            i += 1
        out.append(indent + "<ItemGroup>")
        for rel in sources(project_dir):
            out.append(indent + "  <Compile Include=\"" + rel + "\" />")
        out.append(indent + "</ItemGroup>")
        done = True
    if not done:
        sys.exit(nfproj + ": no '<!-- BEGIN ... sources -->' marker")
    text = "\n".join(out)
    with open(nfproj, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(nfproj + ": " + str(len(sources(project_dir))) + " sources")


if __name__ == "__main__":
    targets = sys.argv[1:] or [os.path.join(ROOT, "LibNet.Nano", "LibNet.Nano.nfproj")]
    for t in targets:
        sync(t)
