#!/usr/bin/env python3
"""Validates a JSON document against one of docket's schemas (docs/schema/NAME.schema.json).

usage: validate_json.py SCHEMA_DIR NAME [FILE]    (FILE defaults to standard input)

Every schema in SCHEMA_DIR is loaded and registered under its $id (https://docket.invalid/...,
a name that never resolves), so a `$ref` to defs.schema.json is found locally and nothing is
fetched. Works with Debian 12's python3-jsonschema (4.10, RefResolver) and with newer releases
(the `referencing` registry). Exit status: 0 valid, 1 invalid (each error printed with its path
in the document), 2 usage or a schema that is not itself valid.
"""
import json
import os
import sys

import jsonschema


def load_schemas(directory):
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".schema.json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schemas[name[: -len(".schema.json")]] = json.load(f)
    return schemas


def validator_for(schemas, name):
    schema = schemas[name]
    cls = jsonschema.validators.validator_for(schema)
    for s in schemas.values():
        cls.check_schema(s)
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18

        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return cls(schema, registry=registry)
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
        return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    schemas = load_schemas(argv[1])
    if argv[2] not in schemas:
        print(f"validate_json: no schema {argv[2]}.schema.json in {argv[1]}", file=sys.stderr)
        return 2
    try:
        validator = validator_for(schemas, argv[2])
    except jsonschema.exceptions.SchemaError as e:
        print(f"validate_json: a schema in {argv[1]} is not valid: {e.message}", file=sys.stderr)
        return 2
    text = open(argv[3], encoding="utf-8").read() if len(argv) == 4 else sys.stdin.read()
    try:
        document = json.loads(text)
    except ValueError as e:
        print(f"validate_json: not JSON: {e}", file=sys.stderr)
        return 1
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        where = "/".join(str(p) for p in e.absolute_path) or "(document)"
        print(f"validate_json: {argv[2]}: at {where}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
