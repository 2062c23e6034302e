# Reference values for oncocohort.stats.risk_table (the KMunicate table under a Kaplan–Meier plot), from R survival.
#
#   Rscript tests/reference/make_risk_table_reference.R   # from the repository root; writes risk_table_reference.json
#
# At each time: n.risk from summary(fit, times, extend = TRUE); censored and events = cumsum of its interval counts
# (as the KMunicate R package does). Every entry records its R call.
suppressMessages({library(survival); library(jsonlite)})

lung2 <- lung[!is.na(lung$ph.ecog), c("time", "status", "sex")]
lung2$status <- lung2$status - 1
entry <- function(time, status, times, call) {
  fit <- survfit(Surv(time, status) ~ 1)
  s <- summary(fit, times = times, extend = TRUE)
  list(call = call, time = time, status = status, times = times, at_risk = s$n.risk,
       censored = cumsum(s$n.censor), events = cumsum(s$n.event))
}
out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
# lung by sex at every 6 months (days), and at exact event / censoring times (the boundary convention)
for (sex in 1:2) {
  d <- lung2[lung2$sex == sex, ]
  out[[paste0("lung_sex", sex)]] <- entry(d$time, d$status, seq(0, 1080, by = 182.625),
    sprintf("summary(survfit(Surv(time, status) ~ 1, data = subset(lung2, sex == %d)), times = seq(0, 1080, 182.625), extend = TRUE)", sex))
}
out$lung_exact_times <- entry(lung2$time, lung2$status, c(0, 5, 11, 92, 310, 1022, 1100),
  "summary(survfit(Surv(time, status) ~ 1, data = lung2), times = c(0, 5, 11, 92, 310, 1022, 1100), extend = TRUE)")
out$ties_at_zero <- entry(c(0, 0, 1, 3, 4, 7, 9), c(1, 0, 1, 0, 1, 1, 0), c(0, 1, 3, 4, 8, 10),
  "summary(survfit(Surv(c(0,0,1,3,4,7,9), c(1,0,1,0,1,1,0)) ~ 1), times = c(0, 1, 3, 4, 8, 10), extend = TRUE)")
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/risk_table_reference.json")
