#!/usr/bin/env python3
"""Rewrites the generated Compile list of a nanoFramework project (.nfproj) so that it names
every .cs file the host build compiles from the same sources.

A .nfproj lives in an nf/ subfolder of its project's folder (no folder may hold two project
files): its sources are then the .cs files of the folder above, all of <dir>/**/*.cs except
bin/, obj/ and nf/, listed as ..\\<path>. (An .nfproj outside an nf/ folder lists the .cs
files of its own folder.) The list sits between the BEGIN/END comments; the rest of the file
is left as it is. LibNet.Nano.Tests/Packaging/NfprojTests.cs checks the result."""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join("LibNet.Nano", "nf", "LibNet.Nano.nfproj")
BEGIN = re.compile(r"^(\s*)<!-- BEGIN (.*?) sources.*-->\s*$")
END = re.compile(r"^\s*<!-- END .* -->\s*$")


def source_root(nfproj):
    """The folder whose .cs files the project compiles, and the prefix that reaches it."""
    project_dir = os.path.dirname(os.path.abspath(nfproj))
    if os.path.basename(project_dir) == "nf":
        return os.path.dirname(project_dir), "..\\"
    return project_dir, ""


def sources(nfproj):
    root, prefix = source_root(nfproj)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in ("bin", "obj", "nf")]
        dirnames.sort()
        for name in filenames:
            if name.endswith(".cs"):
                rel = os.path.normpath(os.path.join(rel_dir, name))
                found.append(prefix + rel.replace("/", "\\"))
    return sorted(found, key=lambda p: p.lower())


def render(nfproj):
    """The project's text with its generated list brought up to date."""
    with open(nfproj, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, i, done = [], 0, False
    listed = sources(nfproj)
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
        for rel in listed:
            out.append(indent + "  <Compile Include=\"" + rel + "\" />")
        out.append(indent + "</ItemGroup>")
        done = True
    if not done:
        sys.exit(nfproj + ": no '<!-- BEGIN ... sources -->' marker")
    return "\n".join(out), len(listed)


def main(argv):
    parser = argparse.ArgumentParser(
        prog="eng/sync-nfproj.py",
        description="Rewrite the generated Compile list of .nfproj files from the sources the host build compiles.",
        epilog="A relative path is taken from the current folder, else from the repository root.")
    parser.add_argument("nfproj", nargs="*", help="projects to update (default: " + DEFAULT.replace(os.sep, "/") + ")")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a list is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for target in args.nfproj or [DEFAULT]:
        path = target if os.path.isfile(target) else os.path.join(ROOT, target)
        if not os.path.isfile(path):
            parser.error(target + ": no such file")
        text, count = render(path)
        with open(path, encoding="utf-8") as f:
            current = f.read()
        if args.check:
            if text != current:
                print(target + ": out of date (run: python3 eng/sync-nfproj.py " + target + ")")
                stale += 1
            else:
                print(target + ": up to date (" + str(count) + " sources)")
            continue
        if text != current:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        print(target + ": " + str(count) + " sources")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
