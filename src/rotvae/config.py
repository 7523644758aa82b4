"""Validate a configuration against the JSON schema, fill its defaults, and check the few
rules a schema cannot express. Errors name the key as a dotted path and what it allows."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import yaml

from .userdata import LABEL_MODELS

SCHEMA_PATH = Path(__file__).resolve().parent / "config.schema.yaml"


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range."""


def _key_path(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def _with_defaults(validator_class):
    """A validator that also writes each property's `default` into the instance, the
    recipe the jsonschema documentation gives; defaults of nested objects then fill in."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if validator.is_type(instance, "object"):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    instance[name] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def load_schema(path: str | Path = SCHEMA_PATH) -> dict:
    return yaml.safe_load(Path(path).read_text())


def validate_config(config: dict | None, schema: dict | None = None) -> dict:
    """Return a validated copy of `config` with every default filled in, or raise
    ConfigError naming the first offending key."""
    schema = load_schema() if schema is None else schema
    config = copy.deepcopy(config) if config is not None else {}
    if not isinstance(config, dict):
        raise ConfigError(f"the configuration must be a mapping of keys, got {type(config).__name__}")
    validator = _with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        key = _key_path(error.absolute_path)
        if error.validator == "additionalProperties":
            raise ConfigError(f"config: {error.message} (under '{key}')")
        raise ConfigError(f"config key '{key}' = {error.instance!r}: {error.message}")
    _check_semantics(config)
    return config


def _check_semantics(config: dict) -> None:
    for paper in ("paper000", "paper001"):
        low, high = config[paper]["scale"]
        if low > high:
            raise ConfigError(
                f"config key '{paper}.scale' = {[low, high]!r}: expected [low, high] with low <= high"
            )
    p0 = config["paper000"]
    if p0["reference_angle"] not in p0["angles"]:
        raise ConfigError(
            f"config key 'paper000.reference_angle' = {p0['reference_angle']!r}: must be one of "
            f"paper000.angles {p0['angles']!r} (its model is the one evaluated)"
        )
    p1 = config["paper001"]
    for i, angle in enumerate(p1["confusion_angles"]):
        if angle not in p1["angles"]:
            raise ConfigError(
                f"config key 'paper001.confusion_angles[{i}]' = {angle!r}: must be one of "
                f"paper001.angles {p1['angles']!r} (a model trained there is drawn)"
            )
    _check_experiments(config["experiments"])


def _check_experiments(experiments: list[dict]) -> None:
    seen = set()
    for i, exp in enumerate(experiments):
        key = f"experiments[{i}]"

        def fail(sub, message):
            raise ConfigError(f"config key '{key}.{sub}' (experiment '{exp['name']}'): {message}")

        if exp["name"] in seen:
            fail("name", "used twice; names must be unique (they name the outputs)")
        seen.add(exp["name"])
        source, patches = exp["source"], exp["patches"]
        if source["labels"] and source["labels_csv"]:
            fail("source", "give labels or labels_csv, not both")
        if patches:
            if (patches["stride"] is None) == (patches["centers_csv"] is None):
                fail("patches", "give exactly one of stride (a grid) or centers_csv")
            if source["labels"] or source["labels_csv"]:
                fail("source", "patches take their labels from a 'label' column of "
                     "patches.centers_csv, not from source.labels/labels_csv")
            if patches["fourier"] and "t" in exp["invariances"]:
                fail("invariances", "Fourier-magnitude patches do not move with the lattice; "
                     "drop 't' (translation) from the invariances")
        elif exp["transfer"]:
            fail("transfer", "a second image is cut into patches: it needs `patches`")
        if patches and exp["transfer"] and patches["centers_csv"] and not exp["transfer"]["centers_csv"]:
            fail("transfer.centers_csv", "the first image is cut at listed centres; list the "
                 "second image's centres too")
        may_have_labels = bool(source["labels"] or source["labels_csv"]
                               or (patches and patches["centers_csv"]))
        needs = [m for m in exp["models"] if m in LABEL_MODELS]
        if needs and not may_have_labels:
            fail("models", f"{needs} need labels: give source.labels, source.labels_csv or "
                 "a 'label' column in patches.centers_csv")
        clusters = [m for m in exp["models"] if m in ("jvae", "jtrvae")]
        if clusters and not may_have_labels and exp["classes"] is None:
            fail("classes", f"{clusters} need the number of classes when the data carry no labels")


def load_config(path: str | Path) -> dict:
    """Read a YAML config file and validate it."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ConfigError(f"config file {path} is not valid YAML: {err}") from err
    return validate_config(raw)
