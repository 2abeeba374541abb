#!/usr/bin/env python3
"""The metrics contract checked through a real Prometheus.

Builds a tiny shop (`shopml demo-data`, `import`, `train` with an HNSW graph),
serves it with the real `shopml serve` on free ports, starts a real
`prometheus` scraping it every second (with deploy/prometheus/alerts.yml
loaded) in a temporary directory, drives traffic with `shopml-load` and
`shopml-cli`, and asserts through Prometheus' HTTP API (/api/v1/query):

  O1  exact grpc_server_started_total, grpc_server_handled_total by code and
      grpc_server_handling_seconds_count for a known mix of 700 OK, 200
      INVALID_ARGUMENT and 100 NOT_FOUND calls, and every series at 0
      before the first call;
  O2  `promtool check metrics` finds no problem in a scrape; counters end in
      _total, durations in _seconds; process_* metrics are present;
  S5  traffic with tens of thousands of distinct user and item ids adds no
      series (and the total stays at most 2000);
  and that every metric named by the Grafana dashboard and the alert rules
  is in a real scrape, that each of their expressions evaluates, and that
  click-through counts follow recommendation ids end to end.

  prometheus_test.py --root=<repository> --shopml=<shopml> --cli=<shopml-cli>
                     --load=<shopml-load>

Exits 77 (ctest SKIP_RETURN_CODE) when prometheus or promtool is missing.
Standard library plus PyYAML.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_manifests  # noqa: E402  (metric_names, the PromQL scanner)

try:
    import yaml
except ImportError:
    sys.exit("prometheus_test.py needs PyYAML: apt-get install python3-yaml")

ARGS = None
SERVICE = "shopml.v1.RecommendationService"
SERIES_LIMIT = 2000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}")
    return result.stdout


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


class Stack:
    """shopml serve and prometheus over a tiny trained shop in `tmp`."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.server = None
        self.prometheus = None

    def build_shop(self):
        csv = os.path.join(self.tmp, "csv")
        self.store = os.path.join(self.tmp, "store")
        self.models = os.path.join(self.tmp, "models")
        run([ARGS.shopml, "demo-data", f"--out={csv}", "--users=300",
             "--items=200", "--categories=5", "--events=6000", "--days=30"])
        run([ARGS.shopml, "import", f"--store={self.store}",
             f"--items={csv}/items.csv", f"--users={csv}/users.csv",
             f"--events={csv}/events.csv", f"--sales={csv}/sales.csv"])
        run([ARGS.shopml, "train", f"--store={self.store}",
             f"--models={self.models}", "--forecast-series=0",
             "--hnsw-min-items=0"])

    def start_server(self):
        self.server_log = open(os.path.join(self.tmp, "serve.log"), "w+")
        self.server = subprocess.Popen(
            [ARGS.shopml, "serve", "--grpc_address=127.0.0.1:0",
             "--metrics_address=127.0.0.1:0", f"--store_path={self.store}",
             f"--models_dir={self.models}", "--sync_writes=false"],
            stdout=subprocess.DEVNULL, stderr=self.server_log)
        deadline = time.monotonic() + 60
        pattern = re.compile(r"serving gRPC on [^:]+:(\d+), metrics on "
                             r"http://[^:]+:(\d+)/metrics")
        while time.monotonic() < deadline:
            self.server_log.seek(0)
            match = pattern.search(self.server_log.read())
            if match:
                self.grpc_target = f"127.0.0.1:{match.group(1)}"
                self.metrics_port = int(match.group(2))
                return
            if self.server.poll() is not None:
                break
            time.sleep(0.05)
        self.server_log.seek(0)
        raise AssertionError("shopml serve did not start:\n" +
                             self.server_log.read())

    def start_prometheus(self):
        self.prom_port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                       "evaluation_interval": "1s"},
            "rule_files": [os.path.join(ARGS.root, "deploy", "prometheus",
                                        "alerts.yml")],
            "scrape_configs": [{
                "job_name": "shopml",
                "static_configs": [{
                    "targets": [f"127.0.0.1:{self.metrics_port}"],
                    "labels": {"service": "shopml"}}]}],
        }
        path = os.path.join(self.tmp, "prometheus.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(config, f)
        self.prom_log = open(os.path.join(self.tmp, "prometheus.log"), "w+")
        self.prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={path}",
             f"--storage.tsdb.path={self.tmp}/tsdb",
             f"--web.listen-address=127.0.0.1:{self.prom_port}"],
            stdout=self.prom_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.query('up{job="shopml"}') == [1.0]:
                    return
            except OSError:
                pass
            if self.prometheus.poll() is not None:
                break
            time.sleep(0.2)
        self.prom_log.seek(0)
        raise AssertionError("prometheus did not scrape shopml:\n" +
                             self.prom_log.read()[-4000:])

    def stop(self):
        for log in ("server_log", "prom_log"):
            if hasattr(self, log):
                getattr(self, log).close()
        for process in (self.prometheus, self.server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def api(self, path, **params):
        url = (f"http://127.0.0.1:{self.prom_port}/api/v1/{path}?" +
               urllib.parse.urlencode(params))
        body = json.loads(http_get(url))
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body}")
        return body["data"]

    def query_vector(self, expr):
        """The instant vector of `expr`: [(labels, value), ...]."""
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", data
        return [(r["metric"], float(r["value"][1])) for r in data["result"]]

    def query(self, expr):
        return sorted(v for _, v in self.query_vector(expr))

    def wait_for_scrape_after(self, moment, timeout=15):
        """Waits until Prometheus holds a scrape taken after `moment`
        (time.time())."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stamps = self.query('timestamp(up{job="shopml"})')
            if stamps and stamps[0] > moment + 0.05:
                return
            time.sleep(0.2)
        raise AssertionError(f"no scrape after {moment} within {timeout}s")

    def scrape(self):
        return http_get(f"http://127.0.0.1:{self.metrics_port}/metrics")

    def load(self, *flags):
        """Runs shopml-load; returns its JSON report."""
        out = subprocess.run(
            [ARGS.load, f"--target={self.grpc_target}", "--json",
             "--duration=120s", "--concurrency=8", *flags],
            capture_output=True, text=True)
        if out.returncode not in (0, 1) or not out.stdout.strip():
            raise AssertionError(f"shopml-load {flags}: {out.stderr}")
        return json.loads(out.stdout)

    def cli(self, *args):
        return run([ARGS.cli, f"--target={self.grpc_target}", *args])


STACK = None


def series_count(text):
    return sum(1 for line in text.splitlines()
               if line and not line.startswith("#"))


class PrometheusTest(unittest.TestCase):
    """The tests run in order (unittest sorts by name): test_1 needs the
    counters untouched."""

    def started(self, method=None):
        selector = f'grpc_service="{SERVICE}"'
        if method:
            selector += f', grpc_method="{method}"'
        return self.sum(f"grpc_server_started_total{{{selector}}}")

    def sum(self, expr):
        values = STACK.query(f"sum({expr})")
        return values[0] if values else None

    def test_1_grpc_counts_are_exact(self):
        # Every series of the model RPCs is there, at 0, before any call.
        for method in ("Recommend", "SimilarItems", "Score"):
            self.assertEqual(
                STACK.query(f'grpc_server_started_total{{grpc_method="{method}"}}'),
                [0.0], method)
            handled = STACK.query(
                f'grpc_server_handled_total{{grpc_method="{method}"}}')
            self.assertEqual(handled, [0.0] * 17, method)
        ok = STACK.load("--method=recommend", "--requests=700",
                        "--users=U00000..U00299")
        invalid = STACK.load("--method=recommend", "--requests=200",
                             "--k=1001")
        missing = STACK.load("--method=similar", "--requests=100",
                             "--items=X00000..X00099")
        end = time.time()
        self.assertEqual((ok["requests"], ok["ok"]), (700, 700), ok)
        self.assertEqual(invalid["errors"], {"INVALID_ARGUMENT": 200})
        self.assertEqual(missing["errors"], {"NOT_FOUND": 100})
        STACK.wait_for_scrape_after(end)

        got = {
            "started": self.started(),
            "handled OK": self.sum(
                f'grpc_server_handled_total{{grpc_service="{SERVICE}", grpc_code="OK"}}'),
            "handled INVALID_ARGUMENT": self.sum(
                f'grpc_server_handled_total{{grpc_service="{SERVICE}", grpc_code="INVALID_ARGUMENT"}}'),
            "handled NOT_FOUND": self.sum(
                f'grpc_server_handled_total{{grpc_service="{SERVICE}", grpc_code="NOT_FOUND"}}'),
            "handled other codes": self.sum(
                f'grpc_server_handled_total{{grpc_service="{SERVICE}", grpc_code!~"OK|INVALID_ARGUMENT|NOT_FOUND"}}'),
            "handling_seconds_count": self.sum(
                f'grpc_server_handling_seconds_count{{grpc_service="{SERVICE}"}}'),
            "started Recommend": self.started("Recommend"),
            "started SimilarItems": self.started("SimilarItems"),
        }
        want = {
            "started": 1000, "handled OK": 700,
            "handled INVALID_ARGUMENT": 200, "handled NOT_FOUND": 100,
            "handled other codes": 0, "handling_seconds_count": 1000,
            "started Recommend": 900, "started SimilarItems": 100,
        }
        print("\nO1 Prometheus query results:", json.dumps(got), flush=True)
        self.assertEqual(got, want)
        # Only the 700 Recommend calls that reached the bundle are model
        # requests (the 200 refused ones never took it).
        self.assertEqual(self.sum(
            'shopml_model_request_seconds_count{method="Recommend"}'), 700)

    def test_2_promtool_check_metrics_finds_no_problem(self):
        text = STACK.scrape()
        lint = subprocess.run(["promtool", "check", "metrics"], input=text,
                              capture_output=True, text=True)
        print(f"\nO2 promtool check metrics: exit {lint.returncode}, "
              f"output {lint.stdout + lint.stderr!r}", flush=True)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        self.assertEqual((lint.stdout + lint.stderr).strip(), "")
        types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
        for name, kind in types.items():
            if kind == "counter":
                self.assertTrue(name.endswith("_total"), name)
            if re.search(r"latency|duration|_time|_ms$|millis|_age", name):
                self.assertTrue(name.endswith("_seconds"), name)
            if kind == "histogram":
                self.assertTrue(name.endswith("_seconds"), name)
        for name in ("process_cpu_seconds_total",
                     "process_resident_memory_bytes",
                     "process_virtual_memory_bytes", "process_open_fds",
                     "process_max_fds", "process_start_time_seconds"):
            self.assertIn(name, types)

    def test_3_distinct_ids_add_no_series(self):
        # The same kinds of calls as below with few ids first, so that every
        # label set the traffic can touch exists before counting.
        for method, flags in (("recommend", ["--users=U00000..U00009"]),
                              ("recommend", ["--users=Y00000..Y00009"]),
                              ("similar", ["--items=I00000..I00009"]),
                              ("similar", ["--items=Z00000..Z00009"]),
                              ("score", ["--users=Y00000..Y00009",
                                         "--items=I00000..I00009",
                                         "--score-items=5"])):
            STACK.load(f"--method={method}", "--requests=50", *flags)
        time.sleep(0.1)
        before_text = STACK.scrape()
        STACK.wait_for_scrape_after(time.time())
        before = STACK.query('scrape_samples_scraped{job="shopml"}')[0]

        traffic = (
            ("recommend", ["--users=Y000000..Y099999", "--requests=20000"]),
            ("similar", ["--items=Z000000..Z099999", "--requests=5000"]),
            ("score", ["--users=Y000000..Y099999",
                       "--items=Z000000..Z099999", "--score-items=5",
                       "--requests=5000"]),
        )
        calls = 0
        for method, flags in traffic:
            report = STACK.load(f"--method={method}", "--concurrency=16",
                                *flags)
            calls += report["requests"]
        end = time.time()
        after_text = STACK.scrape()
        STACK.wait_for_scrape_after(end)
        after = STACK.query('scrape_samples_scraped{job="shopml"}')[0]
        print(f"\nS5 series per scrape: before {before:.0f} (raw "
              f"{series_count(before_text)}), after {calls} calls with users "
              f"and items drawn from 100,000 ids each {after:.0f} (raw "
              f"{series_count(after_text)})", flush=True)
        self.assertEqual(calls, 30000)
        self.assertEqual(after, before)
        self.assertEqual(series_count(after_text), series_count(before_text))
        self.assertLessEqual(after, SERIES_LIMIT)
        for user in ("Y000017", "Y012345", "Z000042"):
            self.assertNotIn(user, after_text)

    def test_4_dashboard_and_alert_metrics_are_exported(self):
        text = STACK.scrape()
        exported = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
        histograms = set(re.findall(r"^# TYPE (\S+) histogram", text, re.M))
        check_manifests.HISTOGRAMS.update(histograms)
        exported |= {"up"}  # Prometheus' own, checked through the API below.
        self.assertEqual(STACK.query('up{job="shopml"}'), [1.0])
        with open(os.path.join(ARGS.root, "deploy", "grafana",
                               "shopml-dashboard.json")) as f:
            dashboard = json.load(f)
        with open(os.path.join(ARGS.root, "deploy", "prometheus",
                               "alerts.yml")) as f:
            rules = yaml.safe_load(f)
        exprs = [t["expr"] for p in dashboard["panels"]
                 for t in p.get("targets", [])]
        exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
        for expr in exprs:
            unknown = check_manifests.metric_names(expr) - exported
            self.assertFalse(unknown, f"{expr}: {sorted(unknown)}")
            # And Prometheus accepts the expression itself.
            promql = (expr.replace("$__rate_interval", "1m")
                      .replace('"$instance"', '".*"'))
            STACK.api("query", query=promql)
        # The rules loaded, none unhealthy.
        groups = STACK.api("rules")["groups"]
        loaded = [r for g in groups for r in g["rules"]]
        self.assertEqual(len(loaded), sum(len(g["rules"])
                                          for g in rules["groups"]))
        for rule in loaded:
            self.assertEqual(rule["health"], "ok", rule)

    def test_5_click_through_follows_recommendation_ids(self):
        model = "cooccurrence"
        count = lambda e: self.sum(e) or 0  # noqa: E731
        recommended = f'shopml_recommendations_total{{model="{model}"}}'
        viewed = (f'shopml_attributed_events_total{{model="{model}", '
                  'event_type="view"}')
        before = (count(recommended), count(viewed))
        ids = []
        for i in range(10):
            out = STACK.cli("recommend", f"--user=U{i:05d}", "--k=3",
                            f"--model={model}")
            ids.append(re.search(r"recommendation_id: (\S+)", out).group(1))
        for i in range(3):
            STACK.cli("record-event", f"--user=U{i:05d}", "--item=I00001",
                      "--type=view", f"--recommendation-id={ids[i]}")
        STACK.wait_for_scrape_after(time.time())
        after = (count(recommended), count(viewed))
        self.assertEqual(after[0] - before[0], 10)
        self.assertEqual(after[1] - before[1], 3)
        # The documented PromQL (docs/operations.md) evaluates per model.
        ratio = STACK.query_vector(
            'sum by (model) (increase(shopml_attributed_events_total'
            '{event_type="view"}[1h])) / sum by (model) '
            '(increase(shopml_recommendations_total[1h]))')
        models = {m["model"] for m, _ in ratio}
        self.assertIn(model, models)


def main():
    global ARGS, STACK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--shopml", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--load", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.root = os.path.abspath(ARGS.root)
    for tool in ("prometheus", "promtool"):
        if shutil.which(tool) is None:
            print(f"{tool} not found (apt-get install prometheus): skipped")
            return 77
    with tempfile.TemporaryDirectory(prefix="shopml-prom-") as tmp:
        STACK = Stack(tmp)
        try:
            started = time.monotonic()
            STACK.build_shop()
            print(f"shop built and trained in "
                  f"{time.monotonic() - started:.1f}s", flush=True)
            STACK.start_server()
            STACK.start_prometheus()
            program = unittest.main(argv=[sys.argv[0]] + rest, exit=False,
                                    verbosity=2)
            return 0 if program.result.wasSuccessful() else 1
        finally:
            STACK.stop()


if __name__ == "__main__":
    sys.exit(main())
