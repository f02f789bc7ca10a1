#!/usr/bin/python3
"""Drift test of the deployment files against the contracts and the services' code.

Checks deploy/envoy/envoy.yaml, deploy/local/nginx.conf.in and every manifest in deploy/k8s/
against what the repository itself says: the services in proto/wse/**/*_service.proto (and which
RPCs their comments call open), the fixed ports (deploy/local/lib.sh and each service's main.cc),
the token issuer/audience defaults (common/service_main.cc), the flags each service accepts
(ABSL_FLAG: an unknown WSE_* variable stops a service), and rights-svc's route catalogue.
Runs with Debian's python3 + python3-yaml; no network, no running stack. When an `envoy` binary
is on PATH it also runs `envoy --mode validate` (Debian 12 has no Envoy package).

  /usr/bin/python3 tests/deploy/envoy_config_test.py [-v]
  /usr/bin/python3 tests/deploy/envoy_config_test.py --write-configmap   # regenerate
      deploy/k8s/envoy-config.yaml from deploy/envoy/envoy.yaml
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENVOY_YAML = os.path.join(ROOT, "deploy", "envoy", "envoy.yaml")
ENVOY_CONFIGMAP = os.path.join(ROOT, "deploy", "k8s", "envoy-config.yaml")
NGINX_CONF = os.path.join(ROOT, "deploy", "local", "nginx.conf.in")
LIB_SH = os.path.join(ROOT, "deploy", "local", "lib.sh")
K8S_DIR = os.path.join(ROOT, "deploy", "k8s")
CATALOGUE = os.path.join(ROOT, "rights-svc", "catalogue.json")

EXT_AUTHZ_PREFIX = "/envoy.service.auth.v3.Authorization/"
PAGES_CLUSTER = "web_pages"
HEALTH_PREFIX = "/grpc.health.v1.Health/"
# Method-name verbs that only read: retried on UNAVAILABLE. Anything else may change state.
READ_VERBS = ("Get", "List", "Lookup", "Check", "Explain", "Verify", "Preview")
# Flags naming files that hold secrets: must come from a Secret volume in Kubernetes.
SECRET_FILE_FLAGS = ("db_password_file", "operator_token_file", "operator_token_hash_file",
                     "service_token_file", "service_identities_file",
                     "key_encryption_key_file",
                     "smtp_password_file")
HCM_TYPE = ("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3."
            "HttpConnectionManager")
HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- what the repository says

def internal_services():
    """Full names of the services declared outside proto/wse/*/v1/*_service.proto."""
    names = []
    for path in sorted(glob.glob(os.path.join(ROOT, "proto", "wse", "*", "v1", "*.proto"))):
        if path.endswith("_service.proto"):
            continue
        text = read(path)
        package = re.search(r"^package\s+([\w.]+)\s*;", text, re.M).group(1)
        names += ["%s.%s" % (package, name) for name in re.findall(r"^service\s+(\w+)", text, re.M)]
    return names


def proto_services():
    """area -> {full, methods: [..], open: {method,..}} from proto/wse/*/v1/*_service.proto."""
    services = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "proto", "wse", "*", "v1", "*_service.proto"))):
        text = read(path)
        package = re.search(r"^package\s+([\w.]+)\s*;", text, re.M).group(1)
        area = package.split(".")[1]
        for match in re.finditer(r"^service\s+(\w+)\s*\{(.*?)^\}", text, re.M | re.S):
            body = match.group(2)
            methods, open_methods, comment = [], set(), []
            for line in body.splitlines():
                stripped = line.strip()
                if stripped.startswith("//"):
                    comment.append(stripped[2:])
                    continue
                rpc = re.match(r"rpc\s+(\w+)\s*\(", stripped)
                if rpc:
                    methods.append(rpc.group(1))
                    if "no bearer token needed" in " ".join(comment).lower():
                        open_methods.add(rpc.group(1))
                comment = []
            services[area] = {"full": package + "." + match.group(1), "methods": methods,
                              "open": open_methods}
    return services


def fixed_ports():
    """area -> port, from lib.sh's defaults, checked against each main.cc's default listen."""
    lib = read(LIB_SH)
    ports = {m.group(1).lower(): int(m.group(2)) for m in re.finditer(
        r"STACK_(\w+)_PORT:-\$\(\((\d+) \+ STACK_PORT_BASE\)\)", lib)}
    return ports


def main_cc_definitions():
    """area -> (program, full name, port) from each <area>-svc/main.cc ServiceDefinition."""
    result = {}
    for path in glob.glob(os.path.join(ROOT, "*-svc", "main.cc")):
        m = re.search(r'ServiceDefinition\s+\w+\s*\{\s*"([\w-]+)",\s*"([\w.]+)",\s*'
                      r'"[\w.]+:(\d+)"', read(path))
        if m:
            area = m.group(1)[:-len("-svc")]
            result[area] = (m.group(1), m.group(2), int(m.group(3)))
    return result


def flag_defaults(path):
    return {m.group(1): m.group(2) for m in re.finditer(
        r'ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,\s*"([^"]*)"', read(path))}


def service_flags(area):
    """Every flag the <area>-svc binary accepts (its own files plus the common library)."""
    flags = set()
    files = glob.glob(os.path.join(ROOT, "common", "*.cc")) + \
        glob.glob(os.path.join(ROOT, area + "-svc", "*.cc"))
    for path in files:
        flags.update(re.findall(r"ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,", read(path)))
    return flags


def required_flags(area):
    """Flags the service refuses to start without ("--x is required")."""
    text = read(os.path.join(ROOT, area + "-svc", "main.cc"))
    required = set(re.findall(r'"--(\w+) is required', text))
    if "MakeAccessTokenVerifier" in text:
        required.add("jwks_file")  # common/service_main.cc requires it for the verifier
    return required


def catalogue_open_prefixes():
    import json
    return {r["prefix"] for r in json.loads(read(CATALOGUE))["routes"] if r.get("access") == "open"}


def k8s_documents():
    docs = []
    for path in sorted(glob.glob(os.path.join(K8S_DIR, "*.yaml"))):
        for doc in yaml.safe_load_all(read(path)):
            if doc is not None:
                docs.append((os.path.basename(path), doc))
    return docs


def duration_seconds(value):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(value))
    if not m:
        raise ValueError("not a duration: %r" % value)
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    return float(m.group(1)) * scale


# ---------------------------------------------------------------- envoy route/rule matching

def route_match(match, path, headers):
    """Envoy's RouteMatch for the parts used here: prefix / path / safe_regex and headers."""
    if "prefix" in match:
        ok = path.startswith(match["prefix"])
    elif "path" in match:
        ok = path == match["path"]
    elif "safe_regex" in match:
        ok = re.fullmatch(match["safe_regex"]["regex"], path) is not None
    else:
        raise AssertionError("unsupported match %r" % match)
    for header in match.get("headers", []):
        value = headers.get(header["name"].lower())
        if header.get("present_match"):
            ok = ok and value is not None
        elif "string_match" in header:
            sm = header["string_match"]
            if value is None:
                ok = False
            elif "exact" in sm:
                ok = ok and value == sm["exact"]
            elif "prefix" in sm:
                ok = ok and value.startswith(sm["prefix"])
            elif "safe_regex" in sm:
                ok = ok and re.fullmatch(sm["safe_regex"]["regex"], value) is not None
            else:
                raise AssertionError("unsupported header match %r" % header)
        else:
            raise AssertionError("unsupported header match %r" % header)
    return ok


def first_match(entries, path, headers=None):
    for entry in entries:
        if route_match(entry["match"], path, headers or {}):
            return entry
    return None


class Context:
    """Everything parsed once."""

    def __init__(self):
        self.services = proto_services()
        self.ports = fixed_ports()
        self.definitions = main_cc_definitions()
        self.envoy_text = read(ENVOY_YAML)
        self.envoy = yaml.safe_load(self.envoy_text)
        resources = self.envoy["static_resources"]
        self.listeners = resources["listeners"]
        self.clusters = {c["name"]: c for c in resources["clusters"]}
        self.hcms = []
        for listener in self.listeners:
            hcm_filters = [f for f in listener["filter_chains"][0]["filters"]
                           if f["name"] == "envoy.filters.network.http_connection_manager"]
            self.hcms.append(hcm_filters[0]["typed_config"] if hcm_filters else {})
        self.hcm = self.hcms[0]  # The public listener.
        self.routes = [r for vh in self.hcm.get("route_config", {}).get("virtual_hosts", [])
                       for r in vh["routes"]]
        self.http_filters = self.hcm.get("http_filters", [])
        self.filters = {f["name"]: f.get("typed_config", {}) for f in self.http_filters}
        self.k8s = k8s_documents()
        common_defaults = flag_defaults(os.path.join(ROOT, "common", "service_main.cc"))
        self.token_issuer = common_defaults["token_issuer"]
        self.token_audience = common_defaults["token_audience"]

    def area_of_path(self, path):
        for area, svc in self.services.items():
            if path.startswith("/" + svc["full"] + "/"):
                return area
        return None

    def cluster_port(self, cluster):
        endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
        return endpoint["address"]["socket_address"]

    def k8s_kind(self, kind):
        return [doc for _, doc in self.k8s if doc.get("kind") == kind]


CTX = None


def setUpModule():
    global CTX
    CTX = Context()


class SourcesAgree(unittest.TestCase):
    def test_protos_define_the_four_services(self):
        self.assertEqual(sorted(CTX.services), ["identity", "notify", "registration", "rights"])
        for area, svc in CTX.services.items():
            self.assertEqual(svc["full"], "wse.%s.v1.%sService" % (area, area.capitalize()))
            self.assertTrue(svc["methods"], area)

    def test_fixed_ports_agree_between_lib_sh_and_main_cc(self):
        for area in CTX.services:
            self.assertIn(area, CTX.ports, "lib.sh has no STACK_%s_PORT" % area.upper())
            program, full, port = CTX.definitions[area]
            self.assertEqual(full, CTX.services[area]["full"], program)
            self.assertEqual(port, CTX.ports[area], program)

    def test_open_rpcs_match_the_rights_catalogue(self):
        open_paths = {"/%s/%s" % (svc["full"], m) for svc in CTX.services.values()
                      for m in svc["open"]}
        self.assertEqual(open_paths | {HEALTH_PREFIX}, catalogue_open_prefixes())


class EnvoyConfig(unittest.TestCase):
    def test_a_public_and_an_internal_listener_with_the_same_routes(self):
        self.assertEqual([l["name"] for l in CTX.listeners],
                         ["wse_gateway", "wse_operators", "envoy_stats"])
        self.assertEqual([l["address"]["socket_address"]["port_value"] for l in CTX.listeners],
                         [8080, 8081, 9902])
        for hcm in CTX.hcms[:2]:
            self.assertEqual(hcm.get("@type"), HCM_TYPE)
            self.assertIs(hcm.get("preserve_external_request_id"), True)
            self.assertIn(hcm.get("codec_type", "AUTO"), ("AUTO", "HTTP2"))
        self.assertEqual(CTX.hcms[1]["route_config"], CTX.hcm["route_config"])
        internal = [f["name"] for f in CTX.hcms[1]["http_filters"]]
        self.assertEqual(internal, ["envoy.filters.http.health_check",
                                    "envoy.filters.http.jwt_authn",
                                    "envoy.filters.http.local_ratelimit",
                                    "envoy.filters.http.ext_authz", "envoy.filters.http.router"])
        self.assertEqual(CTX.hcms[1]["http_filters"][3]["typed_config"],
                         CTX.filters["envoy.filters.http.ext_authz"])

    def test_filter_order(self):
        names = [f["name"] for f in CTX.http_filters]
        for needed in ("envoy.filters.http.grpc_web", "envoy.filters.http.jwt_authn",
                       "envoy.filters.http.ext_authz", "envoy.filters.http.router"):
            self.assertIn(needed, names)
        self.assertEqual(names[-1], "envoy.filters.http.router")
        self.assertLess(names.index("envoy.filters.http.grpc_web"),
                        names.index("envoy.filters.http.jwt_authn"))
        self.assertLess(names.index("envoy.filters.http.jwt_authn"),
                        names.index("envoy.filters.http.ext_authz"))
        for f in CTX.http_filters:
            self.assertTrue(f.get("typed_config", {}).get("@type", "").startswith(
                "type.googleapis.com/envoy."), f["name"])

    def service_cluster(self, area):
        route = first_match(CTX.routes, "/%s/" % CTX.services[area]["full"])
        self.assertIsNotNone(route, area)
        self.assertIn("route", route, area)
        return route["route"]["cluster"]

    def test_every_service_has_a_prefix_route_and_a_cluster(self):
        prefixes = {r["match"].get("prefix"): r for r in CTX.routes}
        for area, svc in CTX.services.items():
            route = prefixes.get("/%s/" % svc["full"])
            self.assertIsNotNone(route, "no route prefix /%s/" % svc["full"])
            self.assertIn(route["route"]["cluster"], CTX.clusters, area)

    def test_every_rpc_reaches_its_own_service(self):
        for area, svc in CTX.services.items():
            cluster = self.service_cluster(area)
            for method in svc["methods"]:
                path = "/%s/%s" % (svc["full"], method)
                route = first_match(CTX.routes, path)
                self.assertIsNotNone(route, path)
                self.assertEqual(route.get("route", {}).get("cluster"), cluster, path)

    def test_routes_point_only_to_known_services_and_clusters(self):
        for route in CTX.routes:
            match = route["match"]
            if route.get("route", {}).get("cluster") == PAGES_CLUSTER:
                continue  # test_pages_for_gets_only
            key = match.get("prefix", match.get("path"))
            self.assertIsNotNone(key, route.get("name"))
            if "direct_response" in route:
                self.assertIn(key, (EXT_AUTHZ_PREFIX, "/"), route.get("name"))
                continue
            area = CTX.area_of_path(key)
            self.assertIsNotNone(area, "route %s points to no proto service" % key)
            cluster = route["route"]["cluster"]
            self.assertIn(cluster, CTX.clusters, key)
            self.assertEqual(cluster, self.service_cluster(area), key)

    def test_pages_for_gets_only(self):
        """The WSE-loket pages: every GET, without a token, from the static server; a call
        (gRPC or gRPC-Web, always a POST) never reaches it."""
        get, head, post = {":method": "GET"}, {":method": "HEAD"}, {":method": "POST"}
        pages = [r for r in CTX.routes if r.get("route", {}).get("cluster") == PAGES_CLUSTER]
        self.assertEqual(len(pages), 1)
        for path in ("/", "/aanvraag", "/registreren/abc", "/ontvangstbevestiging/r1/2",
                     "/app.js", "/app.css", "/config.json", "/index.html"):
            for method in (get, head):
                self.assertIs(first_match(CTX.routes, path, method), pages[0], path)
            route = first_match(CTX.routes, path, post)
            self.assertEqual(route.get("direct_response", {}).get("status"), 404, path)
        self.assertTrue(pages[0]["typed_per_filter_config"]["envoy.filters.http.ext_authz"]
                        ["disabled"])
        public_rules = [f for f in CTX.hcms[0]["http_filters"]
                        if f["name"] == "envoy.filters.http.jwt_authn"][0]["typed_config"]["rules"]
        for hcm in CTX.hcms[:2]:
            rules = [f for f in hcm["http_filters"] if f["name"] == "envoy.filters.http.jwt_authn"
                     ][0]["typed_config"]["rules"]
            self.assertNotIn("requires", first_match(rules, "/aanvraag", get))
            self.assertIn("requires", first_match(rules, "/aanvraag", post))
        # A call's path is never a page, whatever the method: on the public listener every
        # method of every service still needs a token there (the open RPCs excepted), and a
        # GET goes to its service (which refuses it), never to the pages.
        paths = ["/%s/%s" % (svc["full"], m) for svc in CTX.services.values() for m in svc["methods"]]
        paths += [EXT_AUTHZ_PREFIX + "Check", "/wse.x.v1.Y/Z", "/a.b/c", "/.js", "/x.js/y"]
        open_paths = {"/%s/%s" % (svc["full"], m) for svc in CTX.services.values()
                      for m in svc["open"]}
        for path in paths:
            for method in (get, head):
                route = first_match(CTX.routes, path, method)
                self.assertIsNot(route, pages[0], path)
                if path not in open_paths:
                    self.assertIn("requires", first_match(public_rules, path, method), path)
        cluster = CTX.clusters[PAGES_CLUSTER]
        self.assertEqual(cluster["health_checks"][0]["http_health_check"]["path"], "/config.json")
        address = CTX.cluster_port(cluster)
        web = {s["metadata"]["name"]: s for s in CTX.k8s_kind("Service")}["wse-web"]
        self.assertEqual(address["address"], "wse-web")
        self.assertEqual([p["port"] for p in web["spec"]["ports"]], [address["port_value"]])

    def test_ext_authz_service_is_not_public_and_unknown_is_unimplemented(self):
        paths = [EXT_AUTHZ_PREFIX + "Check", "/wse.unknown.v1.UnknownService/Get",
                 HEALTH_PREFIX + "Check"]
        # Services outside *_service.proto are internal (rights-svc's MembershipService and
        # ReplicaCacheService): never routed.
        internal = internal_services()
        self.assertGreaterEqual(len(internal), 2)
        paths += ["/%s/Any" % full for full in internal]
        for path in paths:
            route = first_match(CTX.routes, path)
            self.assertIsNotNone(route, path)
            self.assertNotIn("route", route, path)
            self.assertEqual(route["direct_response"]["status"], 404, path)

    def test_clusters_are_http2_with_grpc_health_checks_on_the_fixed_ports(self):
        referenced = {r["route"]["cluster"] for r in CTX.routes if "route" in r}
        # Besides the services: the admin interface (envoy_stats) and the trace collector.
        self.assertEqual(set(CTX.clusters), referenced | {"envoy_admin", "otel_collector"},
                         "unused or missing clusters")
        for area, svc in CTX.services.items():
            cluster = CTX.clusters[self.service_cluster(area)]
            options = cluster["typed_extension_protocol_options"][HTTP_OPTIONS]
            self.assertEqual(options["@type"], "type.googleapis.com/" + HTTP_OPTIONS)
            self.assertIsInstance(options["explicit_http_config"]["http2_protocol_options"], dict)
            address = CTX.cluster_port(cluster)
            self.assertEqual(address["port_value"], CTX.ports[area], cluster["name"])
            self.assertEqual(address["address"], area + "-svc", cluster["name"])
            checks = cluster["health_checks"]
            self.assertTrue(checks, cluster["name"])
            for check in checks:
                self.assertEqual(check["grpc_health_check"]["service_name"], svc["full"])

    def test_jwt_authn_provider_matches_the_services_token_settings(self):
        jwt = CTX.filters["envoy.filters.http.jwt_authn"]
        self.assertEqual(len(jwt["providers"]), 1)
        provider = next(iter(jwt["providers"].values()))
        self.assertEqual(provider["issuer"], CTX.token_issuer)
        self.assertIn(CTX.token_audience, provider["audiences"])
        self.assertTrue(provider["local_jwks"]["filename"].endswith(".json"))
        self.assertIs(provider.get("forward"), True, "services need the token too")

    def test_jwt_rules_open_exactly_the_open_rpcs(self):
        rules = CTX.filters["envoy.filters.http.jwt_authn"]["rules"]
        jwt = {"authorization": "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}
        opaque = {"authorization": "Bearer " + "ab" * 32}
        for svc in CTX.services.values():
            for method in svc["methods"]:
                path = "/%s/%s" % (svc["full"], method)
                no_token = first_match(rules, path)
                self.assertIsNotNone(no_token, path)
                if method in svc["open"]:
                    self.assertNotIn("requires", no_token, path + " must be open")
                    continue
                self.assertIn("requires", no_token, path + " must need a token")
                self.assertIn("requires", first_match(rules, path, jwt), path)
                # The operators' or a service's opaque token fails here: not on this listener.
                self.assertIn("requires", first_match(rules, path, opaque), path)
                self.assertIn("requires", first_match(rules, path, {"authorization": "Basic eA=="}),
                              path)
        health = first_match(rules, HEALTH_PREFIX + "Check")
        self.assertIsNotNone(health)
        self.assertNotIn("requires", health)

    def test_the_internal_listener_lets_ext_authz_judge_opaque_tokens(self):
        jwt_filter = [f for f in CTX.hcms[1]["http_filters"]
                      if f["name"] == "envoy.filters.http.jwt_authn"][0]["typed_config"]
        self.assertEqual(jwt_filter["providers"],
                         CTX.filters["envoy.filters.http.jwt_authn"]["providers"])
        rules = jwt_filter["rules"]
        jwt = {"authorization": "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}
        opaque = {"authorization": "Bearer " + "ab" * 32}
        for svc in CTX.services.values():
            for method in svc["methods"]:
                path = "/%s/%s" % (svc["full"], method)
                if method in svc["open"]:
                    self.assertNotIn("requires", first_match(rules, path), path)
                    continue
                self.assertIn("requires", first_match(rules, path), path)
                self.assertIn("requires", first_match(rules, path, jwt), path)
                self.assertNotIn("requires", first_match(rules, path, opaque), path)

    def test_ext_authz_asks_rights_svc_over_grpc_v3(self):
        authz = CTX.filters["envoy.filters.http.ext_authz"]
        self.assertEqual(authz["transport_api_version"], "V3")
        self.assertEqual(authz["grpc_service"]["envoy_grpc"]["cluster_name"],
                         self.service_cluster("rights"))
        self.assertIs(authz.get("failure_mode_allow", False), False)

    def test_ext_authz_skipped_only_for_open_rpcs(self):
        def disabled(route):
            per = route.get("typed_per_filter_config", {}).get("envoy.filters.http.ext_authz", {})
            return per.get("disabled") is True
        for svc in CTX.services.values():
            for method in svc["methods"]:
                route = first_match(CTX.routes, "/%s/%s" % (svc["full"], method))
                self.assertEqual(disabled(route), method in svc["open"], method)

    def test_every_routed_call_has_a_rate_limit_answering_resource_exhausted(self):
        limit = "envoy.filters.http.local_ratelimit"
        names = [f["name"] for f in CTX.http_filters]
        # After jwt_authn: a call without a valid token spends no token of the bucket; before
        # ext_authz: a flood costs rights-svc nothing.
        self.assertGreater(names.index(limit), names.index("envoy.filters.http.jwt_authn"))
        self.assertLess(names.index(limit), names.index("envoy.filters.http.ext_authz"))
        buckets = {}
        for route in CTX.routes:
            if "route" not in route:
                continue
            config = route.get("typed_per_filter_config", {}).get(limit)
            self.assertIsNotNone(config, route["name"])
            self.assertIs(config.get("rate_limited_as_resource_exhausted"), True, route["name"])
            for knob in ("filter_enabled", "filter_enforced"):
                self.assertEqual(config[knob]["default_value"],
                                 {"numerator": 100, "denominator": "HUNDRED"}, route["name"])
            buckets[route["name"]] = config["token_bucket"]["tokens_per_fill"]
        # Logins (no token needed) get the smallest bucket.
        self.assertEqual(buckets["identity_login"], min(buckets.values()))

    def test_service_clusters_have_circuit_breakers(self):
        for area in CTX.services:
            cluster = CTX.clusters[self.service_cluster(area)]
            thresholds = cluster["circuit_breakers"]["thresholds"][0]
            for key in ("max_connections", "max_pending_requests", "max_requests",
                        "max_retries"):
                self.assertGreater(thresholds[key], 0, "%s %s" % (cluster["name"], key))

    def test_the_public_listener_does_not_take_a_callers_trace(self):
        removed = [m["remove"] for e in CTX.hcms[0]["early_header_mutation_extensions"]
                   for m in e["typed_config"]["mutations"]]
        self.assertEqual(sorted(removed), ["traceparent", "tracestate"])
        self.assertNotIn("early_header_mutation_extensions", CTX.hcms[1])

    def test_tracing_on_both_listeners_to_the_collector(self):
        for hcm in CTX.hcms[:2]:
            provider = hcm["tracing"]["provider"]
            self.assertEqual(provider["name"], "envoy.tracers.opentelemetry")
            cluster = provider["typed_config"]["grpc_service"]["envoy_grpc"]["cluster_name"]
            self.assertIn(cluster, CTX.clusters)
            # OTLP is gRPC: the collector's cluster speaks HTTP/2.
            options = CTX.clusters[cluster]["typed_extension_protocol_options"][HTTP_OPTIONS]
            self.assertIn("http2_protocol_options", options["explicit_http_config"])

    def test_stats_listener_serves_only_prometheus_stats(self):
        admin = CTX.envoy["admin"]["address"]["socket_address"]
        self.assertEqual(admin["address"], "127.0.0.1")
        stats = CTX.hcms[2]
        routes = [r for vh in stats["route_config"]["virtual_hosts"] for r in vh["routes"]]
        self.assertEqual(routes[0]["match"]["path"], "/stats/prometheus")
        self.assertEqual(routes[0]["route"]["cluster"], "envoy_admin")
        self.assertEqual(routes[-1]["direct_response"]["status"], 404)
        self.assertEqual(len(routes), 2)
        self.assertEqual(self.cluster_port_of("envoy_admin"), (admin["address"],
                                                               admin["port_value"]))

    def cluster_port_of(self, name):
        address = CTX.cluster_port(CTX.clusters[name])
        return address["address"], address["port_value"]

    def test_timeouts_and_retries(self):
        for svc in CTX.services.values():
            for method in svc["methods"]:
                path = "/%s/%s" % (svc["full"], method)
                action = first_match(CTX.routes, path)["route"]
                self.assertIn("grpc_timeout_header_max",
                              action.get("max_stream_duration", {}), path)
                self.assertEqual(duration_seconds(action.get("timeout", "15s")), 0,
                                 path + ": the route timeout would cut streams; use the "
                                 "grpc-timeout / max_stream_duration")
                retry_on = set(action.get("retry_policy", {}).get("retry_on", "").split(","))
                if method.startswith(READ_VERBS):
                    self.assertIn("unavailable", retry_on, path)
                else:
                    self.assertLessEqual(retry_on - {""}, {"connect-failure", "refused-stream"},
                                         path + ": a write may only be retried when it never "
                                         "reached a service")

    def test_envoy_validates_when_installed(self):
        envoy = shutil.which("envoy")
        if envoy is None:
            self.skipTest("no envoy binary (not packaged in Debian 12)")
        with tempfile.TemporaryDirectory() as tmp:
            jwks = os.path.join(tmp, "identity.json")
            with open(jwks, "w") as f:
                f.write('{"keys":[]}')
            config = os.path.join(tmp, "envoy.yaml")
            filename = CTX.filters["envoy.filters.http.jwt_authn"]["providers"]["wse_identity"][
                "local_jwks"]["filename"]
            with open(config, "w") as f:
                f.write(CTX.envoy_text.replace(filename, jwks))
            run = subprocess.run([envoy, "--mode", "validate", "-c", config],
                                 capture_output=True, text=True, timeout=120)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


class NginxGateway(unittest.TestCase):
    def test_nginx_routes_the_same_prefixes(self):
        conf = read(NGINX_CONF)
        locations = dict(re.findall(r"location\s+(/[\w.]+/)\s*\{\s*grpc_pass\s+grpc://(\w+);",
                                    conf))
        upstreams = dict(re.findall(r"upstream\s+(\w+)\s*\{\s*server\s+[\d.]+:@(\w+)_PORT@;", conf))
        wse = {p for p in locations if p.startswith("/wse.")}
        self.assertEqual(wse, {"/%s/" % s["full"] for s in CTX.services.values()})
        for area, svc in CTX.services.items():
            upstream = locations["/%s/" % svc["full"]]
            self.assertEqual(upstreams.get(upstream), area.upper(), upstream)
        # Locally ext_authz is reachable for the tests; it must still go to rights-svc.
        if EXT_AUTHZ_PREFIX in locations:
            self.assertEqual(upstreams[locations[EXT_AUTHZ_PREFIX]], "RIGHTS")
        self.assertLessEqual(set(locations) - wse, {EXT_AUTHZ_PREFIX})


class Kubernetes(unittest.TestCase):
    def test_every_manifest_is_a_kubernetes_object(self):
        self.assertTrue(CTX.k8s)
        for name, doc in CTX.k8s:
            for key in ("apiVersion", "kind"):
                self.assertIn(key, doc, name)
            if doc["kind"] != "Kustomization":
                self.assertTrue(doc.get("metadata", {}).get("name"), name)

    def test_kustomization_lists_every_manifest_but_the_example(self):
        kustomization = yaml.safe_load(read(os.path.join(K8S_DIR, "kustomization.yaml")))
        files = {os.path.basename(p) for p in glob.glob(os.path.join(K8S_DIR, "*.yaml"))}
        self.assertEqual(set(kustomization["resources"]),
                         files - {"kustomization.yaml", "secrets.example.yaml"})

    def deployments(self):
        return {d["metadata"]["name"]: d for d in CTX.k8s_kind("Deployment")}

    def config_map_keys(self, name):
        for cm in CTX.k8s_kind("ConfigMap"):
            if cm["metadata"]["name"] == name:
                return set(cm.get("data", {}))
        self.fail("ConfigMap %s not in deploy/k8s" % name)

    def test_every_deployment_has_probes_and_resources(self):
        self.assertTrue(self.deployments())
        for name, dep in self.deployments().items():
            for c in dep["spec"]["template"]["spec"]["containers"]:
                for probe in ("readinessProbe", "livenessProbe"):
                    self.assertIn(probe, c, "%s/%s" % (name, c["name"]))
                for kind in ("requests", "limits"):
                    for res in ("cpu", "memory"):
                        self.assertIn(res, c.get("resources", {}).get(kind, {}),
                                      "%s/%s %s.%s" % (name, c["name"], kind, res))

    def test_service_deployments(self):
        deployments = self.deployments()
        services = {s["metadata"]["name"]: s for s in CTX.k8s_kind("Service")}
        for area, svc in CTX.services.items():
            name = area + "-svc"
            self.assertIn(name, deployments)
            spec = deployments[name]["spec"]["template"]["spec"]
            container = spec["containers"][0]
            port = CTX.ports[area]
            # gRPC probes on the service's own name.
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                grpc = container[probe]["grpc"]
                self.assertEqual(grpc["port"], port, "%s %s" % (name, probe))
                self.assertEqual(grpc["service"], svc["full"], "%s %s" % (name, probe))
            # Settings: only flags this binary knows, and the ones it requires.
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            for source in container.get("envFrom", []):
                for key in self.config_map_keys(source["configMapRef"]["name"]):
                    env.setdefault(key, "(configmap)")
            flags = service_flags(area)
            # Pod facts from the downward API (POD_IP) may feed a WSE_ value as $(NAME).
            downward = {e["name"] for e in container.get("env", [])
                        if "fieldRef" in e.get("valueFrom", {})}
            for var in downward:
                self.assertFalse(var.startswith("WSE_"), "%s: %s is no flag value" % (name, var))
                self.assertTrue(any("$(%s)" % var in (v or "") for v in env.values()),
                                "%s: %s is not used" % (name, var))
            for var in env:
                if var in downward:
                    continue
                self.assertTrue(var.startswith("WSE_"), var)
                self.assertIn(var[4:].lower(), flags, "%s: %s is no flag of %s" % (name, var, name))
            for flag in required_flags(area) | {"db_password_file"}:
                self.assertIn("WSE_" + flag.upper(), env, "%s needs --%s" % (name, flag))
            self.assertTrue(env["WSE_LISTEN"].endswith(":%d" % port), name)
            # Secrets as files from Secret volumes.
            volumes = {v["name"]: v for v in spec["volumes"]}
            mounts = container["volumeMounts"]
            secret_flags = [f for f in SECRET_FILE_FLAGS if "WSE_" + f.upper() in env]
            self.assertIn("db_password_file", secret_flags, name)
            for flag in secret_flags:
                path = env["WSE_" + flag.upper()]
                mount = [m for m in mounts if path.startswith(m["mountPath"].rstrip("/") + "/")]
                self.assertEqual(len(mount), 1, "%s: %s not on one volume" % (name, path))
                self.assertIn("secret", volumes[mount[0]["name"]], "%s: %s" % (name, path))
            # SIGTERM: preStop + drain must fit in the grace period.
            drain = duration_seconds(env["WSE_DRAIN_TIMEOUT"])
            pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get(
                "seconds", 0)
            self.assertGreater(spec["terminationGracePeriodSeconds"], drain + pre_stop, name)
            # A Service on the fixed port selecting these pods.
            self.assertIn(name, services)
            self.assertEqual([p["port"] for p in services[name]["spec"]["ports"]], [port])
            labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
            for key, value in services[name]["spec"]["selector"].items():
                self.assertEqual(labels.get(key), value, name)

    def test_jwks_file_is_shared_by_identity_envoy_and_verifiers(self):
        deployments = self.deployments()
        jwks = CTX.filters["envoy.filters.http.jwt_authn"]["providers"]["wse_identity"][
            "local_jwks"]["filename"]

        def claim_at(dep, path):
            spec = dep["spec"]["template"]["spec"]
            volumes = {v["name"]: v for v in spec["volumes"]}
            for c in spec["containers"]:
                for m in c.get("volumeMounts", []):
                    if path.startswith(m["mountPath"].rstrip("/") + "/"):
                        return volumes[m["name"]].get("persistentVolumeClaim", {}).get(
                            "claimName"), m.get("readOnly", False)
            return None, None

        claim, _ = claim_at(deployments["envoy"], jwks)
        self.assertIsNotNone(claim, "envoy does not mount " + jwks)
        for area in CTX.services:
            dep = deployments[area + "-svc"]
            env = {e["name"]: e.get("value")
                   for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", [])}
            if "WSE_JWKS_FILE" not in env:
                continue
            self.assertEqual(env["WSE_JWKS_FILE"], jwks, area)
            svc_claim, read_only = claim_at(dep, jwks)
            self.assertEqual(svc_claim, claim, area)
            self.assertEqual(read_only, area != "identity", area + ": only identity-svc writes")

    def test_autoscalers_target_existing_deployments(self):
        deployments = self.deployments()
        targets = {h["spec"]["scaleTargetRef"]["name"] for h in
                   CTX.k8s_kind("HorizontalPodAutoscaler")}
        self.assertLessEqual(targets, set(deployments))
        for area in CTX.services:
            self.assertIn(area + "-svc", targets)
        self.assertIn("envoy", targets)

    def test_envoy_configmap_is_deploy_envoy_yaml(self):
        maps = {c["metadata"]["name"]: c for c in CTX.k8s_kind("ConfigMap")}
        self.assertIn("envoy-config", maps)
        self.assertEqual(maps["envoy-config"]["data"]["envoy.yaml"], CTX.envoy_text,
                         "deploy/k8s/envoy-config.yaml is stale: run "
                         "/usr/bin/python3 tests/deploy/envoy_config_test.py --write-configmap")
        envoy = self.deployments()["envoy"]["spec"]["template"]["spec"]
        self.assertIn("/etc/envoy/envoy.yaml", envoy["containers"][0]["args"])
        self.assertEqual(envoy["containers"][0]["ports"][0]["containerPort"],
                         CTX.listeners[0]["address"]["socket_address"]["port_value"])


def write_configmap():
    text = read(ENVOY_YAML)
    body = "".join(("    " + line) if line.strip() else "\n"
                   for line in text.splitlines(keepends=True))
    with open(ENVOY_CONFIGMAP, "w", encoding="utf-8") as f:
        f.write("# GENERATED from deploy/envoy/envoy.yaml; do not edit. Regenerate with\n"
                "#   /usr/bin/python3 tests/deploy/envoy_config_test.py --write-configmap\n"
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: envoy-config\n"
                "  namespace: wse-loket\n  labels:\n    app.kubernetes.io/name: envoy\n"
                "    app.kubernetes.io/part-of: wse-loket\ndata:\n  envoy.yaml: |\n" + body)
    print("wrote " + os.path.relpath(ENVOY_CONFIGMAP, ROOT))


if __name__ == "__main__":
    if "--write-configmap" in sys.argv:
        write_configmap()
        sys.exit(0)
    unittest.main(verbosity=2)
