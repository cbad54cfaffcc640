#!/usr/bin/env python3
"""Runs, exactly as written, the shell commands README.md and docs/*.md tell the reader to type.

What counts as a command (the rule; keep the docs to it):
  1. Each line of a fenced code block tagged bash, sh, shell or console. In a console block only
     lines starting with "$ " are commands (the rest is output). A trailing comment (a '#' after
     a space) is not part of the command; a line that is only a comment is no command; a line
     ending in a backslash continues on the next.
  2. Each line of a fenced block tagged powershell, pwsh, cmd or bat: a Windows command.
  3. Each inline code span (`...`) outside fenced blocks that starts with a command word
     (dotnet, bash, sh, python3, openssl, nanoff, ncat, nuget, msbuild, git, Install-Package),
     perhaps after environment assignments (`NAME=value dotnet ...`), followed by a space. A
     bare tool name (`nanoff`) is a name, not a command.
  Any other fenced block (csharp, lua, text, untagged output or trees) holds no commands; an
  untagged block with a line that starts with a command word is an error: tag it.

Every command runs from the repository root with `bash -c`, stdin closed, within --timeout
seconds, unless NOT_RUN below names it with the reason (Windows, device, LAN peers, servers
that run until stopped, the test command and CI script themselves, full benchmark runs).
A command must exit 0 and leave the working tree as it found it (a documented command that
rewrites a tracked file shows the file was stale: gen-api-docs, sync-nfproj.py). Commands
whose NOT_RUN reason is "ci" must appear verbatim in a line of .ci/run, which runs them in a
step of their own (with its own checks, e.g. of the benchmark smoke output). Every NOT_RUN entry must match a command (no stale entries).

  python3 eng/doc-commands.py --list     classify only (fast; LibNet.Nano.Tests runs this)
  python3 eng/doc-commands.py --run      run them (bash .ci/run does, in its docs step)
"""
import argparse
import glob
import hashlib
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHELL_TAGS = ("bash", "sh", "shell", "console")
WINDOWS_TAGS = ("powershell", "pwsh", "cmd", "bat")
COMMAND_WORDS = ("dotnet", "bash", "sh", "python3", "openssl", "nanoff", "ncat", "nuget", "msbuild", "git", "Install-Package")

# (pattern on the command, reason). Reason "ci" = .ci/run runs it verbatim in another step.
NOT_RUN = [
    (r"^(nanoff|dotnet tool install -g nanoff)\b", "nanoff: needs an ESP32 on a serial port (firmware flashing)"),
    (r"^Install-Package ", "Visual Studio's Package Manager Console (Windows)"),
    (r"^ncat ", "an echo peer on the LAN for the device samples: listens on port 7 until stopped"),
    (r"^openssl s_server ", "a TLS server that runs until stopped; samples/TlsClient starts its own (run here)"),
    (r"^dotnet run --project samples/SelfTest -- 192\.168\.", "talks to your own peer on a LAN address; the same sample runs here against loopback peers"),
    (r"^dotnet test LibNet\.Nano\.Tests\b", "the test command itself (whole, or a part of it): the tests step of .ci/run runs the whole suite"),
    (r"^bash \.ci/run$", "the CI script itself, which runs this"),
    (r"^bash eng/nano-check\.sh$", "ci"),
    (r"^dotnet run --project bench/LibNet\.Nano\.Bench -c Release --no-build -- --smoke$", "ci"),
    # LibNet.Nano.Mqtt (issue 13): its test project, nanoCLR run and benchmark smoke have steps of
    # their own in .ci/run; its full benchmark run is ~1-2 min of measuring.
    (r"^dotnet test LibNet\.Nano\.Mqtt\.Tests -c Release$", "a test command: the tests step of .ci/run runs every test project of the solution, this one among them"),
    (r"^bash eng/nanovm-mqtt\.sh$", "ci"),
    (r"^dotnet run --project bench/LibNet\.Nano\.Mqtt\.Bench -c Release --no-build -- --smoke$", "ci"),
    (r"^dotnet run --project bench/LibNet\.Nano\.Mqtt\.Bench -c Release --no-build$",
     "a full MQTT benchmark run (~1-2 min of measuring): its figures are docs/performance.md; the --smoke line runs every measurement"),
    (r"^dotnet run --project bench/LibNet\.Nano\.Bench -c Release --no-build -- --device$",
     "the device benchmark: ~40 s of measuring on the nanoCLR, needs ../shared/nanovm; its figures are docs/performance.md, and .ci/run runs the library on the nanoCLR in the device suite"),
    (r"^dotnet run (-c Release --project|--project) bench/LibNet\.Nano\.Bench( -c Release --no-build)?( -- (--bdn|--harness\b.*))?$",
     "a full benchmark run (BenchmarkDotNet ~35 s of measuring, the harness ~7 to 13 min): its figures are docs/performance.md; the --smoke line runs every measurement"),
]

FENCE = re.compile(r"^(\s*)```\s*([A-Za-z0-9_+-]*)\s*$")
INLINE = re.compile(r"`([^`\n]+)`")


ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=\S*$")


def without_assignments(text):
    """The command without leading NAME=value environment assignments."""
    words = text.split(" ")
    while len(words) > 1 and ASSIGNMENT.match(words[0]):
        words = words[1:]
    return " ".join(words)


class Command:
    def __init__(self, text, where, windows):
        self.text = text
        self.where = where
        self.windows = windows
        self.reason = None

    def classify(self):
        bare = without_assignments(self.text)
        for pattern, reason in NOT_RUN:
            if re.search(pattern, bare):
                self.reason = reason + ("; Windows" if self.windows and reason != "ci" else "")
                return pattern
        if self.windows:
            self.reason = "Windows (a PowerShell block)"
        return None


def strip_comment(line):
    """The command without a trailing '# comment' (a '#' after whitespace, outside quotes)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def starts_with_command_word(text):
    bare = without_assignments(text.strip())
    first = bare.split(" ", 1)[0]
    return first in COMMAND_WORDS and " " in bare


def extract(path):
    """The commands of one markdown file, and the rule violations found."""
    rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
    commands, errors = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            for span in INLINE.findall(lines[i]):
                text = span.strip()
                if starts_with_command_word(text):
                    commands.append(Command(text, "%s:%d" % (rel, i + 1), False))
            i += 1
            continue
        tag = m.group(2).lower()
        start = i + 1
        i += 1
        body = []
        while i < len(lines) and not FENCE.match(lines[i]):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1  # the closing fence
        if tag in SHELL_TAGS or tag in WINDOWS_TAGS:
            pending, pending_line = "", 0
            for number, raw in body:
                line = raw.strip()
                if tag == "console":
                    if not line.startswith("$ "):
                        continue
                    line = line[2:]
                line = strip_comment(line)
                if pending:
                    line = pending + " " + line
                    number = pending_line
                if line.endswith("\\"):
                    pending, pending_line = line[:-1].rstrip(), number
                    continue
                pending = ""
                if line:
                    commands.append(Command(line, "%s:%d" % (rel, number), tag in WINDOWS_TAGS))
        elif tag == "":
            for number, raw in body:
                if starts_with_command_word(raw.strip()):
                    errors.append("%s:%d: a command in an untagged code block (tag it bash, or powershell): %s" % (rel, number, raw.strip()))
        del start
    return commands, errors


def documents():
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    return [f for f in files if os.path.isfile(f)]


def collect():
    commands, errors = [], []
    for doc in documents():
        c, e = extract(doc)
        commands += c
        errors += e
    used = set()
    for c in commands:
        p = c.classify()
        if p:
            used.add(p)
    for pattern, reason in NOT_RUN:
        if pattern not in used:
            errors.append("eng/doc-commands.py: NOT_RUN entry matches no documented command (remove it): " + pattern)
    ci_path = os.path.join(ROOT, ".ci", "run")
    ci = open(ci_path, encoding="utf-8").read().split("\n") if os.path.isfile(ci_path) else []
    for c in commands:
        if c.reason == "ci" and not any(c.text in l and not l.lstrip().startswith("#") for l in ci):
            errors.append("%s: '%s' is said to run in .ci/run, which has no line running it verbatim" % (c.where, c.text))
    return commands, errors


def tree_state():
    """A fingerprint of the working tree's changes against HEAD (tracked and untracked), or None outside git."""
    try:
        diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, capture_output=True, check=True).stdout
        untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return hashlib.sha256(diff + b"\0" + untracked).hexdigest(), untracked.decode("utf-8", "replace")


def run_one(command, timeout):
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1")
    p = subprocess.Popen(["bash", "-c", command], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out.decode("utf-8", "replace"), True


def main(argv):
    parser = argparse.ArgumentParser(prog="eng/doc-commands.py", description="Run the shell commands of README.md and docs/*.md as written.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--list", action="store_true", help="classify the commands; run nothing")
    mode.add_argument("--run", action="store_true", help="run every command not excluded; exit 1 if one fails")
    parser.add_argument("--timeout", type=int, default=600, help="seconds each command may take (default 600)")
    args = parser.parse_args(argv)

    commands, errors = collect()
    seen = set()
    to_run = []
    for c in commands:
        if c.reason is None and c.text not in seen:
            seen.add(c.text)
            to_run.append(c)

    for c in commands:
        if c.reason is None:
            print("RUN   %s    (%s)" % (c.text, c.where))
        elif c.reason == "ci":
            print("CI    %s    (%s; .ci/run runs it in its own step)" % (c.text, c.where))
        else:
            print("SKIP  %s    (%s; %s)" % (c.text, c.where, c.reason))
    for e in errors:
        print("ERROR " + e)
    if errors:
        return 1
    if not to_run:
        print("ERROR no documented command to run: the extraction is broken")
        return 1
    if args.list:
        print("%d commands: %d to run, %d not run here" % (len(commands), len(to_run), len(commands) - len([c for c in commands if c.reason is None])))
        return 0

    failed = 0
    for c in to_run:
        before = tree_state()
        print("\n$ " + c.text + "    (" + c.where + ")", flush=True)
        start = time.time()
        code, out, timed_out = run_one(c.text, args.timeout)
        took = time.time() - start
        after = tree_state()
        problem = None
        if timed_out:
            problem = "did not finish in %d s" % args.timeout
        elif code != 0:
            problem = "exit code %d" % code
        elif before is not None and after is not None and before[0] != after[0]:
            problem = "changed the working tree (a tracked file it writes is stale, or it leaves new files):\n" + \
                subprocess.run(["git", "status", "--short"], cwd=ROOT, capture_output=True).stdout.decode("utf-8", "replace")
        if problem:
            failed += 1
            tail = "\n".join(out.rstrip().split("\n")[-40:])
            print("FAILED after %.1f s: %s\n--- last output:\n%s\n---" % (took, problem, tail), flush=True)
        else:
            print("ok (%.1f s)" % took, flush=True)
    print("\ndocumented commands: %d run, %d failed, %d not run here (see the SKIP/CI lines)" % (len(to_run), failed, len(commands) - len([c for c in commands if c.reason is None])))
    if before is None:
        print("(not a git checkout: the working-tree check was skipped)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
