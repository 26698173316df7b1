#!/usr/bin/env python3
"""Evaluates JMESPath cases for the differential fuzz tests, one process per batch.

Reads JSON lines {"expression": E, "document": D} on stdin and writes, per line, either
{"result": R} or {"error": KIND}, KIND in the compliance suite's names (or "other:NAME" for
an exception that is not a JMESPath error). Runs under whichever `jmespath` package the
interpreter has: jmespath (jmespath.py, az's engine) or jmespath-community.
"""
import json
import sys

import jmespath
from jmespath import exceptions


def kind(error):
    name = type(error).__name__
    if isinstance(error, (exceptions.LexerError, exceptions.ParseError)):
        return "syntax"
    if name in ("EmptyExpressionError", "IncompleteExpressionError"):
        return "syntax"
    if isinstance(error, exceptions.ArityError):
        return "invalid-arity"
    if isinstance(error, exceptions.UnknownFunctionError):
        return "unknown-function"
    if isinstance(error, exceptions.JMESPathTypeError):
        return "invalid-type"
    if name == "UndefinedVariable":
        return "undefined-variable"
    if name == "JMESPathValueError":
        return "invalid-value"
    return "other:" + name


def main():
    for line in sys.stdin:
        case = json.loads(line)
        try:
            result = jmespath.search(case["expression"], case["document"])
            out = {"result": result}
            text = json.dumps(out, allow_nan=False)
        except Exception as error:  # every failure is an answer, never the end of the batch
            text = json.dumps({"error": kind(error)})
        sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
