#!/usr/bin/env python3
"""Checks the deployment files: Kubernetes manifests, Prometheus scrape config
and alert rules, the Grafana dashboard, the Dockerfile and .dockerignore.

Structure and required fields of each (kinds present, gRPC probes on 50051,
resources set, non-root, selectors matching pod labels, the HPA aiming at the
StatefulSet, ...), and that every metric named in the dashboard and the alert
rules is one the server exports.

  check_manifests.py --root=<repository> [--shopml=<path to the shopml binary>]

With --shopml, the ConfigMap's config file is also loaded by the real server
(`shopml serve --config=...` on a free port, stopped once it serves), so a
setting it does not know or a value it rejects fails the check.

Standard library plus PyYAML (Debian package python3-yaml).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import yaml
except ImportError:
    sys.exit("check_manifests.py needs PyYAML: apt-get install python3-yaml")

# The server's metrics contract (server/metrics.cc, server/process_metrics.cc).
SERVER_METRICS = {
    "grpc_server_started_total",
    "grpc_server_handled_total",
    "grpc_server_handling_seconds",
    "shopml_model_bundle_info",
    "shopml_model_bundle_trained_timestamp_seconds",
    "shopml_model_bundle_loaded_timestamp_seconds",
    "shopml_model_bundle_age_seconds",
    "shopml_model_load_total",
    "shopml_store_users",
    "shopml_store_items",
    "shopml_store_series",
    "shopml_store_bytes",
    "shopml_store_write_seconds",
    "shopml_store_write_errors_total",
    "shopml_recommend_fallback_total",
    "shopml_recommend_cold_start_total",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_open_fds",
    "process_start_time_seconds",
    "process_virtual_memory_bytes",
    "process_max_fds",
    "shopml_recommendations_total",
    "shopml_attributed_events_total",
    "shopml_store_filesystem_size_bytes",
    "shopml_store_filesystem_avail_bytes",
    "shopml_ready",
    "shopml_model_last_load_success",
    "shopml_model_last_load_timestamp_seconds",
    "shopml_model_request_seconds",
    "shopml_hnsw_recall",
}
HISTOGRAMS = {"grpc_server_handling_seconds", "shopml_store_write_seconds",
              "shopml_model_request_seconds"}
# Series Prometheus itself attaches to every target.
PROMETHEUS_METRICS = {"up"}

GRPC_PORT = 50051
METRICS_PORT = 9464
SERVE_FLAGS = [
    "--grpc_address=0.0.0.0:50051",
    "--metrics_address=0.0.0.0:9464",
    "--store_path=/data/store",
    "--models_dir=/models",
]
RUNTIME_PACKAGES = [
    "libgrpc++1.51",
    "libprotobuf32",
    "librocksdb7.8",
    "libabsl20220623",
    "libprometheus-cpp-core1.0",
    "libprometheus-cpp-pull1.0",
]
REQUIRED_ALERTS = {
    "ShopmlDown": {"up"},
    "HighErrorRatio": {"grpc_server_handled_total"},
    "HighP99Latency": {"grpc_server_handling_seconds"},
    "ModelBundleStale": {"shopml_model_bundle_age_seconds"},
    "StoreWriteErrors": {"shopml_store_write_errors_total"},
    "ModelLoadFailures": {"shopml_model_load_total"},
    "ShopmlNotReady": {"shopml_ready"},
    "ModelReloadFailing": {"shopml_model_last_load_success"},
    "StoreDiskFull": {"shopml_store_filesystem_size_bytes",
                      "shopml_store_filesystem_avail_bytes"},
    "HnswRecallLow": {"shopml_hnsw_recall"},
}
DASHBOARD_METRICS = {
    "grpc_server_handled_total",
    "grpc_server_handling_seconds",
    "shopml_model_bundle_info",
    "shopml_model_bundle_age_seconds",
    "shopml_store_bytes",
    "shopml_store_write_seconds",
    "shopml_model_last_load_success",
    "shopml_model_request_seconds",
    "shopml_hnsw_recall",
    "shopml_store_filesystem_avail_bytes",
    "shopml_recommendations_total",
    "shopml_attributed_events_total",
}

PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "and", "or", "unless", "offset", "inf", "nan",
}

ROOT = None
SHOPML = None


def metric_names(expr):
    """The metric names a PromQL expression selects, histogram series
    (_bucket, _sum, _count) folded to their base name."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    text = re.sub(
        r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "",
        text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        name = match.group(0)
        if name.lower() in PROMQL_WORDS:
            continue
        rest = text[match.end():].lstrip()
        if rest.startswith("("):  # a function
            continue
        if text[:match.start()].endswith("$"):  # a Grafana variable
            continue
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and base in HISTOGRAMS:
                name = base
        names.add(name)
    return names


def markdown_anchors(text):
    """The anchors GitHub gives the headings of a Markdown text."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        anchors.add(slug.replace(" ", "-"))
    return anchors


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def load_k8s():
    """Every manifest of deploy/k8s by kind: {kind: [document, ...]}."""
    by_kind = {}
    directory = os.path.join(ROOT, "deploy", "k8s")
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml") or name == "kustomization.yaml":
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    doc["__file__"] = name
                    by_kind.setdefault(doc["kind"], []).append(doc)
    return by_kind


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


class KubernetesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.k8s = load_k8s()
        cls.sts = cls.one("StatefulSet")
        cls.pod = cls.sts["spec"]["template"]
        cls.pod_labels = cls.pod["metadata"]["labels"]
        cls.container = cls.pod["spec"]["containers"][0]

    @classmethod
    def one(cls, kind):
        docs = cls.k8s.get(kind, [])
        if len(docs) != 1:
            raise AssertionError(f"want one {kind}, found {len(docs)}")
        return docs[0]

    def test_kustomization_lists_every_manifest_without_namespace(self):
        kustomization = yaml.safe_load(read("deploy/k8s/kustomization.yaml"))
        self.assertEqual(kustomization["kind"], "Kustomization")
        self.assertNotIn("namespace", kustomization)
        files = {d["__file__"] for docs in self.k8s.values() for d in docs}
        self.assertEqual(set(kustomization["resources"]), files)
        for docs in self.k8s.values():
            for doc in docs:
                self.assertNotIn("namespace", doc["metadata"], doc["__file__"])

    def test_required_kinds_present(self):
        for kind in ("StatefulSet", "Service", "ConfigMap",
                     "PodDisruptionBudget", "HorizontalPodAutoscaler"):
            self.assertIn(kind, self.k8s)

    def test_statefulset_selector_matches_pod_labels(self):
        selector = self.sts["spec"]["selector"]["matchLabels"]
        self.assertTrue(selector)
        self.assertTrue(matches(selector, self.pod_labels))

    def test_container_runs_shopml_serve(self):
        command = self.container.get("command", []) + self.container.get(
            "args", [])
        self.assertEqual(command[:2], ["shopml", "serve"])
        for flag in SERVE_FLAGS:
            self.assertIn(flag, command)
        ports = {p["containerPort"] for p in self.container["ports"]}
        self.assertEqual(ports, {GRPC_PORT, METRICS_PORT})

    def test_probes_are_native_grpc_on_the_grpc_port(self):
        for probe in ("readinessProbe", "livenessProbe"):
            spec = self.container[probe]
            self.assertEqual(spec["grpc"]["port"], GRPC_PORT, probe)
            for other in ("httpGet", "exec", "tcpSocket"):
                self.assertNotIn(other, spec, probe)
        if "startupProbe" in self.container:
            self.assertEqual(self.container["startupProbe"]["grpc"]["port"],
                             GRPC_PORT)

    def test_resources_requests_and_limits(self):
        resources = self.container["resources"]
        for part in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                self.assertIn(resource, resources[part], part)

    def test_runs_as_non_root(self):
        pod_security = self.pod["spec"].get("securityContext", {})
        container_security = self.container.get("securityContext", {})
        self.assertTrue(
            container_security.get("runAsNonRoot",
                                   pod_security.get("runAsNonRoot")))
        self.assertNotEqual(
            container_security.get("runAsUser", pod_security.get("runAsUser")),
            0)
        self.assertFalse(container_security.get("allowPrivilegeEscalation",
                                                True))

    def test_volumes_for_data_models_and_config(self):
        mounts = {m["mountPath"]: m["name"]
                  for m in self.container["volumeMounts"]}
        claims = {c["metadata"]["name"]
                  for c in self.sts["spec"]["volumeClaimTemplates"]}
        self.assertIn(mounts.get("/data"), claims)
        volumes = {v["name"]: v for v in self.pod["spec"]["volumes"]}
        self.assertIn(mounts.get("/models"), volumes)
        config_flag = [a for a in self.container["command"]
                       if a.startswith("--config=")]
        self.assertEqual(len(config_flag), 1)
        config_path = config_flag[0].split("=", 1)[1]
        config_dir, config_key = os.path.split(config_path)
        volume = volumes[mounts[config_dir]]
        configmap = self.one("ConfigMap")
        self.assertEqual(volume["configMap"]["name"],
                         configmap["metadata"]["name"])
        self.assertIn(config_key, configmap["data"])

    def test_grpc_service_is_headless_and_selects_the_pods(self):
        services = {s["metadata"]["name"]: s for s in self.k8s["Service"]}
        grpc = services[self.sts["spec"]["serviceName"]]
        self.assertEqual(grpc["spec"]["clusterIP"], "None")
        self.assertTrue(matches(grpc["spec"]["selector"], self.pod_labels))
        self.assertIn(GRPC_PORT, [p["port"] for p in grpc["spec"]["ports"]])

    def test_metrics_service_is_annotated_for_prometheus(self):
        annotated = [s for s in self.k8s["Service"]
                     if s["metadata"].get("annotations", {}).get(
                         "prometheus.io/scrape") == "true"]
        self.assertEqual(len(annotated), 1)
        service = annotated[0]
        annotations = service["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/port"], str(METRICS_PORT))
        self.assertTrue(matches(service["spec"]["selector"], self.pod_labels))
        self.assertIn(METRICS_PORT,
                      [p["port"] for p in service["spec"]["ports"]])

    def test_service_target_ports_name_container_ports(self):
        names = {p["name"] for p in self.container["ports"]}
        numbers = {p["containerPort"] for p in self.container["ports"]}
        for service in self.k8s["Service"]:
            for port in service["spec"]["ports"]:
                target = port.get("targetPort", port["port"])
                self.assertTrue(target in names or target in numbers, target)

    def test_pdb_selects_the_pods(self):
        pdb = self.one("PodDisruptionBudget")
        self.assertEqual(pdb["apiVersion"], "policy/v1")
        self.assertTrue(
            matches(pdb["spec"]["selector"]["matchLabels"], self.pod_labels))
        self.assertTrue("minAvailable" in pdb["spec"] or
                        "maxUnavailable" in pdb["spec"])

    def test_hpa_targets_the_statefulset_on_cpu(self):
        hpa = self.one("HorizontalPodAutoscaler")
        self.assertEqual(hpa["apiVersion"], "autoscaling/v2")
        target = hpa["spec"]["scaleTargetRef"]
        self.assertEqual(target["kind"], "StatefulSet")
        self.assertEqual(target["name"], self.sts["metadata"]["name"])
        self.assertEqual(target["apiVersion"], "apps/v1")
        self.assertLessEqual(hpa["spec"]["minReplicas"],
                             hpa["spec"]["maxReplicas"])
        cpu = [m for m in hpa["spec"]["metrics"]
               if m["type"] == "Resource" and m["resource"]["name"] == "cpu"]
        self.assertEqual(len(cpu), 1)

    def test_config_file_has_name_value_lines(self):
        text = self.one("ConfigMap")["data"]["shopml.conf"]
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                self.assertRegex(line, r"^[a-z_]+\s*=\s*\S")

    def test_server_accepts_the_config_file(self):
        if not SHOPML:
            self.skipTest("no --shopml binary given")
        text = self.one("ConfigMap")["data"]["shopml.conf"]
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "shopml.conf")
            with open(config, "w", encoding="utf-8") as f:
                f.write(text)
            log_path = os.path.join(tmp, "serve.log")
            with open(log_path, "w", encoding="utf-8") as log_file:
                server = subprocess.Popen(
                    [SHOPML, "serve", f"--config={config}",
                     "--grpc_address=127.0.0.1:0", "--metrics_address=",
                     f"--store_path={tmp}/store", f"--models_dir={tmp}/models"],
                    stdout=subprocess.DEVNULL, stderr=log_file)
            serving = False
            deadline = time.monotonic() + 30
            while not serving and time.monotonic() < deadline:
                with open(log_path, encoding="utf-8") as f:
                    serving = any(l.startswith("shopml serving") for l in f)
                if serving or server.poll() is not None:
                    break
                time.sleep(0.05)
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=30)
            with open(log_path, encoding="utf-8") as f:
                log = f.read()
            self.assertTrue(serving, log)
            self.assertEqual(code, 0, log)


class PrometheusTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.config = yaml.safe_load(read("deploy/prometheus/prometheus.yml"))
        cls.rules = yaml.safe_load(read("deploy/prometheus/alerts.yml"))
        cls.alerts = {r["alert"]: r for g in cls.rules["groups"]
                      for r in g["rules"] if "alert" in r}

    def test_scrapes_localhost_and_kubernetes(self):
        jobs = self.config["scrape_configs"]
        static = [t for j in jobs for c in j.get("static_configs", [])
                  for t in c["targets"]]
        self.assertIn(f"localhost:{METRICS_PORT}", static)
        self.assertTrue(any("kubernetes_sd_configs" in j for j in jobs))
        self.assertEqual(len({j["job_name"] for j in jobs}), len(jobs))
        self.assertIn("alerts.yml", self.config["rule_files"])

    def test_required_alerts_use_their_metrics(self):
        for name, metrics in REQUIRED_ALERTS.items():
            self.assertIn(name, self.alerts)
            self.assertLessEqual(metrics, metric_names(self.alerts[name]["expr"]),
                                 name)

    def test_alerts_have_severity_and_summary(self):
        for name, rule in self.alerts.items():
            self.assertIn(rule["labels"]["severity"], ("warning", "critical"),
                          name)
            self.assertTrue(rule["annotations"]["summary"], name)

    def test_alerts_link_their_runbook_section(self):
        anchors = markdown_anchors(read("docs/operations.md"))
        for name, rule in self.alerts.items():
            url = rule["annotations"].get("runbook_url", "")
            path, _, anchor = url.partition("#")
            self.assertEqual(path, "docs/operations.md", name)
            self.assertEqual(anchor, name.lower(), name)
            self.assertIn(anchor, anchors, name)

    def test_alert_metrics_are_exported_by_the_server(self):
        for name, rule in self.alerts.items():
            unknown = metric_names(rule["expr"]) - SERVER_METRICS - \
                PROMETHEUS_METRICS
            self.assertFalse(unknown, f"{name}: {sorted(unknown)}")


class GrafanaTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dashboard = json.loads(read("deploy/grafana/shopml-dashboard.json"))
        cls.panels = [p for p in cls.dashboard["panels"] if p["type"] != "row"]
        cls.exprs = [t["expr"] for p in cls.panels for t in p["targets"]]

    def test_panels_are_well_formed(self):
        ids = [p["id"] for p in self.dashboard["panels"]]
        self.assertEqual(len(ids), len(set(ids)))
        for panel in self.panels:
            self.assertTrue(panel["title"])
            self.assertTrue(panel["targets"], panel["title"])
            for key in ("x", "y", "w", "h"):
                self.assertIn(key, panel["gridPos"], panel["title"])

    def test_shows_the_required_metrics(self):
        used = set().union(*(metric_names(e) for e in self.exprs))
        self.assertLessEqual(DASHBOARD_METRICS, used)

    def test_metrics_are_exported_by_the_server(self):
        for expr in self.exprs:
            unknown = metric_names(expr) - SERVER_METRICS
            self.assertFalse(unknown, f"{expr}: {sorted(unknown)}")


class DockerTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        text = read("Dockerfile")
        text = re.sub(r"\\\n", " ", text)  # join continued lines
        cls.lines = [l.strip() for l in text.splitlines()
                     if l.strip() and not l.strip().startswith("#")]
        stages, current = [], None
        for line in cls.lines:
            if line.upper().startswith("FROM "):
                current = []
                stages.append((line, current))
            elif current is not None:
                current.append(line)
        cls.stages = stages

    def instructions(self, stage, keyword):
        return [l[len(keyword):].strip() for l in self.stages[stage][1]
                if l.upper().startswith(keyword + " ")]

    def test_builds_on_debian_12_and_runs_on_slim(self):
        self.assertGreaterEqual(len(self.stages), 2)
        self.assertRegex(self.stages[0][0], r"^FROM debian:12 AS \w+")
        self.assertEqual(self.stages[-1][0], "FROM debian:12-slim")
        build = " ".join(self.instructions(0, "RUN"))
        self.assertIn("scripts/install-deps.sh", build)
        for option in ("-DSHOPML_BUILD_TESTS=OFF", "-DSHOPML_BUILD_BENCH=OFF",
                       "-G Ninja"):
            self.assertIn(option, build)

    def test_runtime_installs_only_runtime_libraries(self):
        run = " ".join(self.instructions(-1, "RUN"))
        for package in RUNTIME_PACKAGES:
            self.assertIn(package, run.split())
        self.assertNotRegex(run, r"-dev\b")

    def test_runtime_is_non_root_with_volumes_ports_and_health(self):
        user = self.instructions(-1, "USER")
        self.assertEqual(len(user), 1)
        self.assertNotIn(user[0].split(":")[0], ("root", "0"))
        volumes = json.loads(self.instructions(-1, "VOLUME")[0])
        self.assertEqual(set(volumes), {"/data", "/models"})
        exposed = " ".join(self.instructions(-1, "EXPOSE")).split()
        self.assertEqual(set(exposed), {str(GRPC_PORT), str(METRICS_PORT)})
        self.assertEqual(self.instructions(-1, "STOPSIGNAL"), ["SIGTERM"])
        health = self.instructions(-1, "HEALTHCHECK")[0]
        self.assertRegex(health, r"CMD \[\"shopml-cli\", .*\"health\"\]")
        entrypoint = json.loads(self.instructions(-1, "ENTRYPOINT")[0])
        self.assertEqual(entrypoint[:2], ["shopml", "serve"])
        for flag in SERVE_FLAGS:
            self.assertIn(flag, entrypoint)

    def test_dockerignore_keeps_build_trees_out(self):
        patterns = {l.strip() for l in read(".dockerignore").splitlines()
                    if l.strip() and not l.startswith("#")}
        for pattern in (".git", "build", "build-*"):
            self.assertIn(pattern, patterns)


class MetricNamesTest(unittest.TestCase):
    """The PromQL scanner the other checks rely on."""

    def test_finds_metrics_not_functions_labels_or_variables(self):
        expr = ('histogram_quantile(0.99, sum by (le, grpc_method) '
                '(rate(grpc_server_handling_seconds_bucket{instance=~"$i", '
                'grpc_code!="OK"}[$__rate_interval]))) / '
                'on (instance) group_left shopml_store_bytes > 2 * 86400')
        self.assertEqual(metric_names(expr),
                         {"grpc_server_handling_seconds", "shopml_store_bytes"})

    def test_keeps_unknown_names_visible(self):
        self.assertEqual(metric_names("rate(shopml_nope_total[5m]) or up"),
                         {"shopml_nope_total", "up"})


def main():
    global ROOT, SHOPML
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser.add_argument("--shopml", default=None)
    args, rest = parser.parse_known_args()
    ROOT = os.path.abspath(args.root)
    SHOPML = args.shopml
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
