#!/usr/bin/env python3
"""Runs one CI example of the README (or the composite action it uses) as printed, in a sandbox.

Usage: tests/tools/ci_job.py README.md action.yml MARKER RESULT.json
  MARKER: github, github-action or gitlab: the ```yaml block after `<!-- ci-example: MARKER -->`.

The sandbox comes from the environment (tests/integration/test_ci_examples.sh sets it up):
  CI_WORKSPACE      the CI checkout (a clone of the sandbox's origin)
  CI_RUNNER_TEMP    GitHub's $RUNNER_TEMP
  CI_KEY_FILE       the CI member's private key: secrets.DOCKET_CI_KEY (GitHub, the text) and
                    DOCKET_CI_KEY (GitLab, a File variable: the path)
  CI_ROOT           vars.DOCKET_ROOT / DOCKET_ROOT
  CI_REMOTE_URL     DOCKET_REMOTE_URL (GitLab): the origin repository's path
  CI_ACTION_PATH    github.action_path: the checkout holding action.yml
  CI_DOCKET_DIR     the folder of the built docket binary: put first on PATH in place of the
                    install step

Every `${{ ... }}` expression the job holds must be one this file maps (EXPRESSIONS below, and
`inputs.*` inside the action); any other is an error, so the README cannot drift from what is
tested. Only the install step is replaced: the GitHub step named `install docket`, GitLab's
`before_script`. The action's own install step runs as printed: it finds docket on PATH.
Every other step runs as printed, with GitHub's or GitLab's shell flags; a failed step skips
the rest except `if: always()` steps, as the runners do. A `${{ ... }}` inside a `run:` script
is an error (script injection: inputs and secrets go through `env:`).

RESULT.json: {"failed": null or {"step": NAME, "status": CODE}, "steps": [[NAME, STATUS], ...],
"artifacts": [paths found]}.
"""
import glob
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Drift(Exception):
    """The example holds something this runner does not know: the README changed."""


def yaml_block(readme, marker):
    text = open(readme, encoding="utf-8").read()
    tag = "<!-- ci-example: %s -->" % marker
    at = text.find(tag)
    if at < 0:
        raise Drift("README has no %s marker" % tag)
    m = re.compile(r"```yaml\n(.*?)\n```", re.S).search(text, at + len(tag))
    if not m or text[at + len(tag):m.start()].strip():
        raise Drift("no ```yaml block right after %s" % tag)
    return yaml.safe_load(m.group(1))


def expressions(sandbox, inputs=None, action_path=None):
    mapping = {
        "secrets.DOCKET_CI_KEY": open(sandbox["CI_KEY_FILE"], encoding="utf-8").read().rstrip("\n"),
        "vars.DOCKET_ROOT": sandbox["CI_ROOT"],
        "runner.temp": sandbox["CI_RUNNER_TEMP"],
        "github.workspace": sandbox["CI_WORKSPACE"],
    }
    if action_path is not None:
        mapping["github.action_path"] = action_path
    for name, value in (inputs or {}).items():
        mapping["inputs." + name] = value
    return mapping


def substitute(value, mapping, where):
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)

    def one(m):
        if m.group(1) not in mapping:
            raise Drift("%s: unknown expression ${{ %s }}" % (where, m.group(1)))
        return mapping[m.group(1)]

    return EXPR.sub(one, value)


def check_keys(what, mapping, allowed):
    unknown = set(mapping) - set(allowed)
    if unknown:
        raise Drift("%s: keys this test does not know: %s" % (what, sorted(unknown)))


class Job:
    def __init__(self, sandbox, dry):
        self.sandbox = sandbox
        self.dry = dry  # a dry run reads and maps every step and runs none
        self.failed = None
        self.steps = []
        self.artifacts = []
        self.base_env = dict(os.environ)
        self.base_env["PATH"] = sandbox["CI_DOCKET_DIR"] + os.pathsep + os.environ["PATH"]

    def shell(self, name, script, env, flags, condition=None):
        if condition not in (None, "always()"):
            raise Drift("step %r: unknown if: %r" % (name, condition))
        if self.failed and condition != "always()":
            self.steps.append([name, "skipped"])
            return
        if EXPR.search(script):
            raise Drift("step %r: a ${{ }} expression inside the script (script injection): pass it through env:" % name)
        if self.dry:
            return
        full_env = dict(self.base_env)
        full_env.update(env)
        print("::: step %s" % name, flush=True)
        status = subprocess.run(["bash", *flags, "-c", script], cwd=self.sandbox["CI_WORKSPACE"], env=full_env).returncode
        print("::: step %s: exit %d" % (name, status), flush=True)
        self.steps.append([name, status])
        if status != 0 and not self.failed:
            self.failed = {"step": name, "status": status}

    def artifact(self, name, patterns, condition=None):
        """An upload: every pattern (relative to the workspace) must match a file."""
        if condition not in (None, "always()", "always"):
            raise Drift("%s: unknown condition %r" % (name, condition))
        if self.dry:
            return
        if self.failed and condition is None:
            self.steps.append([name, "skipped"])
            return
        found = []
        for pattern in patterns:
            found += glob.glob(os.path.join(self.sandbox["CI_WORKSPACE"], pattern))
        if not found:
            self.steps.append([name, "no files"])
            if not self.failed:
                self.failed = {"step": name, "status": "no files match %s" % patterns}
            return
        self.artifacts += sorted(found)
        self.steps.append([name, 0])


GITHUB_FLAGS_DEFAULT = ["-e"]  # no shell: GitHub runs `bash -e {0}`
GITHUB_FLAGS_BASH = ["--noprofile", "--norc", "-eo", "pipefail"]  # shell: bash


def github_flags(step, name, composite=False):
    shell = step.get("shell")
    if shell is None and not composite:
        return GITHUB_FLAGS_DEFAULT
    if shell != "bash":
        raise Drift("step %r: shell %r (the examples use bash)" % (name, shell))
    return GITHUB_FLAGS_BASH


def run_action(job, action_file, with_values, outer_mapping, where):
    action = yaml.safe_load(open(action_file, encoding="utf-8"))
    check_keys("action.yml", action, ["name", "description", "author", "inputs", "runs", "branding", "outputs"])
    if action["runs"].get("using") != "composite":
        raise Drift("action.yml: runs.using is not composite")
    inputs = {}
    for name, spec in action.get("inputs", {}).items():
        if name in with_values:
            inputs[name] = substitute(with_values[name], outer_mapping, "%s with.%s" % (where, name))
        elif spec.get("required"):
            raise Drift("%s: the action's required input %r is not given" % (where, name))
        else:
            inputs[name] = str(spec.get("default", ""))
    unknown = set(with_values) - set(action.get("inputs", {}))
    if unknown:
        raise Drift("%s: inputs action.yml does not have: %s" % (where, sorted(unknown)))
    action_path = os.path.dirname(os.path.abspath(action_file))
    mapping = expressions(job.sandbox, inputs, action_path)
    for step in action["runs"]["steps"]:
        name = step.get("name", "?")
        check_keys("action step %r" % name, step, ["name", "shell", "env", "run", "if", "id"])
        if "run" not in step:
            raise Drift("action step %r has no run:" % name)
        env = {k: substitute(v, mapping, "action step %r env.%s" % (name, k)) for k, v in step.get("env", {}).items()}
        env.update(github_env(job.sandbox))
        env["GITHUB_ACTION_PATH"] = action_path
        job.shell("action: " + name, step["run"], env, github_flags(step, name, composite=True), step.get("if"))


def github_env(sandbox):
    return {"GITHUB_WORKSPACE": sandbox["CI_WORKSPACE"], "RUNNER_TEMP": sandbox["CI_RUNNER_TEMP"], "CI": "true",
            "GITHUB_ACTIONS": "true"}


def run_github(job, workflow, action_file):
    check_keys("workflow", workflow, ["name", "on", True, "jobs"])  # PyYAML reads `on:` as True
    jobs = workflow["jobs"]
    if len(jobs) != 1:
        raise Drift("the workflow has %d jobs; this test runs one" % len(jobs))
    (job_name, spec), = jobs.items()
    check_keys("job " + job_name, spec, ["runs-on", "permissions", "steps", "env"])
    mapping = expressions(job.sandbox)
    job_env = {k: substitute(v, mapping, "job env.%s" % k) for k, v in spec.get("env", {}).items()}
    installs = 0
    for step in spec["steps"]:
        name = step.get("name") or step.get("uses") or "?"
        check_keys("step %r" % name, step, ["name", "uses", "with", "run", "env", "shell", "if", "id"])
        with_values = step.get("with", {})
        uses = step.get("uses")
        if name.startswith("install docket"):
            installs += 1
            if "scripts/package.sh" not in step.get("run", "") or "apt-get install" not in step.get("run", ""):
                raise Drift("the install step no longer builds and installs the package")
            job.steps.append([name, "replaced by PATH"])
        elif uses is not None:
            if uses.startswith("actions/checkout@"):
                # The sandbox's clone is the checkout; the whole history is needed.
                check_keys("checkout with", with_values, ["fetch-depth"])
                if str(with_values.get("fetch-depth")) != "0":
                    raise Drift("actions/checkout without fetch-depth: 0")
                job.steps.append([name, "the sandbox clone"])
            elif uses.startswith("actions/upload-artifact@"):
                check_keys("upload-artifact with", with_values, ["name", "path"])
                path = substitute(with_values["path"], mapping, "upload-artifact path")
                job.artifact(name, path.split("\n"), step.get("if"))
            elif uses.startswith("your-org/docket@"):
                run_action(job, action_file, with_values, mapping, "step %r" % name)
            else:
                raise Drift("step %r: uses %s, which this test does not know" % (name, uses))
        else:
            env = dict(job_env)
            env.update({k: substitute(v, mapping, "step %r env.%s" % (name, k)) for k, v in step.get("env", {}).items()})
            env.update(github_env(job.sandbox))
            job.shell(name, step["run"], env, github_flags(step, name), step.get("if"))
    return installs


def run_gitlab(job, config):
    if len(config) != 1:
        raise Drift("the GitLab example has %d jobs; this test runs one" % len(config))
    (job_name, spec), = config.items()
    check_keys("GitLab job " + job_name, spec, ["image", "variables", "before_script", "script", "artifacts"])
    before = "\n".join(spec.get("before_script", []))
    if "scripts/package.sh" not in before or "apt-get install" not in before:
        raise Drift("GitLab's before_script no longer builds and installs the package")
    job.steps.append(["before_script (install docket)", "replaced by PATH"])
    sandbox = job.sandbox
    env = {k: str(v) for k, v in spec.get("variables", {}).items()}
    env.update({"CI_PROJECT_DIR": sandbox["CI_WORKSPACE"], "CI": "true", "GITLAB_CI": "true",
                "DOCKET_CI_KEY": sandbox["CI_KEY_FILE"], "DOCKET_ROOT": sandbox["CI_ROOT"],
                "DOCKET_REMOTE_URL": sandbox["CI_REMOTE_URL"], "TMPDIR": sandbox["CI_RUNNER_TEMP"]})
    for line in spec["script"]:
        if EXPR.search(line):
            raise Drift("GitLab script line with a ${{ }} expression: %s" % line)
    # GitLab's bash runs the lines of script: one after the other in one shell, stopping at the
    # first that fails (set -eo pipefail).
    job.shell("script", "\n".join(spec["script"]), env, ["--noprofile", "--norc", "-eo", "pipefail"])
    artifacts = spec.get("artifacts", {})
    check_keys("GitLab artifacts", artifacts, ["when", "paths"])
    if artifacts:
        job.artifact("artifacts", artifacts["paths"], artifacts.get("when"))


def main():
    readme, action_file, marker, result_file = sys.argv[1:5]
    sandbox = {k: os.environ[k] for k in ["CI_WORKSPACE", "CI_RUNNER_TEMP", "CI_KEY_FILE", "CI_ROOT",
                                          "CI_REMOTE_URL", "CI_DOCKET_DIR"]}
    try:
        # First a dry run: every step read and every expression mapped before anything runs.
        for dry in (True, False):
            job = Job(sandbox, dry)
            block = yaml_block(readme, marker)
            if marker == "gitlab":
                run_gitlab(job, block)
            else:
                installs = run_github(job, block, action_file)
                uses_action = any(str(s.get("uses", "")).startswith("your-org/docket@")
                                  for s in next(iter(block["jobs"].values()))["steps"])
                if installs != (0 if uses_action else 1):
                    raise Drift("%s: %d steps named 'install docket'" % (marker, installs))
    except Drift as e:
        print("ci_job.py: %s" % e, file=sys.stderr)
        sys.exit(3)
    json.dump({"failed": job.failed, "steps": job.steps, "artifacts": job.artifacts}, open(result_file, "w"))


if __name__ == "__main__":
    main()
