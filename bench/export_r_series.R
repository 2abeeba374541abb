#!/usr/bin/env Rscript
# Writes R's benchmark series to CSV for bench/ets_bench.cc and
# bench/ets_vs_r.R: one file <dir>/<name>.csv per series, first line
# "frequency,<m>", then one value per line.
#   Rscript bench/export_r_series.R /tmp/shopml_series
# Besides R's data sets it writes three seeded intermittent demand series
# (Bernoulli x Poisson) for croston().
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "/tmp/shopml_series"
dir.create(dir, showWarnings = FALSE, recursive = TRUE)

series <- list(
  AirPassengers = AirPassengers, UKgas = UKgas, BJsales = BJsales,
  wineind = forecast::wineind, USAccDeaths = USAccDeaths, nottem = nottem,
  co2 = co2, lynx = lynx, Nile = Nile)
set.seed(20240611)
for (i in 1:3) {
  p <- c(0.15, 0.3, 0.5)[i]
  lambda <- c(3, 6, 2)[i]
  y <- rbinom(120, 1, p) * (1 + rpois(120, lambda - 1))
  series[[sprintf("intermittent%d", i)]] <- ts(y, frequency = 12)
}
for (name in names(series)) {
  y <- series[[name]]
  lines <- c(sprintf("frequency,%d", frequency(y)), format(as.numeric(y), digits = 15))
  writeLines(lines, file.path(dir, paste0(name, ".csv")))
}
cat(sprintf("wrote %d series to %s\n", length(series), dir))
