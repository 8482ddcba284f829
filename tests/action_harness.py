#!/usr/bin/env python3
"""Runs the composite action in action.yml the way a GitHub runner would, and
checks what it does on the example workspaces.

The runner is simulated: for each scenario a temporary GITHUB_WORKSPACE (a git
repository holding copies of examples/acme and examples/broken), fresh
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_ENV files per step,
RUNNER_TEMP, and GITHUB_ACTION_PATH pointing at this repository. The action's
steps run in order: `run:` steps with `bash --noprofile --norc -eo pipefail`
(what `shell: bash` means on a runner), with the `${{ ... }}` expressions of
`env:`, `if:` and `with:` evaluated for the contexts the action uses (inputs,
steps.*.outputs, github.action_path/workspace, runner.*). An unknown
expression is an error, so the action cannot use one this harness does not
understand.

The event that triggered the workflow is simulated too: `github.event_name`
and `github.event.pull_request.base.sha` come from the scenario (default: a
push). The pull-request scenarios build the checkout the way
actions/checkout does on a pull request: a shallow clone (one commit) of an
"origin" repository holding the base commit and the change, so the action
has to fetch the base itself.

The `uses:` steps are simulated. actions/upload-artifact records the
uploaded files. actions/cache: with STEWARD_ACTION_BIN set
to a built steward binary it is a cache hit (the binary is placed at the cached
path, and the real install step then takes its "cached build" branch);
without it, it is a miss and the install step runs the real
`cargo install --locked --path "$GITHUB_ACTION_PATH"` (a release build: slow).
actions/upload-artifact: the file at `path` (relative to the workspace) must
exist; it is recorded under the artifact's `name`.

Usage: python3 tests/action_harness.py   (from anywhere; needs PyYAML)
Prints one line per scenario and closes with `N passed, N failed`.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TODAY = "2026-06-01"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class HarnessError(Exception):
    pass


def load_action():
    with open(os.path.join(REPO, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    if action.get("runs", {}).get("using") != "composite":
        raise HarnessError("action.yml is not a composite action")
    return action


def parse_file_commands(path):
    """Parses a GITHUB_OUTPUT / GITHUB_ENV file: `k=v` and `k<<DELIM` blocks."""
    values = {}
    if not os.path.exists(path):
        return values
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = []
            while i < len(lines) and lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            if i >= len(lines):
                raise HarnessError(f"{path}: unterminated {key}<<{delimiter}")
            i += 1
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        else:
            raise HarnessError(f"{path}: malformed line {line!r}")
    return values


class Runner:
    def __init__(self, inputs, workspace, temp, summary, prebuilt, event=None):
        self.action = load_action()
        declared = self.action.get("inputs", {})
        unknown = set(inputs) - set(declared)
        if unknown:
            raise HarnessError(f"inputs not declared in action.yml: {sorted(unknown)}")
        # Defaults, then the workflow's `with:` values.
        self.inputs = {k: str(v.get("default", "")) for k, v in declared.items()}
        self.inputs.update(inputs)
        self.workspace = workspace
        self.temp = temp
        self.prebuilt = prebuilt
        self.steps = {}
        self.summary = summary
        open(self.summary, "w").close()
        self.path_additions = []
        self.env_additions = {}
        self.stdout = ""
        self.stderr = ""
        self.event = event or {"name": "push"}
        self.artifacts = {}

    # ------------------------------------------------------------ expressions

    def value(self, expr):
        expr = expr.strip()
        m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            if m.group(1) not in self.inputs:
                raise HarnessError(f"unknown input in expression: {expr}")
            return self.inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return self.steps.get(m.group(1), {}).get("outputs", {}).get(m.group(2), "")
        m = re.fullmatch(r"'((?:[^']|'')*)'", expr)
        if m:
            return m.group(1).replace("''", "'")
        known = {
            "github.action_path": REPO,
            "github.workspace": self.workspace,
            "runner.temp": self.runner_temp,
            "runner.os": "Linux",
            "runner.arch": "X64",
            "github.event_name": self.event["name"],
            # Missing properties of an event are empty strings, as on a runner.
            "github.event.pull_request.base.sha": self.event.get("base_sha", ""),
        }
        if expr in known:
            return known[expr]
        raise HarnessError(f"the harness does not understand the expression `{expr}`")

    def condition(self, expr):
        expr = EXPR.sub(lambda m: m.group(1), str(expr)).strip()
        m = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", expr)
        if not m:
            raise HarnessError(f"the harness does not understand the condition `{expr}`")
        left, op, right = self.value(m.group(1)), m.group(2), self.value(m.group(3))
        return (left == right) == (op == "==")

    def substitute(self, text):
        return EXPR.sub(lambda m: self.value(m.group(1)), str(text))

    # ------------------------------------------------------------ steps

    @property
    def runner_temp(self):
        return os.path.join(self.temp, "runner_temp")

    def base_env(self):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))
        }
        env.update(self.env_additions)
        env.update(
            {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_ACTION_PATH": REPO,
                "GITHUB_WORKSPACE": self.workspace,
                "GITHUB_STEP_SUMMARY": self.summary,
                "RUNNER_TEMP": self.runner_temp,
                "RUNNER_OS": "Linux",
                "RUNNER_ARCH": "X64",
                "NO_COLOR": "1",
            }
        )
        if self.path_additions:
            env["PATH"] = os.pathsep.join(self.path_additions[::-1] + [env.get("PATH", "")])
        return env

    def simulate_uses(self, step):
        uses = step["uses"]
        if uses.startswith("actions/cache@"):
            return self.simulate_cache(step)
        if uses.startswith("actions/upload-artifact@"):
            return self.simulate_upload(step)
        raise HarnessError(f"the harness cannot simulate `uses: {uses}`")

    def simulate_upload(self, step):
        known = {"name", "path", "if-no-files-found"}
        given = step.get("with", {})
        if set(given) - known:
            raise HarnessError(f"upload-artifact inputs the harness does not know: {sorted(set(given) - known)}")
        name = self.substitute(given.get("name", "artifact"))
        path = self.substitute(given.get("path", ""))
        full = os.path.join(self.workspace, path)
        if not path or not os.path.isfile(full):
            if self.substitute(given.get("if-no-files-found", "warn")) == "error":
                raise HarnessError(f"upload-artifact: no file at `{path}`")
        else:
            with open(full, encoding="utf-8") as f:
                self.artifacts[name] = (path, f.read())
        return {"artifact-id": str(len(self.artifacts))}

    def simulate_cache(self, step):
        path = self.substitute(step.get("with", {}).get("path", ""))
        self.substitute(step.get("with", {}).get("key", ""))
        if not path:
            raise HarnessError("actions/cache without a path")
        hit = self.prebuilt is not None
        if hit:
            os.makedirs(os.path.join(path, "bin"), exist_ok=True)
            shutil.copy2(self.prebuilt, os.path.join(path, "bin", "steward"))
        return {"cache-hit": "true" if hit else "false"}

    def run_step(self, index, step):
        name = step.get("id") or f"step{index}"
        if "if" in step and not self.condition(step["if"]):
            self.steps[name] = {"outputs": {}, "skipped": True}
            return 0
        if "uses" in step:
            self.steps[name] = {"outputs": self.simulate_uses(step)}
            return 0
        if step.get("shell") != "bash":
            raise HarnessError(f"step {name}: only `shell: bash` is simulated")
        script_text = step["run"]
        if EXPR.search(script_text):
            raise HarnessError(
                f"step {name}: `${{{{ }}}}` inside `run:` is a script-injection risk; use env:"
            )
        files = {}
        for kind in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"):
            files[kind] = os.path.join(self.temp, f"{name}.{kind.lower()}")
            open(files[kind], "w").close()
        script = os.path.join(self.temp, f"{name}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(script_text)
        env = self.base_env()
        env.update(files)
        for key, value in (step.get("env") or {}).items():
            env[key] = self.substitute(value)
        cwd = self.substitute(step.get("working-directory", self.workspace))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        self.stdout += proc.stdout
        self.stderr += proc.stderr
        self.steps[name] = {"outputs": parse_file_commands(files["GITHUB_OUTPUT"])}
        self.env_additions.update(parse_file_commands(files["GITHUB_ENV"]))
        with open(files["GITHUB_PATH"], encoding="utf-8") as f:
            self.path_additions += [line for line in f.read().split("\n") if line]
        return proc.returncode

    def run(self):
        """Runs the steps in order; stops at the first failing one, like a runner."""
        os.makedirs(self.runner_temp, exist_ok=True)
        status = 0
        for index, step in enumerate(self.action["runs"]["steps"]):
            status = self.run_step(index, step)
            if status != 0:
                break
        outputs = {
            name: self.substitute(spec.get("value", ""))
            for name, spec in self.action.get("outputs", {}).items()
        }
        with open(self.summary, encoding="utf-8") as f:
            summary = f.read()
        return Result(status, self.stdout, self.stderr, summary, outputs, self.artifacts)


class Result:
    def __init__(self, status, stdout, stderr, summary, outputs, artifacts):
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.summary = summary
        self.outputs = outputs
        # name -> (path, text) of each uploaded artifact
        self.artifacts = artifacts

    def annotations(self):
        return [l for l in self.stdout.splitlines() if l.startswith(("::error ", "::warning "))]

    def __str__(self):
        return (
            f"exit {self.status}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
            f"--- summary\n{self.summary}--- outputs\n{self.outputs}\n"
            f"--- artifacts\n{sorted(self.artifacts)}\n"
        )


# ---------------------------------------------------------------- scenarios


def make_workspace(root):
    """A checkout: a git repository holding copies of the example workspaces."""
    workspace = os.path.join(root, "workspace")
    os.makedirs(workspace)
    for name in ("acme", "broken"):
        shutil.copytree(os.path.join(REPO, "examples", name), os.path.join(workspace, name))
    # acme plus one suppression that suppresses nothing: a warning, no error.
    warned = os.path.join(workspace, "warned")
    shutil.copytree(os.path.join(REPO, "examples", "acme"), warned)
    with open(os.path.join(warned, "team.yaml"), "a", encoding="utf-8") as f:
        f.write("# steward: ignore[duplicate-id]\n")
    with open(os.path.join(workspace, "quiet-policy.yaml"), "w", encoding="utf-8") as f:
        f.write(
            "apiVersion: steward/v1\nkind: Policy\nid: quiet\nrules:\n  unused-ignore: off\n"
        )
    subprocess.run(["git", "init", "-q", workspace], check=True)
    return workspace


def expect(condition, message, result):
    if not condition:
        raise AssertionError(f"{message}\n{result}")


def run_action(inputs, prebuilt, shared_temp, checkout=None):
    """Runs the action in a fresh workspace. `checkout(root)` makes the
    workspace and returns (path, event); by default the examples, on a push."""
    root = tempfile.mkdtemp(prefix="steward-action-")
    try:
        if checkout is None:
            workspace, event = make_workspace(root), None
        else:
            workspace, event = checkout(root)
        inputs = dict(inputs)
        inputs.setdefault("args", f"--today {TODAY}")
        # Each scenario is a new job with a fresh workspace and summary, but the
        # same RUNNER_TEMP, so a build done by the first one is found later.
        summary = os.path.join(root, "step_summary.md")
        runner = Runner(inputs, workspace, shared_temp, summary, prebuilt, event)
        before = git_state(workspace)
        result = runner.run()
        result.workspace = workspace
        result.git_state_changed = git_state(workspace) != before
        sarif = inputs.get("sarif")
        result.sarif = None
        if sarif:
            path = os.path.join(workspace, sarif)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    result.sarif = json.load(f)
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "steward harness",
    "GIT_AUTHOR_EMAIL": "harness@example.com",
    "GIT_COMMITTER_NAME": "steward harness",
    "GIT_COMMITTER_EMAIL": "harness@example.com",
}


def git(cwd, *args):
    env = dict(os.environ)
    env.update(GIT_ENV)
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise HarnessError(f"git {' '.join(args)} in {cwd}: {proc.stderr}")
    return proc.stdout.strip()


def git_state(workspace):
    """`git status --porcelain` and HEAD: reading the base must change neither."""
    if not os.path.isdir(os.path.join(workspace, ".git")):
        return None
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=workspace, capture_output=True, text=True
    ).stdout
    head = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=workspace, capture_output=True, text=True
    ).stdout
    return status, head


# A trade of two weekly shifts of acme's rotation: david takes michael's shift
# a week from TODAY (inside the 14-day notice), michael takes david's a week
# later (exactly 14 days: enough notice).
ACME_TRADE = (
    "  - { start: 2026-06-08, primary: david, secondary: michael, reason: trade }\n"
    "  - { start: 2026-06-15, primary: michael, secondary: priya, reason: trade }\n"
)


def pull_request_checkout(change):
    """A pull request: an origin repository whose base commit holds the
    examples and whose head commit applies `change(directory)`; the workspace
    is a shallow clone of the head, as actions/checkout makes it."""

    def checkout(root):
        origin = os.path.join(root, "origin")
        os.makedirs(origin)
        git(origin, "init", "-q", "-b", "main")
        for name in ("acme", "broken"):
            shutil.copytree(os.path.join(REPO, "examples", name), os.path.join(origin, name))
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", "base")
        base = git(origin, "rev-parse", "HEAD")
        change(origin)
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", "the pull request")
        workspace = os.path.join(root, "workspace")
        git(root, "clone", "-q", "--depth=1", "file://" + origin, workspace)
        if git(workspace, "rev-parse", "--is-shallow-repository") != "true":
            raise HarnessError("the simulated checkout is not shallow")
        return workspace, {"name": "pull_request", "base_sha": base}

    return checkout


def trade_shifts(origin):
    path = os.path.join(origin, "acme", "rotations", "investor-oncall.yaml")
    with open(path, "a", encoding="utf-8") as f:
        f.write(ACME_TRADE)


def direct_annotations(steward, path):
    """What `steward check --format github` prints for a copy of an example, run
    from a workspace root: the action must print exactly this."""
    root = tempfile.mkdtemp(prefix="steward-direct-")
    try:
        workspace = make_workspace(root)
        proc = subprocess.run(
            [steward, "check", "--format", "github", "--today", TODAY, path],
            cwd=workspace,
            capture_output=True,
            text=True,
        )
        return [l for l in proc.stdout.splitlines() if l.startswith("::")]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def scenario_clean(env):
    r = run_action({"paths": "acme"}, env.prebuilt, env.temp)
    expect(r.status == 0, "the clean example passes", r)
    expect(r.annotations() == [], "no annotations on a clean workspace", r)
    expect(
        re.search(
            r"^steward: 0 errors, 0 warnings in \d+ files; policy acme \(acme/steward\.yaml\)$",
            r.stdout,
            re.M,
        ),
        "summary line on stdout",
        r,
    )
    expect(r.summary.startswith("## ✅ steward: no findings\n"), "the no-findings summary", r)
    expect(r.outputs["findings"] == "0", "findings=0", r)
    expect(r.outputs["errors"] == "0" and r.outputs["warnings"] == "0", "counts", r)
    expect(r.outputs["sarif"] == "", "no sarif output without the input", r)
    expect(r.outputs["schedule-page"] == "" and r.artifacts == {}, "no schedule page without the input", r)


def scenario_broken(env):
    r = run_action({"paths": "broken", "sarif": "reports/steward.sarif"}, env.prebuilt, env.temp)
    expect(r.status == 1, "findings fail the step with steward's exit status 1", r)
    annotations = r.annotations()
    expect(len(annotations) > 0, "annotations on stdout", r)
    expect(
        "::error file=broken/team.yaml,line=21,col=9,endLine=21,endColumn=13,title=duplicate-id::"
        "member id `john` is already used%0Ahelp: a member id is unique across all teams; "
        "give each person one id" in annotations,
        "the duplicate-id annotation, with paths relative to the repository root",
        r,
    )
    expect(
        annotations == direct_annotations(env.steward, "broken"),
        "the action prints what `steward check --format github` prints",
        r,
    )
    expect(r.outputs["findings"] == str(len(annotations)), "findings counts the annotations", r)
    errors = sum(1 for a in annotations if a.startswith("::error "))
    expect(r.outputs["errors"] == str(errors), "errors output", r)
    expect(r.summary.startswith("## ❌ steward: "), "the summary heading", r)
    expect("| Rule | Severity | Findings |" in r.summary, "the counts table", r)
    expect("| `duplicate-id` | ❌ error | 1 |" in r.summary, "a count row", r)
    expect("| `broken/pipelines/profit.yaml:19` | ❌ `distinct-owners` |" in r.summary, "a finding row", r)
    expect(r.outputs["sarif"] == "reports/steward.sarif", "the sarif output names the file", r)
    expect(r.sarif is not None, "the SARIF file was written, its directory created", r)
    results = r.sarif["runs"][0]["results"]
    expect(r.sarif["version"] == "2.1.0", "SARIF 2.1.0", r)
    unsuppressed = [x for x in results if not x.get("suppressions")]
    expect(len(unsuppressed) == len(annotations), "one unsuppressed SARIF result per annotation", r)
    expect(len(results) > len(unsuppressed), "suppressed findings are in the SARIF too", r)
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results}
    expect("broken/team.yaml" in uris, "SARIF uris relative to the repository root", r)


def scenario_strict(env):
    lenient = run_action({"paths": "warned"}, env.prebuilt, env.temp)
    expect(lenient.status == 0, "warnings alone pass", lenient)
    expect(lenient.outputs["findings"] == "1", "one finding", lenient)
    expect(lenient.outputs["warnings"] == "1", "one warning", lenient)
    expect(
        [a.split("::")[1].split(" ")[0] for a in lenient.annotations()] == ["warning"],
        "a warning annotation",
        lenient,
    )
    expect(lenient.summary.startswith("## ⚠️ steward: 0 errors, 1 warning"), "summary", lenient)
    strict = run_action({"paths": "warned", "strict": "true"}, env.prebuilt, env.temp)
    expect(strict.status == 1, "strict: warnings fail the step", strict)
    expect(strict.outputs["findings"] == "1", "same findings", strict)
    bad = run_action({"paths": "warned", "strict": "yes"}, env.prebuilt, env.temp)
    expect(bad.status == 2, "a strict value other than true/false is refused", bad)
    expect("::error title=steward::the strict input" in bad.stdout, "and said so", bad)


def scenario_policy(env):
    r = run_action(
        {"paths": "warned", "policy": "quiet-policy.yaml", "strict": "true"},
        env.prebuilt,
        env.temp,
    )
    expect(r.status == 0, "the policy input turns the rule off", r)
    expect(r.outputs["findings"] == "0", "no findings", r)


def scenario_schedule_page(env):
    r = run_action({"paths": "acme", "schedule-page": "reports/schedule.html"}, env.prebuilt, env.temp)
    expect(r.status == 0, "the clean example passes with a page", r)
    expect(r.outputs["schedule-page"] == "reports/schedule.html", "the output names the page", r)
    expect(list(r.artifacts) == ["steward-schedule-page"], "the page is uploaded as an artifact", r)
    path, page = r.artifacts["steward-schedule-page"]
    expect(path == "reports/schedule.html", "the artifact is the page, its directory created", r)
    expect(page.startswith("<!DOCTYPE html>\n") and "Data pipelines on-call" in page, "the page", r)
    expect(r.outputs["findings"] == "0", "the check ran too", r)
    # Findings fail the check, not the page: it is written and uploaded first.
    broken = run_action({"paths": "broken", "schedule-page": "schedule.html"}, env.prebuilt, env.temp)
    expect(broken.status == 1, "findings still fail the step", broken)
    expect("steward-schedule-page" in broken.artifacts, "the page of a broken workspace is uploaded", broken)
    expect('class="finding error"' in broken.artifacts["steward-schedule-page"][1], "with its findings", broken)
    # A page steward cannot write is a warning, and the check still runs.
    bad = run_action({"paths": "acme", "schedule-page": "acme/team.yaml/page.html"}, env.prebuilt, env.temp)
    expect(bad.status == 0, "a page that cannot be written does not fail the check", bad)
    expect("::warning title=steward::the schedule page was not written" in bad.stdout, "it warns", bad)
    expect(bad.artifacts == {} and bad.outputs["schedule-page"] == "", "and uploads nothing", bad)
    expect(bad.outputs["findings"] == "0", "the check ran", bad)


def summary_line(result):
    lines = [l for l in result.stdout.splitlines() if l.startswith("steward: ")]
    return lines[-1] if lines else None


def scenario_several_paths(env):
    whole = run_action({"paths": "acme"}, env.prebuilt, env.temp)
    paths = "acme/steward.yaml acme/team.yaml acme/holidays.yaml\n  acme/pipelines  acme/rotations\n"
    listed = run_action({"paths": paths}, env.prebuilt, env.temp)
    expect(listed.status == 0, "several paths, separated by newlines and spaces", listed)
    expect(
        summary_line(listed) == summary_line(whole),
        f"the listed paths are the whole example: {summary_line(whole)}",
        listed,
    )
    one = run_action({"paths": "acme/pipelines"}, env.prebuilt, env.temp)
    expect(
        summary_line(one) is not None and summary_line(one) != summary_line(whole),
        "only the paths given are checked",
        one,
    )


def scenario_cannot_run(env):
    r = run_action({"paths": "acme no-such-dir"}, env.prebuilt, env.temp)
    expect(r.status == 2, "steward's exit status 2 fails the step as 2", r)
    expect("no-such-dir" in r.stderr, "steward says why on stderr", r)
    expect(r.outputs["findings"] == "", "no counts when steward could not run", r)
    expect("## steward could not run" in r.summary, "the summary says so", r)
    expect(r.annotations() == [], "no annotations", r)


def scenario_no_glob_expansion(env):
    r = run_action({"paths": "acme/*"}, env.prebuilt, env.temp)
    expect(r.status == 2, "a path input is not a glob", r)
    expect("acme/*" in r.stderr, "steward got the literal path", r)


def scenario_pull_request(env):
    r = run_action({"paths": "acme"}, env.prebuilt, env.temp, pull_request_checkout(trade_shifts))
    expect(r.status == 0, "warnings only: the step passes", r)
    expect("steward: fetching the base commit " in r.stdout, "the shallow checkout's base is fetched", r)
    expect(re.fullmatch(r"[0-9a-f]{40}", r.outputs["base"] or ""), "the base output is the commit", r)
    expect(not r.git_state_changed, "the working tree, index and HEAD are untouched", r)
    changes = [a for a in r.annotations() if "title=schedule-change::" in a]
    expect(
        [a.split("::")[2].split("%0A")[0] for a in changes]
        == [
            "michael's primary shift 2026-06-08 – 2026-06-14 moves to david with 7 days' notice",
            "david's secondary shift 2026-06-08 – 2026-06-14 moves to michael with 7 days' notice",
        ],
        "schedule-change annotations for the shift inside the notice period only",
        r,
    )
    expect(
        all(a.startswith("::warning file=acme/rotations/investor-oncall.yaml,line=") for a in changes),
        "annotations at the override, relative to the repository",
        r,
    )
    expect(r.summary.startswith("## steward diff: 2 shifts reassigned\n"), "the diff heads the summary", r)
    expect(
        "| 2026-06-08 – 2026-06-14 | `data-oncall` | primary | michael | david | ⚠️ in 7 days |" in r.summary,
        "the reassigned shift, marked as short notice",
        r,
    )
    expect(
        "| 2026-06-15 – 2026-06-21 | `data-oncall` | primary | david | michael | in 14 days |" in r.summary,
        "the one with enough notice, unmarked",
        r,
    )
    expect("\n## ⚠️ steward: 0 errors, 2 warnings" in r.summary, "then the check's summary", r)
    expect(r.outputs["warnings"] == "2", "the two schedule-change warnings", r)


def scenario_pull_request_inputs_off(env):
    checkout = pull_request_checkout(trade_shifts)
    none = run_action({"paths": "acme", "base": "none"}, env.prebuilt, env.temp, checkout)
    expect(none.status == 0 and none.outputs["base"] == "", "base: none compares with nothing", none)
    expect("fetching" not in none.stdout, "and fetches nothing", none)
    expect("## steward diff" not in none.summary, "no diff", none)
    expect(none.annotations() == [], "no schedule-change", none)
    quiet = run_action({"paths": "acme", "review-summary": "false"}, env.prebuilt, env.temp, checkout)
    expect("## steward diff" not in quiet.summary, "review-summary: false drops the diff", quiet)
    expect(len(quiet.annotations()) == 2, "the schedule-change annotations stay", quiet)
    silent = run_action({"paths": "acme", "schedule-change": "false"}, env.prebuilt, env.temp, checkout)
    expect(silent.summary.startswith("## steward diff: "), "schedule-change: false keeps the diff", silent)
    expect(silent.annotations() == [], "and checks without the base", silent)
    bad = run_action({"paths": "acme", "only-new": "yes"}, env.prebuilt, env.temp, checkout)
    expect(bad.status == 2, "a boolean input other than true/false is refused", bad)


def break_an_sla(origin):
    path = os.path.join(origin, "broken", "pipelines", "engagement.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("alarm_after: 48h", "alarm_after: 12h"))


def scenario_only_new(env):
    r = run_action(
        {"paths": "broken", "only-new": "true", "sarif": "steward.sarif"},
        env.prebuilt,
        env.temp,
        pull_request_checkout(break_an_sla),
    )
    expect(r.status == 1, "the new error fails the step", r)
    expect(
        [a.split("::")[1] for a in r.annotations()]
        == ["error file=broken/pipelines/engagement.yaml,line=10,col=20,endLine=10,endColumn=23,title=sla-order"],
        "only the finding the pull request introduces",
        r,
    )
    expect("already at the base revision" in r.summary, "the summary counts the old ones", r)
    expect("| `broken/pipelines/engagement.yaml:10` | ❌ `sla-order` |" in r.summary, "the diff lists it as introduced", r)
    states = {res.get("baselineState") for res in r.sarif["runs"][0]["results"]}
    expect({"new", "unchanged"} <= states, "SARIF marks new and old results", r)
    push = run_action({"paths": "broken", "only-new": "true"}, env.prebuilt, env.temp)
    expect(push.status == 2, "only-new without a base cannot run", push)
    expect("::error title=steward::the only-new input needs a base" in push.stdout, "and says so", push)


def scenario_baseline(env):
    def with_baseline(root):
        workspace = make_workspace(root)
        proc = subprocess.run(
            [env.steward, "check", "--today", TODAY, "--write-baseline", "steward-baseline.json", "broken"],
            cwd=workspace,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise HarnessError(f"--write-baseline failed: {proc.stderr}")
        return workspace, None

    r = run_action({"paths": "broken", "baseline": "steward-baseline.json"}, env.prebuilt, env.temp, with_baseline)
    expect(r.status == 0, "every finding is in the baseline", r)
    expect(r.annotations() == [], "no annotations", r)
    expect(re.search(r"\(1 finding suppressed in source, \d+ baselined\)", r.summary), "counted in the summary", r)
    expect("## steward diff" not in r.summary, "a push compares with nothing", r)


class Skip(Exception):
    pass


def scenario_shellcheck(env):
    if shutil.which("shellcheck") is None:
        raise Skip("shellcheck is not installed")
    for step in load_action()["runs"]["steps"]:
        if "run" not in step:
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
            f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + step["run"])
        try:
            proc = subprocess.run(["shellcheck", "-s", "bash", f.name], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        if proc.returncode != 0:
            raise AssertionError(f"shellcheck on step {step.get('id')}:\n{proc.stdout}")


SCENARIOS = [
    ("clean workspace passes", scenario_clean),
    ("broken workspace fails with annotations, summary, outputs and SARIF", scenario_broken),
    ("strict input", scenario_strict),
    ("policy input", scenario_policy),
    ("several paths", scenario_several_paths),
    ("schedule-page input: written and uploaded", scenario_schedule_page),
    ("exit status 2 is passed on", scenario_cannot_run),
    ("path inputs are not globbed", scenario_no_glob_expansion),
    ("pull request: base fetched, diff in the summary, schedule-change annotations", scenario_pull_request),
    ("pull request: base, review-summary, schedule-change and only-new inputs", scenario_pull_request_inputs_off),
    ("only-new reports what the pull request introduces", scenario_only_new),
    ("baseline input", scenario_baseline),
    ("shellcheck on every run step", scenario_shellcheck),
]


class Env:
    pass


def main():
    env = Env()
    env.prebuilt = os.environ.get("STEWARD_ACTION_BIN") or None
    if env.prebuilt and not os.access(env.prebuilt, os.X_OK):
        print(f"STEWARD_ACTION_BIN={env.prebuilt} is not an executable", file=sys.stderr)
        return 2
    env.temp = tempfile.mkdtemp(prefix="steward-runner-")
    passed = failed = skipped = 0
    try:
        if env.prebuilt:
            print(f"action harness: steward from STEWARD_ACTION_BIN={env.prebuilt} (cache hit)")
        else:
            print("action harness: no STEWARD_ACTION_BIN; the action builds steward with cargo install")
        for name, scenario in SCENARIOS:
            started = time.monotonic()
            try:
                env.steward = env.prebuilt or find_built(env.temp)
                scenario(env)
                passed += 1
                print(f"ok    {name} ({time.monotonic() - started:.1f}s)")
            except Skip as e:
                skipped += 1
                print(f"skip  {name}: {e}")
            except (AssertionError, HarnessError) as e:
                failed += 1
                print(f"FAIL  {name}\n{e}")
            except Exception:  # noqa: BLE001 - report and go on
                failed += 1
                print(f"FAIL  {name}\n{traceback.format_exc()}")
    finally:
        shutil.rmtree(env.temp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    # In CI a skip is a gap nobody sees: .ci/run installs what every scenario needs.
    if skipped and os.environ.get("CI"):
        print("a scenario was skipped under CI")
        return 1
    return 0 if failed == 0 else 1


def find_built(temp):
    """The binary an earlier scenario's install step built, else None (the
    scenario's own install step builds it)."""
    runner_temp = os.path.join(temp, "runner_temp")
    if os.path.isdir(runner_temp):
        for entry in sorted(os.listdir(runner_temp)):
            candidate = os.path.join(runner_temp, entry, "bin", "steward")
            if os.access(candidate, os.X_OK):
                return candidate
    return None


if __name__ == "__main__":
    sys.exit(main())
