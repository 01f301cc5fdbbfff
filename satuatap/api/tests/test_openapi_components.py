"""The OpenAPI schema names each model once: django-ninja files every operation's models under
their class name and silently keeps the last of two different models with the same name, so a
client generated from the schema would read one of them wrong."""

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

from satuatap.api.core import api


def _clashes(monkeypatch, of_api, **schema_args) -> tuple[list[str], dict]:
    """The component names ``of_api``'s schema files two different models under, and the schema."""
    clashes = []
    add = OpenAPISchema.add_schema_definitions

    def add_checked(self, definitions):
        clashes.extend(name for name, d in definitions.items() if name in self.schemas and self.schemas[name] != d)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add_checked)
    schema = of_api.get_openapi_schema(**schema_args)
    return sorted(set(clashes)), schema


def test_no_two_different_models_share_a_component_name(monkeypatch):
    clashes, schema = _clashes(monkeypatch, api, path_prefix="/api/v1/")
    assert len(schema["components"]["schemas"]) > 50  # every operation's models were read
    assert clashes == []


def test_the_check_sees_a_clash(monkeypatch):
    """Two different models under one name in a small API of its own: the check above can fail."""

    def brief(fields):
        return type("Brief", (Schema,), {"__annotations__": fields})

    small = NinjaAPI(urls_namespace="clash-check")
    small.get("/a", response=brief({"id": int}))(lambda request: {"id": 1})
    small.get("/b", response=brief({"id": int, "code": str}))(lambda request: {"id": 1, "code": "x"})
    clashes, _schema = _clashes(monkeypatch, small, path_prefix="/small/")
    assert clashes == ["Brief"]
