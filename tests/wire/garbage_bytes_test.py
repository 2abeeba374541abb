#!/usr/bin/env python3
"""Garbage bytes on the wire: random byte strings sent to every shopml method.

Generates a small shop, imports it and trains a bundle, starts the real
`shopml serve` on free ports over it, then sends random payloads of 0..64 KiB to each
method through grpcio's generic unary calls with identity serialisers, so the
bytes reach the server's protobuf parser unchanged.

The contract checked:
  * the server never crashes and stays SERVING;
  * a payload that does not parse ends with INVALID_ARGUMENT "request: cannot
    be parsed as <type>", and no call ends with UNKNOWN (an unhandled error),
    UNIMPLEMENTED or UNAVAILABLE (a dead server);
  * a payload that happens to parse is an ordinary request, answered with one
    of the codes the method documents;
  * an unknown method still answers UNIMPLEMENTED;
  * resident memory grows by less than 5 % (plus a small absolute allowance for
    allocator warm-up on a tiny process).

  garbage_bytes_test.py --shopml=<binary> [--calls=N]

N is the number of calls per method (default 300; SHOPML_GARBAGE_CALLS
overrides it, e.g. 10000 for a long run). Needs python3-grpcio.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

try:
    import grpc
except ImportError:
    print("garbage_bytes_test.py: python3-grpcio is not installed; skipped")
    sys.exit(77)

METHODS = [
    "shopml.v1.RecommendationService/Recommend",
    "shopml.v1.RecommendationService/SimilarItems",
    "shopml.v1.RecommendationService/Score",
    "shopml.v1.ForecastService/Forecast",
    "shopml.v1.IngestService/UpsertItems",
    "shopml.v1.IngestService/UpsertUsers",
    "shopml.v1.IngestService/RecordEvents",
    "shopml.v1.IngestService/RecordSales",
    "shopml.v1.ModelService/ListModels",
    "shopml.v1.ModelService/ReloadModels",
    "shopml.v1.StoreService/CreateCheckpoint",
]

# Codes a parsed request may legitimately end with: success, a validation
# error, an unknown entity, no model loaded, a limit, a token requirement.
ANSWER_CODES = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.OUT_OF_RANGE,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.UNAUTHENTICATED,
}
BANNER = re.compile(r"serving gRPC on [^,]*:(\d+)")


def make_shop(shopml, workdir):
    """A small generated shop imported into workdir/store with a bundle
    trained into workdir/models, so parsed requests reach the models."""
    csv = os.path.join(workdir, "csv")
    store = os.path.join(workdir, "store")
    steps = [
        ["demo-data", "--out=" + csv, "--users=300", "--items=120",
         "--categories=6", "--events=6000", "--days=120", "--seed=7"],
        ["import", "--store=" + store, "--no-sync",
         "--items=" + os.path.join(csv, "items.csv"),
         "--users=" + os.path.join(csv, "users.csv"),
         "--events=" + os.path.join(csv, "events.csv"),
         "--sales=" + os.path.join(csv, "sales.csv")],
        ["train", "--store=" + store,
         "--models=" + os.path.join(workdir, "models"),
         "--forecast-series=0"],
    ]
    for step in steps:
        done = subprocess.run([shopml] + step, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit("shopml %s failed:\n%s%s" %
                     (step[0], done.stdout, done.stderr))


def start_server(shopml, workdir):
    args = [
        shopml, "serve", "--grpc_address=127.0.0.1:0", "--metrics_address=",
        "--store_path=" + os.path.join(workdir, "store"),
        "--models_dir=" + os.path.join(workdir, "models"),
        "--sync_writes=false", "--drain_timeout_seconds=1",
        "--checkpoint_dir=" + os.path.join(workdir, "checkpoints"),
    ]
    log = open(os.path.join(workdir, "server.log"), "w+")
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            sys.exit("shopml serve exited at start:\n" + log.read())
        log.seek(0)
        match = BANNER.search(log.read())
        if match:
            return proc, int(match.group(1)), log
        time.sleep(0.05)
    proc.kill()
    sys.exit("shopml serve did not announce its port")


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def random_payload(rng):
    # Mostly short payloads (more of them parse as something), some long.
    size = rng.choice([0, 1, 2, 5, 16, 64, 512, 4096, rng.randrange(65537)])
    return rng.randbytes(size)


def is_parse_failure(code, details):
    """The server answers a request that does not parse with
    INVALID_ARGUMENT "request: cannot be parsed as <type>"
    (server/parse_error_interceptor.h)."""
    return (code == grpc.StatusCode.INVALID_ARGUMENT and
            details.startswith("request: cannot be parsed as shopml.v1."))


def check_unknown_method(channel, failures):
    """A method the server does not have stays UNIMPLEMENTED."""
    call = channel.unary_unary("/shopml.v1.RecommendationService/NoSuchMethod")
    try:
        call(b"", timeout=5)
        failures.append("an unknown method answered OK")
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.UNIMPLEMENTED:
            failures.append("an unknown method answered %s" %
                            error.code().name)


def run(shopml, calls):
    rng = random.Random(20261202)
    failures = []
    counts = {}
    with tempfile.TemporaryDirectory() as workdir:
        make_shop(shopml, workdir)
        proc, port, log = start_server(shopml, workdir)
        try:
            channel = grpc.insecure_channel("127.0.0.1:%d" % port)
            grpc.channel_ready_future(channel).result(timeout=10)
            health = channel.unary_unary(
                "/grpc.health.v1.Health/Check",
                request_serializer=None, response_deserializer=None)
            # A warm-up pass first: gRPC's buffer pools and the allocator's
            # per-thread arenas grow over the first few thousand calls of
            # every size (and then stay), which is not a leak; the baseline
            # RSS is read after it.
            for method in METHODS:
                call = channel.unary_unary("/" + method)
                for _ in range(min(calls, 2000)):
                    try:
                        call(random_payload(rng), timeout=5)
                    except grpc.RpcError:
                        pass
            rss_start = rss_bytes(proc.pid)
            for method in METHODS:
                call = channel.unary_unary("/" + method)
                for i in range(calls):
                    payload = random_payload(rng)
                    try:
                        call(payload, timeout=5)
                        code, details = grpc.StatusCode.OK, ""
                    except grpc.RpcError as error:
                        code, details = error.code(), error.details() or ""
                    counts[(method, code.name)] = (
                        counts.get((method, code.name), 0) + 1)
                    if not is_parse_failure(code, details) and (
                            code not in ANSWER_CODES):
                        failures.append("%s call %d (%d bytes): %s %s" % (
                            method, i, len(payload), code.name, details))
                    if proc.poll() is not None:
                        failures.append("server exited with %d during %s" %
                                        (proc.returncode, method))
                        return failures, counts, rss_start, rss_start
                print("RSS after %s: %.1f MiB" %
                      (method, rss_bytes(proc.pid) / 2**20), flush=True)
            rss_end = rss_bytes(proc.pid)
            check_unknown_method(channel, failures)
            try:
                # An empty HealthCheckRequest: service "" (readiness).
                health(b"", timeout=5)
            except grpc.RpcError as error:
                failures.append("health check failed after the run: %s" %
                                error.code().name)
            return failures, counts, rss_start, rss_end
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                failures.append("server did not exit within 15 s of SIGTERM")
            # A sanitizer build of the server reports at exit.
            log.seek(0)
            text = log.read()
            for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                           "runtime error:"):
                if marker in text:
                    failures.append("server log: " +
                                    text[text.index(marker):][:2000])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shopml", required=True)
    parser.add_argument("--calls", type=int,
                        default=int(os.environ.get("SHOPML_GARBAGE_CALLS",
                                                   "300")))
    args = parser.parse_args()
    started = time.time()
    failures, counts, rss_start, rss_end = run(args.shopml, args.calls)
    for (method, code), n in sorted(counts.items()):
        print("%-45s %-20s %6d" % (method, code, n))
    growth = (rss_end - rss_start) / max(rss_start, 1)
    print("calls: %d per method, %d methods, %.1f s" %
          (args.calls, len(METHODS), time.time() - started))
    print("RSS: %.1f MiB at start, %.1f MiB at end (%+.1f %%)" %
          (rss_start / 2**20, rss_end / 2**20, 100 * growth))
    # 5 % of a small process is a few MiB of allocator noise; allow 4 MiB.
    if rss_end - rss_start > max(0.05 * rss_start, 4 << 20):
        failures.append("RSS grew by %.1f %%" % (100 * growth))
    for failure in failures[:20]:
        print("FAIL: " + failure)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
