#!/usr/bin/env Rscript
# R's forecast::ets(), auto.arima() and, for the intermittent* series, also
# croston(), on the files of bench/export_r_series.R and
# bench/export_demo_series.py, with the holdouts of
# bench/auto_forecast_bench.cc: the last h values, h = 2m for seasonal series
# and 8 otherwise. Per series and model: MASE (holdout MAE over the in-sample
# MAE of the lag-m naive forecast; lag 1 for intermittent series), 80 / 95 %
# coverage, and the median CPU time of fitting and forecasting over `reps`
# runs. Then the
# mean MASE of each model, of the better of ets and auto.arima per series,
# and the coverage pooled over all holdout values.
#   Rscript bench/auto_vs_r.R /tmp/shopml_series [reps]
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "/tmp/shopml_series"
reps <- if (length(args) >= 2) as.integer(args[2]) else 1

read_series <- function(path) {
  lines <- readLines(path)
  m <- as.integer(sub("frequency,", "", lines[1]))
  ts(as.numeric(lines[-1]), frequency = m)
}

mase <- function(train, test, fc, lag) {
  mean(abs(test - fc)) / mean(abs(diff(as.numeric(train), lag = lag)))
}

# CPU seconds of this process (user + system): comparable with the CPU column
# of Google Benchmark on a machine other jobs share.
cpu <- function() {
  t <- proc.time()
  t[["user.self"]] + t[["sys.self"]]
}

timed <- function(f) {
  times <- c()
  for (r in seq_len(reps)) {
    t0 <- cpu()
    fc <- f()
    times <- c(times, cpu() - t0)
  }
  list(fc = fc, ms = 1000 * median(times))
}

cat(sprintf("%-26s %-10s %8s %6s %6s %10s\n", "series", "model", "MASE",
            "cov80", "cov95", "cpu_ms"))
scores <- list(ets = c(), arima = c(), best = c(), croston = c())
covered <- list(ets = c(0, 0), arima = c(0, 0))
values <- 0
for (path in sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(path))
  y <- read_series(path)
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 8
  n <- length(y)
  train <- window(y, end = time(y)[n - h])
  test <- as.numeric(y)[(n - h + 1):n]
  lag <- if (startsWith(name, "intermittent")) 1 else max(1, m)
  values <- values + h
  both <- c()
  for (model in c("ets", "arima")) {
    run <- timed(function() {
      fit <- if (model == "ets") ets(train) else auto.arima(train)
      forecast(fit, h = h, level = c(80, 95))
    })
    fc <- run$fc
    score <- mase(train, test, as.numeric(fc$mean), lag)
    in80 <- sum(fc$lower[, 1] <= test & test <= fc$upper[, 1])
    in95 <- sum(fc$lower[, 2] <= test & test <= fc$upper[, 2])
    covered[[model]] <- covered[[model]] + c(in80, in95)
    scores[[model]] <- c(scores[[model]], score)
    both <- c(both, score)
    cat(sprintf("%-26s %-10s %8.4f %6.3f %6.3f %10.1f\n", name, model, score,
                in80 / h, in95 / h, run$ms))
  }
  scores$best <- c(scores$best, min(both))
  if (startsWith(name, "intermittent")) {
    run <- timed(function() croston(train, h = h))
    score <- mase(train, test, as.numeric(run$fc$mean), lag)
    scores$croston <- c(scores$croston, score)
    cat(sprintf("%-26s %-10s %8.4f %6s %6s %10.1f\n", name, "croston", score,
                "", "", run$ms))
  }
}
cat(sprintf("\nmean MASE over %d series: ets %.4f, auto.arima %.4f, best of the two per series %.4f\n",
            length(scores$ets), mean(scores$ets), mean(scores$arima),
            mean(scores$best)))
if (length(scores$croston) > 0) {
  cat(sprintf("croston on the %d intermittent series: %.4f\n",
              length(scores$croston), mean(scores$croston)))
}
for (model in c("ets", "arima")) {
  cat(sprintf("pooled coverage %s: 80%% %.3f, 95%% %.3f over %d values\n",
              model, covered[[model]][1] / values, covered[[model]][2] / values,
              values))
}
