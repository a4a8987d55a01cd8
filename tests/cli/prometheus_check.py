#!/usr/bin/env python3
"""Checks a file against the Prometheus text exposition format (0.0.4) as
node_exporter's textfile collector reads it: HELP/TYPE lines at most once per
family and before its samples, a family's samples contiguous, metric and label
names valid, label values with only the escapes \\\\ \\" \\n, a float value,
no timestamps (the textfile collector rejects them), no duplicate series.

usage: prometheus_check.py FILE   (exit 0 when valid; errors on stderr)
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(\{{(?:{LABEL}={VALUE}(?:,{LABEL}={VALUE})*,?)?\}})? (\S+)( \S+)?$")
LABEL_PAIR = re.compile(rf"({LABEL})=({VALUE})")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def float_ok(text):
    if text in ("+Inf", "-Inf", "NaN"):
        return True
    try:
        float(text)
        return True
    except ValueError:
        return False


def check(text):
    errors = []
    if text and not text.endswith("\n"):
        errors.append("the last line does not end with a line feed")
    helped, typed, finished, series = set(), {}, set(), set()
    current = None
    for number, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
        where = f"line {number}"
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not re.fullmatch(NAME, name):
                    errors.append(f"{where}: bad metric name {name!r}")
                if name in finished or (current is not None and current != name and name in typed):
                    errors.append(f"{where}: {parts[1]} for {name} after its samples")
                if parts[1] == "HELP":
                    if name in helped:
                        errors.append(f"{where}: second HELP for {name}")
                    helped.add(name)
                else:
                    if name in typed:
                        errors.append(f"{where}: second TYPE for {name}")
                    if len(parts) < 4 or parts[3] not in TYPES:
                        errors.append(f"{where}: bad TYPE {line!r}")
                    typed[name] = parts[3] if len(parts) > 3 else ""
                if current is not None and current != name:
                    finished.add(current)
                current = name
            continue
        match = SAMPLE.match(line)
        if not match:
            errors.append(f"{where}: not a sample line: {line!r}")
            continue
        name, labels, value, timestamp = match.groups()
        if timestamp:
            errors.append(f"{where}: timestamp present (textfile collector rejects it)")
        if not float_ok(value):
            errors.append(f"{where}: bad value {value!r}")
        family = name
        if family != current:
            if current is not None:
                finished.add(current)
            if family in finished:
                errors.append(f"{where}: samples of {family} not contiguous")
            current = family
        pairs = LABEL_PAIR.findall(labels or "")
        names = [label for label, _ in pairs]
        if len(set(names)) != len(names):
            errors.append(f"{where}: repeated label name")
        if any(label.startswith("__") for label in names):
            errors.append(f"{where}: reserved label name")
        key = (name, tuple(sorted(pairs)))
        if key in series:
            errors.append(f"{where}: duplicate series {line!r}")
        series.add(key)
    try:
        text.encode("utf-8")
    except UnicodeError:
        errors.append("not UTF-8")
    return errors, len(series)


if __name__ == "__main__":
    data = open(sys.argv[1], "rb").read()
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as error:
        print(f"not UTF-8: {error}", file=sys.stderr)
        sys.exit(1)
    problems, count = check(content)
    for problem in problems:
        print(problem, file=sys.stderr)
    if count == 0:
        print("no samples", file=sys.stderr)
    sys.exit(1 if problems or count == 0 else 0)
