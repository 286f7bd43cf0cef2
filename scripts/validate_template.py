#!/usr/bin/env python3
"""Validate an exported template with AWS's own tools, offline.

A SAM template is translated to CloudFormation by aws-sam-translator (with
CodeUri replaced by an s3:// placeholder and a managed-policy loader that
makes no AWS call), then the CloudFormation is linted by cfn-lint with AWS's
Serverless Rules appended (cfn-lint-serverless). Prints every finding, the
Serverless Rules' ones marked `serverless`; exits 1 if the translator fails or
cfn-lint's own rules report an error (rule ids starting with E), else 0: the
Serverless Rules' findings are counted apart (their ids start with E too).

Usage: validate_template.py TEMPLATE [--translated OUT.json]
"""

import copy
import json
import os
import sys

# The translator fills pseudo parameters from a region; give it one so it
# never looks for AWS configuration.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import yaml
from cfnlint.api import ManualArgs, lint
from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The templates name no AWS managed policy, so there is nothing to load."""

    def load(self):
        return {}


def with_placeholder_code(template):
    t = copy.deepcopy(template)
    for res in t.get("Resources", {}).values():
        if res.get("Type") == "AWS::Serverless::Function":
            res.setdefault("Properties", {})["CodeUri"] = "s3://placeholder-bucket/function.zip"
    return t


def translate(template):
    return transform(with_placeholder_code(template), {}, NoManagedPolicies())


SERVERLESS = ManualArgs(regions=["us-east-1"], append_rules=["cfn_lint_serverless.rules"])


def is_serverless(match):
    return type(match.rule).__module__.startswith("cfn_lint_serverless")


def main(argv):
    path = argv[1]
    out = None
    if len(argv) > 3 and argv[2] == "--translated":
        out = argv[3]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    template = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    if "Transform" in template:
        try:
            cfn = translate(template)
        except InvalidDocumentException as e:
            for cause in e.causes:
                print(f"aws-sam-translator: {cause}")
            return 1
    else:
        cfn = template
    rendered = json.dumps(cfn, indent=1, sort_keys=True)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(rendered)
    if "Transform" in template:
        # cfn-lint's own rules on the translation above; the Serverless Rules
        # on the SAM template, as `cfn-lint --append-rules` runs them (they
        # know SAM's events: an SQS event takes no on-failure destination).
        matches = lint(rendered, config=ManualArgs(regions=["us-east-1"]))
        sam = json.dumps(with_placeholder_code(template), indent=1, sort_keys=True)
        matches += [m for m in lint(sam, config=SERVERLESS) if is_serverless(m)]
    else:
        matches = lint(rendered, config=SERVERLESS)
    errors = 0
    serverless = 0
    for m in matches:
        where = "/".join(str(p) for p in m.path) if getattr(m, "path", None) else ""
        if is_serverless(m):
            serverless += 1
            print(f"serverless {m.rule.id}: {m.message} ({where})")
            continue
        print(f"cfn-lint {m.rule.id}: {m.message} ({where})")
        if m.rule.id.startswith("E"):
            errors += 1
    others = len(matches) - errors - serverless
    print(
        f"{len(cfn.get('Resources', {}))} resources; {errors} errors, {others} other findings, "
        f"{serverless} serverless findings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
