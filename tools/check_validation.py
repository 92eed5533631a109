"""Fail on any warning or error in a `rasa data validate` log, with two known exceptions.

Rasa 3.6's validator reports a form's questions (`utter_ask_<slot>`, which
the form itself sends) as "not used in any story or rule". Those lines are
allowed when <slot> really is a required slot of a form in the domain. It also
reports responses that only custom actions send (`utter_content_unavailable`,
sent when an action's content cannot load): those are allowed when a module in
actions/ names them. And it reports intents that no training example has:
allowed for those only the safety net sets from a whole message
(`choose_language`, SET_BY_THE_SAFETY_NET). Every other warning fails.

    python -m tools.check_validation results/validate.log
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

FORM_QUESTION = re.compile(r"The utterance 'utter_ask_(\w+)' is not used in any story or rule")
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
NO_EXAMPLES = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in")
# Intents the safety net (bot/nlu/safety.py) sets from a whole message: no examples.
SET_BY_THE_SAFETY_NET = {"choose_language"}


def sent_by_actions(actions_dir: Path = Path("actions")) -> set[str]:
    """Every response name that the action server's code names in quotes."""
    names: set[str] = set()
    for path in sorted(actions_dir.glob("*.py")):
        names.update(re.findall(r"[\"'](utter_\w+)[\"']", path.read_text(encoding="utf-8")))
    return names


def form_slots(domain_dir: Path = Path("domain")) -> set[str]:
    """Every required slot of every form in the domain files."""
    slots: set[str] = set()
    for path in sorted(domain_dir.glob("*.yml")):
        forms = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}
        for form in forms.values():
            slots.update((form or {}).get("required_slots") or [])
    return slots


def unexpected_warnings(
    log_lines: Iterable[str], allowed_slots: set[str], action_responses: set[str] = frozenset()
) -> list[str]:
    """The warning lines that are not a form's own question or an action's response."""
    found = []
    for line in log_lines:
        if any(mark in line for mark in ("ERROR", "Exception", "yamlchecker")):
            found.append(line.strip())
            continue
        if "UserWarning" not in line:
            continue
        match = FORM_QUESTION.search(line)
        if match and match.group(1) in allowed_slots:
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in action_responses:
            continue
        no_examples = NO_EXAMPLES.search(line)
        if no_examples and no_examples.group(1) in SET_BY_THE_SAFETY_NET:
            continue
        found.append(line.strip())
    return found


def main(argv: list[str]) -> int:
    """Print each unexpected warning in the log named by argv[0]; 1 if there is any."""
    log = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    problems = unexpected_warnings(log, form_slots(), sent_by_actions())
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
