# Reference values for the Fine–Gray model fitted as R survival::finegray + weighted coxph
# (oncocohort.stats.finegray: finegray_rows, finegray_cox on stats.weighted_cox).
#
#   Rscript tests/reference/make_finegray_reference.R   # from the repository root
#
# Reads tests/reference/mgus2_competing.csv (written by make_competing_risks_reference.R) and writes
# tests/reference/finegray_reference.json: the expanded data set (rows, sums of weights and times, the first
# rows sorted by id and interval) and coxph(Surv(fgstart, fgstop, fgstatus) ~ age + male, weights = fgwt) for each
# cause, plus a tiny case, with three SEs: naive_se (inverse information, fit$naive.var), row_robust_se (what
# vcov() gives without cluster(): coxph turns robust = TRUE on by itself for non-integer weights, each row its own
# cluster) and robust_se (+ cluster(id), each patient one cluster).
suppressMessages({library(survival); library(jsonlite)})

d <- read.csv("tests/reference/mgus2_competing.csv")
out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))

fit_finegray <- function(data, etype, covariates) {
  ev <- factor(data$event, 0:2, labels = c("censor", "pcm", "death"))
  f <- as.formula(paste("Surv(etime, ev) ~", paste(c(covariates, "id"), collapse = " + ")))
  pdata <- finegray(f, data = cbind(data, ev = ev), etype = etype)
  pdata <- pdata[order(pdata$id, pdata$fgstart), ]
  rhs <- paste(covariates, collapse = " + ")
  naive <- coxph(as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", rhs)), weights = fgwt, data = pdata)
  robust <- coxph(as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", rhs, "+ cluster(id)")), weights = fgwt,
                  data = pdata)
  breslow <- coxph(as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", rhs)), weights = fgwt, data = pdata,
                   ties = "breslow")
  list(call = paste0("coxph(Surv(fgstart, fgstop, fgstatus) ~ ", rhs, " [+ cluster(id)], weights = fgwt, ",
                     "data = finegray(Surv(etime, ev) ~ ., etype = '", etype, "'))"),
       rows = nrow(pdata), sum_fgwt = sum(pdata$fgwt), sum_fgwt_fgstart = sum(pdata$fgwt * pdata$fgstart),
       sum_fgwt_fgstop = sum(pdata$fgwt * pdata$fgstop), events = sum(pdata$fgstatus),
       head = lapply(pdata[1:min(12, nrow(pdata)), c("id", "fgstart", "fgstop", "fgstatus", "fgwt")], unname),
       coef = unname(coef(naive)), naive_se = unname(sqrt(diag(robust$naive.var))),
       row_robust_se = unname(sqrt(diag(vcov(naive)))), robust_se = unname(sqrt(diag(vcov(robust)))),
       loglik = naive$loglik, robust_wald = unname(robust$wald.test), robust_score = unname(robust$rscore),
       breslow_coef = unname(coef(breslow)))
}
out$mgus2_pcm <- fit_finegray(d, "pcm", c("age", "male"))
out$mgus2_death <- fit_finegray(d, "death", c("age", "male"))

# tiny case: 8 patients (the competing-risks tiny case of make_competing_risks_reference.R), covariate g;
# censoring survival G = 4/5 after 3 and 2/5 after 5 (hand derivation in tests/stats/test_finegray.py)
tiny <- data.frame(id = 1:8, etime = c(1, 2, 3, 4, 5, 4, 2, 6), event = c(1, 2, 0, 1, 0, 2, 1, 1),
                   g = c(1, 1, 1, 1, 0, 0, 0, 0))
out$tiny <- c(list(data = tiny), fit_finegray(tiny, "pcm", "g"))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/finegray_reference.json")
