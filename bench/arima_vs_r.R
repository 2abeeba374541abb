# R's side of bench/arima_bench.cc: forecast::auto.arima, STL + ARIMA
# (forecast(mstl(y), method = "arima"), i.e. stlf with method "arima") and
# thetaf on the series bench/export_arima_series.R wrote, the last `horizon`
# values held out. Prints one CSV row per series and model: the MASE (mean
# absolute error over the hold-out divided by the in-sample mean absolute
# seasonal-naive error at lag = frequency) and the fit + forecast time in
# seconds (median of `reps` runs).
#
#   Rscript bench/arima_vs_r.R /tmp/arima_series.csv [reps]
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "/tmp/arima_series.csv"
reps <- if (length(args) > 1) as.integer(args[2]) else 3
rows <- read.csv(path, colClasses = c(periods = "character"))

mase <- function(train, test, fc, m) {
  scale <- mean(abs(diff(train, lag = m)))
  mean(abs(test - fc)) / scale
}
timed <- function(f) {
  times <- numeric(reps)
  for (i in seq_len(reps)) {
    times[i] <- system.time(fc <- f())[["elapsed"]]
  }
  list(fc = fc, seconds = median(times))
}

cat("series,model,mase,seconds,chosen\n")
for (name in unique(rows$name)) {
  s <- rows[rows$name == name, ]
  f <- s$frequency[1]
  h <- s$horizon[1]
  periods <- if (nchar(s$periods[1]) > 0) {
    as.numeric(strsplit(s$periods[1], ";")[[1]])
  } else {
    numeric(0)
  }
  y <- s$value[order(s$t)]
  n <- length(y)
  train <- y[1:(n - h)]
  test <- y[(n - h + 1):n]
  x <- ts(train, frequency = f)
  m <- if (f > 1) f else 1

  r <- timed(function() {
    fit <- auto.arima(x)
    list(mean = as.numeric(forecast(fit, h = h)$mean),
         label = paste(arimaorder(fit), collapse = ","))
  })
  cat(sprintf("%s,auto.arima,%.4f,%.4f,%s\n", name,
              mase(train, test, r$fc$mean, m), r$seconds,
              gsub(",", " ", r$fc$label)))

  if (length(periods) > 0) {
    xs <- msts(train, seasonal.periods = periods)
    r <- timed(function() {
      list(mean = as.numeric(forecast(mstl(xs), method = "arima", h = h)$mean))
    })
    cat(sprintf("%s,stl_arima,%.4f,%.4f,\n", name,
                mase(train, test, r$fc$mean, m), r$seconds))
  }

  r <- timed(function() list(mean = as.numeric(thetaf(x, h = h)$mean)))
  cat(sprintf("%s,theta,%.4f,%.4f,\n", name,
              mase(train, test, r$fc$mean, m), r$seconds))
}
