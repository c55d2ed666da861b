"""Scope policy: granted against required scopes, the scope manifest, and git-ref diffs.

* `granted`: where the app's granted scopes are declared, and whether they are real;
* `check`: `evaluate(report, granted, ...) -> CheckResult` (missing, excess, failures);
* `manifest`: the `freshbooks-scopes.yaml` lockfile (build, render, load, compare);
* `diff` / `gitbase`: the scope delta against a git ref, read with git plumbing;
* `outputs` and the renderers (`text`, `json_output`, `markdown`, `annotations`, `sarif`).

Everything here except `gitbase` and `outputs` is pure: reports in, values or strings out.
"""
