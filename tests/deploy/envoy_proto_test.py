#!/usr/bin/python3
"""deploy/envoy/envoy.yaml (and the copy in deploy/k8s/envoy-config.yaml) against Envoy's own v3
schema, as Envoy reads it: the protos of the Envoy API (fetched by deploy/local/lib.sh,
ensure_envoy_protos, into .tools/envoy-protos) compiled by protoc into a descriptor set, and the
configuration parsed into envoy.config.bootstrap.v3.Bootstrap by protobuf's JSON parser, every
typed_config's "@type" resolved in that set. A misspelled field, a value of the wrong type, an
unknown enum name or an "@type" that names no Envoy message fails. Envoy's own semantic checks
(protoc-gen-validate rules, cross-references) are not run: Debian has no Envoy binary; the drift
test (envoy_config_test.py) checks the cross-references this repository cares about.

  /usr/bin/python3 tests/deploy/envoy_proto_test.py [-v]
"""

import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

import yaml
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTOS = os.path.join(ROOT, ".tools", "envoy-protos")
ENVOY_YAML = os.path.join(ROOT, "deploy", "envoy", "envoy.yaml")
ENVOY_CONFIGMAP = os.path.join(ROOT, "deploy", "k8s", "envoy-config.yaml")
INCLUDES = [os.path.join(PROTOS, d) for d in ("envoy-api", "xds", "protoc-gen-validate",
                                              "googleapis")] + ["/usr/include"]
BOOTSTRAP = "envoy.config.bootstrap.v3.Bootstrap"
TYPE_PREFIX = "type.googleapis.com/"


def type_urls(node):
    """Every "@type" in a parsed YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@type" and isinstance(value, str):
                yield value
            else:
                yield from type_urls(value)
    elif isinstance(node, list):
        for item in node:
            yield from type_urls(item)


class ProtoIndex:
    """Which file under the Envoy API declares a message, by its full name."""

    def __init__(self):
        self.files = {}
        for root in INCLUDES[:-1]:
            for path in glob.glob(os.path.join(root, "**", "*.proto"), recursive=True):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                package = re.search(r"^package\s+([\w.]+)\s*;", text, re.M)
                if not package:
                    continue
                for name in re.findall(r"^message\s+(\w+)", text, re.M):
                    self.files[f"{package.group(1)}.{name}"] = os.path.relpath(path, root)

    def file_of(self, full_name):
        return self.files.get(full_name)


INDEX = None


def index():
    global INDEX
    if INDEX is None:
        INDEX = ProtoIndex()
    return INDEX


def option_end(text, i):
    """The end of the option value starting at text[i] (after "= "): a {...} block, with nested
    blocks and strings, or one scalar token."""
    if text[i] != "{":
        return re.match(r'"(?:[^"\\]|\\.)*"|[\w.+-]+', text[i:]).end() + i
    depth, quote = 0, None
    while True:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


VALIDATE_OPTION = re.compile(r"\(validate\.(?:rules|required)\)[\w.]*\s*=\s*")


def without_validation_rules(text):
    """`text` without its protoc-gen-validate options. They are Envoy's semantic checks, which
    this test does not run, and the validate.proto shipped beside the Envoy API is older than
    some of the rules the API uses (protoc would refuse those files)."""
    out, pos = [], 0
    for m in VALIDATE_OPTION.finditer(text):
        if m.start() < pos:
            continue
        end = option_end(text, m.end())
        start = m.start()
        # A statement "option (validate.required) = true;" goes whole.
        statement = re.search(r"option\s*$", text[pos:start])
        if statement:
            start = pos + statement.start()
            end = text.index(";", end) + 1
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    stripped = "".join(out)
    # Option lists left with stray commas or empty: "[, x]", "[x, ]", "[]".
    stripped = re.sub(r"\[\s*,\s*", "[", stripped)
    stripped = re.sub(r",\s*\]", "]", stripped)
    stripped = re.sub(r",\s*,", ",", stripped)
    return re.sub(r"\s*\[\s*\]", "", stripped)


def stripped_tree(tmp):
    """A copy of the Envoy API and xds protos without validation rules, under `tmp`."""
    roots = []
    for root in INCLUDES[:2]:
        copy = os.path.join(tmp, os.path.basename(root))
        for path in glob.glob(os.path.join(root, "**", "*.proto"), recursive=True):
            target = os.path.join(copy, os.path.relpath(path, root))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(path, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as t:
                t.write(without_validation_rules(f.read()))
        roots.append(copy)
    return roots + INCLUDES[2:]


def compile_pool(files):
    """A descriptor pool of `files` and everything they import, compiled by protoc."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "envoy.pb")
        compiled = subprocess.run(
            ["protoc", *[f"-I{d}" for d in stripped_tree(tmp)], "--include_imports",
             f"--descriptor_set_out={out}", *sorted(set(files))],
            capture_output=True, text=True)
        if compiled.returncode != 0:
            raise RuntimeError(f"protoc: {compiled.stderr}")
        with open(out, "rb") as f:
            descriptors = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in descriptors.file:
        pool.Add(file)
    return pool


def parse_as_envoy(config):
    """Parses `config` (a YAML tree) into a Bootstrap; raises json_format.ParseError if Envoy's
    schema does not have it, KeyError when an "@type" names no Envoy message."""
    files = [index().file_of(BOOTSTRAP)]
    for url in type_urls(config):
        name = url[len(TYPE_PREFIX):] if url.startswith(TYPE_PREFIX) else url
        file = index().file_of(name)
        if file is None:
            raise KeyError(f'"@type": {url} is no message of the Envoy API')
        files.append(file)
    pool = compile_pool(files)
    bootstrap = message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName(BOOTSTRAP))()
    json_format.ParseDict(config, bootstrap, descriptor_pool=pool)
    return bootstrap


def envoy_yaml():
    with open(ENVOY_YAML, encoding="utf-8") as f:
        return yaml.safe_load(f)


class EnvoyProtoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Missing is a failure, not a skip: the check must not pass by not running.
        if not os.path.isdir(os.path.join(PROTOS, "envoy-api")):
            raise AssertionError(f"{PROTOS} missing: run deploy/local/test.sh "
                                 "(ensure_envoy_protos in deploy/local/lib.sh)")

    def test_gateway_config_is_an_envoy_bootstrap(self):
        bootstrap = parse_as_envoy(envoy_yaml())
        listeners = [l.name for l in bootstrap.static_resources.listeners]
        self.assertIn("wse_gateway", listeners)
        self.assertIn("wse_operators", listeners)
        self.assertGreaterEqual(len(bootstrap.static_resources.clusters), 4)

    def test_configmap_copy_is_one_too(self):
        with open(ENVOY_CONFIGMAP, encoding="utf-8") as f:
            configmap = yaml.safe_load(f)
        parse_as_envoy(yaml.safe_load(configmap["data"]["envoy.yaml"]))

    # The parser must refuse what Envoy refuses: each spoiled copy fails.
    def spoiled(self, spoil):
        config = envoy_yaml()
        spoil(config)
        return config

    def test_a_misspelled_field_fails(self):
        def spoil(c):
            c["static_resources"]["clusters"][0]["conect_timeout"] = "1s"
        with self.assertRaisesRegex(json_format.ParseError, "conect_timeout"):
            parse_as_envoy(self.spoiled(spoil))

    def test_a_misspelled_field_inside_a_typed_config_fails(self):
        def spoil(c):
            hcm = c["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
            hcm["typed_config"]["stat_prefx"] = "x"
        with self.assertRaisesRegex(json_format.ParseError, "stat_prefx"):
            parse_as_envoy(self.spoiled(spoil))

    def test_a_wrong_type_url_fails(self):
        def spoil(c):
            hcm = c["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
            hcm["typed_config"]["@type"] = (
                TYPE_PREFIX + "envoy.extensions.filters.network.http_connection_manager.v3."
                "HttpConnectionManagr")
        with self.assertRaises(KeyError):
            parse_as_envoy(self.spoiled(spoil))

    def test_a_type_url_of_the_wrong_message_fails(self):
        def spoil(c):
            hcm = c["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
            hcm["typed_config"]["@type"] = (
                TYPE_PREFIX + "envoy.extensions.filters.http.router.v3.Router")
        with self.assertRaises(json_format.ParseError):
            parse_as_envoy(self.spoiled(spoil))

    def test_a_wrong_enum_name_fails(self):
        def spoil(c):
            c["static_resources"]["clusters"][0]["lb_policy"] = "ROUND_ROBBIN"
        with self.assertRaisesRegex(json_format.ParseError, "ROUND_ROBBIN"):
            parse_as_envoy(self.spoiled(spoil))

    def test_a_value_of_the_wrong_type_fails(self):
        def spoil(c):
            c["static_resources"]["clusters"][0]["connect_timeout"] = "one second"
        with self.assertRaises(json_format.ParseError):
            parse_as_envoy(self.spoiled(spoil))


if __name__ == "__main__":
    unittest.main()
