#!/usr/bin/env python3
"""Derives kisi-responses.json from Kisi's OpenAPI document (../shared/reference/).

Keeps, for each operation kisictl's sandbox emulates, the JSON Schema of every response body,
with $refs inlined and annotations (description, title, example, deprecated, default) removed.
The sandbox conformance test validates live sandbox responses against it. The operations are
those of the subset (kisi-openapi.subset.yaml) plus, from the full document, the paths below.

    python3 extract.py PATH/TO/kisi-openapi.subset.yaml PATH/TO/kisi-openapi.full.yaml > kisi-responses.json
"""
import json, sys, yaml

ANNOTATIONS = {"description", "title", "example", "examples", "deprecated", "default"}

def clean(schema, components):
    if isinstance(schema, list):
        return [clean(s, components) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return clean(components[schema["$ref"].split("/")[-1]], components)
    out = {}
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key == "properties":
            out[key] = {name: clean(s, components) for name, s in value.items()}
        else:
            out[key] = clean(value, components)
    return out

EXTRA_PATHS = ["/teams", "/teams/{id}", "/team_memberships", "/team_memberships/{id}", "/guests", "/guests/{id}",
               "/logins", "/login", "/schedules", "/schedules/{id}", "/calendar/summary", "/holiday_calendars/regions",
               "/holiday_calendars/{region}/holidays"]

spec = yaml.safe_load(open(sys.argv[1]))
full = yaml.safe_load(open(sys.argv[2]))
components = dict(full["components"]["schemas"], **spec["components"]["schemas"])
paths = dict(spec["paths"])
for extra in EXTRA_PATHS:
    paths[extra] = full["paths"][extra]
operations = {}
for path, methods in paths.items():
    for method, operation in methods.items():
        if not isinstance(operation, dict) or "responses" not in operation:
            continue
        responses = {}
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json", {})
            if "schema" in content:
                responses[status] = clean(content["schema"], components)
            else:
                responses[status] = None
        operations[f"{method.upper()} {path}"] = responses
json.dump({"source": "Kisi API 1.0.0 OpenAPI document (subset, and teams, guests, logins, schedules, the calendar and holiday calendars), annotations removed", "operations": operations},
          sys.stdout, indent=1, sort_keys=True)
print()
