#!/usr/bin/env Rscript
# R's forecast::ets() (and croston() for the intermittent* series) on the
# files bench/export_r_series.R writes, with the holdouts of
# bench/ets_bench.cc: the last h values, h = 2m for seasonal series, 8
# otherwise. Prints per series the model, MASE (holdout MAE over the
# in-sample MAE of the lag-m naive forecast, lag 1 for m = 1 and for the
# intermittent series), 80 / 95 % interval coverage on the holdout and the
# median fit time of `reps` runs (ets(): selection and fitting, default
# arguments).
#   Rscript bench/ets_vs_r.R /tmp/shopml_series [reps]
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "/tmp/shopml_series"
reps <- if (length(args) >= 2) as.integer(args[2]) else 3

read_series <- function(path) {
  lines <- readLines(path)
  m <- as.integer(sub("frequency,", "", lines[1]))
  ts(as.numeric(lines[-1]), frequency = m)
}

mase <- function(train, test, fc, lag) {
  scale <- mean(abs(diff(as.numeric(train), lag = lag)))
  mean(abs(test - fc)) / scale
}

cat(sprintf("%-16s %-12s %8s %6s %6s %10s\n", "series", "model", "MASE",
            "cov80", "cov95", "fit_ms"))
masses <- c()
for (path in sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(path))
  y <- read_series(path)
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 8
  n <- length(y)
  train <- window(y, end = time(y)[n - h])
  test <- as.numeric(y)[(n - h + 1):n]
  intermittent <- startsWith(name, "intermittent")
  times <- c()
  for (r in seq_len(reps)) {
    t0 <- proc.time()[["elapsed"]]
    if (intermittent) {
      fc <- croston(train, h = h)
    } else {
      fit <- ets(train)
      fc <- forecast(fit, h = h, level = c(80, 95))
    }
    times <- c(times, proc.time()[["elapsed"]] - t0)
  }
  lag <- if (intermittent) 1 else max(1, m)
  score <- mase(train, test, as.numeric(fc$mean), lag)
  if (intermittent) {
    model <- "croston"
    cov80 <- NA
    cov95 <- NA
  } else {
    model <- fit$method
    cov80 <- mean(fc$lower[, 1] <= test & test <= fc$upper[, 1])
    cov95 <- mean(fc$lower[, 2] <= test & test <= fc$upper[, 2])
  }
  cat(sprintf("%-16s %-12s %8.4f %6.3f %6.3f %10.1f\n", name, model, score,
              cov80, cov95, 1000 * median(times)))
}
