# shopml server image: `docker build -t shopml .`
#
#   docker run -d --name shopml -p 50051:50051 -p 9464:9464 \
#     -v shopml-data:/data -v "$PWD/models:/models:ro" shopml
#
# Arguments after the image name are added to `shopml serve`, e.g.
# --config=/etc/shopml/shopml.conf or --reload_poll_seconds=60. The health
# check reports healthy once a model bundle is loaded from /models.

# Build stage: the full toolchain and -dev packages.
FROM debian:12 AS build
WORKDIR /src
# Dependencies first, so that source changes reuse this layer.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DSHOPML_BUILD_TESTS=OFF -DSHOPML_BUILD_BENCH=OFF \
 && ninja -C /build shopml shopml-cli shopml-load \
 && strip /build/server/shopml /build/client/shopml-cli /build/client/shopml-load

# Runtime stage: the shared libraries the binaries link, nothing else.
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 librocksdb7.8 libabsl20220623 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 shopml \
 && useradd --system --uid 10001 --gid shopml --home-dir /data \
      --shell /usr/sbin/nologin shopml \
 && mkdir -p /data/store /models \
 && chown -R shopml:shopml /data /models
COPY --from=build /build/server/shopml /build/client/shopml-cli \
     /build/client/shopml-load /usr/local/bin/
USER 10001:10001
WORKDIR /data
VOLUME ["/data", "/models"]
# gRPC, Prometheus /metrics.
EXPOSE 50051 9464
# SIGTERM: health turns NOT_SERVING, calls are still served for
# drain_delay_seconds, in-flight calls drain (up to drain_timeout_seconds), the
# store closes; give `docker stop` at least the sum (`--time`).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["shopml-cli", "--target=127.0.0.1:50051", "--deadline=2s", "health"]
ENTRYPOINT ["shopml", "serve", "--grpc_address=0.0.0.0:50051", \
            "--metrics_address=0.0.0.0:9464", "--store_path=/data/store", \
            "--models_dir=/models"]
