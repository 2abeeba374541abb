# Writes the series bench/arima_bench.cc and bench/arima_vs_r.R share, in
# long format: name,frequency,periods,horizon,t,value (periods separated by
# ';'; horizon = the hold-out length, 2 x frequency, 8 when non-seasonal).
#
#   Rscript bench/export_arima_series.R /tmp/arima_series.csv
#
# R's datasets AirPassengers, UKgas, BJsales and forecast's wineind, plus two
# generated with a fixed seed: four years and two weeks of daily sales with
# weekly and yearly seasonality (periods 7 and 365), and eight years of
# weekly sales with a 52-week season.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "/tmp/arima_series.csv"

set.seed(20240601)
n_daily <- 4 * 365 + 14
t <- seq_len(n_daily)
weekday <- c(0.85, 0.9, 0.95, 1.0, 1.1, 1.35, 0.85)[(t - 1) %% 7 + 1]
yearly <- 1 + 0.25 * sin(2 * pi * t / 365) + 0.1 * cos(4 * pi * t / 365)
level <- 200 + cumsum(rnorm(n_daily, 0.02, 0.6))
daily <- round(level * weekday * yearly + rnorm(n_daily, 0, 8), 1)

n_weekly <- 8 * 52
w <- seq_len(n_weekly)
weekly <- round(500 + 0.4 * w + 80 * sin(2 * pi * w / 52) +
                  40 * cos(4 * pi * w / 52) +
                  as.numeric(arima.sim(list(ar = 0.5), n_weekly, sd = 15)), 1)

series <- list(
  list(name = "AirPassengers", y = as.numeric(AirPassengers), f = 12, p = "12"),
  list(name = "UKgas", y = as.numeric(UKgas), f = 4, p = "4"),
  list(name = "BJsales", y = as.numeric(BJsales), f = 1, p = ""),
  list(name = "wineind", y = as.numeric(wineind), f = 12, p = "12"),
  list(name = "daily_7_365", y = daily, f = 7, p = "7;365"),
  list(name = "weekly_52", y = weekly, f = 52, p = "52"))

rows <- do.call(rbind, lapply(series, function(s) {
  h <- if (s$f > 1) 2 * s$f else 8
  data.frame(name = s$name, frequency = s$f, periods = s$p, horizon = h,
             t = seq_along(s$y), value = s$y)
}))
write.csv(rows, out, row.names = FALSE, quote = FALSE)
cat("wrote", nrow(rows), "rows of", length(series), "series to", out, "\n")
