# Cox models with numeric covariates at moderate n: R survival's rotterdam (2,982 patients, tests/reference/
# rotterdam.csv; age in years and positive nodes as numbers, one log hazard ratio per unit), analysed by coxph.
# Checks that a continuous covariate enters as a number (not one category per value) and fits by the ordinary
# partial likelihood: in memory (tests/stats/test_cox_numeric.py), in the study analysis and in DuckDB
# (tests/engine/test_cox_numeric.py).
#   Rscript tests/reference/make_cox_numeric_reference.R   # from the repository root; writes cox_numeric_reference.json
suppressMessages({library(survival); library(jsonlite)})
rd <- read.csv("tests/reference/rotterdam.csv")
# size: reference level first in Python's sorted order of the text levels (as oncocohort.stats.cox.design_matrix)
rd$size <- factor(rd$size, levels = c("20-50", "<=20", ">50"))
fit_summary <- function(formula, ties) {
  fit <- coxph(formula, data = rd, ties = ties)
  list(call = paste(deparse(formula), collapse = ""), ties = ties, n = fit$n, events = fit$nevent,
       terms = names(coef(fit)), coef = unname(coef(fit)), se = unname(sqrt(diag(vcov(fit)))),
       loglik = fit$loglik, score = unname(fit$score), wald = unname(fit$wald.test),
       iterations = fit$iter)
}
out <- list(
  meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  age_efron = fit_summary(Surv(dtime, death) ~ age, "efron"),
  age_meno_efron = fit_summary(Surv(dtime, death) ~ age + meno, "efron"),
  numeric_and_factor_efron = fit_summary(Surv(dtime, death) ~ age + nodes + size + meno, "efron"),
  numeric_and_factor_breslow = fit_summary(Surv(dtime, death) ~ age + nodes + size + meno, "breslow"),
  numeric_strata_efron = fit_summary(Surv(dtime, death) ~ age + nodes + strata(grade), "efron"))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/cox_numeric_reference.json")
