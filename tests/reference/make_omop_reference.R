# OS rows extracted from the synthetic OMOP CDM (oncocohort omop synth --patients 5000 --seed 1, the cohort of
# examples/omop-cohort.toml; tests/omop/test_r_reference.py writes and checks omop_os_rows.csv) analysed by R survival.
#   Rscript tests/reference/make_omop_reference.R   # from the repository root; writes omop_reference.json
library(survival)
library(jsonlite)
rows <- read.csv("tests/reference/omop_os_rows.csv")
fit <- survfit(Surv(days, event) ~ 1, data = rows, conf.type = "log-log")
by_sex <- survdiff(Surv(days, event) ~ sex, data = rows)
out <- list(
  n = nrow(rows), events = sum(rows$event),
  km = list(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, surv = fit$surv, std_err = fit$std.err,
            lower = fit$lower, upper = fit$upper),
  median = unname(quantile(fit, 0.5)$quantile), median_lower = unname(quantile(fit, 0.5)$lower),
  median_upper = unname(quantile(fit, 0.5)$upper),
  logrank_sex = list(chisq = by_sex$chisq, observed = unname(by_sex$obs), expected = unname(by_sex$exp),
                     groups = sub("sex=", "", names(by_sex$n))))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "tests/reference/omop_reference.json")
