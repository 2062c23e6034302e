# Reference values for `oncocohort survival` on a CSV as R users write it: write.csv with its defaults (row names in
# an unnamed first column, missing values as NA), missing values in the time, the event, a numeric covariate and
# the grouping column. R drops missing values per call (na.action = na.omit); oncocohort must do the same.
#
#   Rscript tests/reference/make_reference_na.R   # from the repository root
#   writes tests/reference/lung_na.csv and tests/reference/r_reference_na.json
#
# A separate file from make_reference.R so the values of r_reference.json stay as they are.
suppressMessages({library(survival); library(jsonlite)})

out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
num <- function(x) { x <- as.numeric(x); x[is.infinite(x)] <- NA; x }

# ---------------------------------------------------------------- the data: survival::lung with its own NAs
# (ph.ecog 1, wt.loss 14, meal.cal 47) plus a few set here: time (rows 5, 100), status (row 30), sex (rows 7, 150)
d <- lung[, c("time", "status", "age", "sex", "ph.ecog", "wt.loss", "meal.cal")]
d$status <- d$status - 1                                # 1 = death, 0 = censored
d$sex <- ifelse(d$sex == 1, "male", "female")
d$time[c(5, 100)] <- NA
d$status[30] <- NA
d$sex[c(7, 150)] <- NA
write.csv(d, "tests/reference/lung_na.csv")            # defaults: row names, na = "NA"
d <- read.csv("tests/reference/lung_na.csv", row.names = 1)  # the analyses below read what was written

# ---------------------------------------------------------------- Kaplan–Meier, log-rank, Cox on those rows
quant <- function(fit) { q <- quantile(fit, 0.5); list(median = num(q$quantile), lower = num(q$lower),
                                                         upper = num(q$upper)) }
km_all <- survfit(Surv(time, status) ~ 1, data = d)
km_sex <- survfit(Surv(time, status) ~ sex, data = d)
q_sex <- quantile(km_sex, 0.5)
out$km <- c(list(call = "survfit(Surv(time, status) ~ 1, data = lung_na)", n = km_all$n,
                 events = sum(km_all$n.event)), quant(km_all))
out$km_by_sex <- list(call = "survfit(Surv(time, status) ~ sex, data = lung_na)",
                      groups = sub("sex=", "", names(km_sex$strata)), n = num(km_sex$n),
                      median = num(q_sex$quantile), lower = num(q_sex$lower), upper = num(q_sex$upper))
lr <- survdiff(Surv(time, status) ~ sex, data = d)
out$logrank <- list(call = "survdiff(Surv(time, status) ~ sex, data = lung_na)", chisq = num(lr$chisq),
                    n = sum(lr$n), observed = num(lr$obs), expected = num(lr$exp))
lr_strata <- survdiff(Surv(time, status) ~ sex + strata(ph.ecog), data = d)
out$logrank_strata <- list(call = "survdiff(Surv(time, status) ~ sex + strata(ph.ecog), data = lung_na)",
                           chisq = num(lr_strata$chisq), n = sum(lr_strata$n))
cox_entry <- function(formula, call) {
  f <- coxph(formula, data = d, ties = "efron")
  s <- summary(f)
  list(call = call, n = f$n, events = f$nevent, terms = names(coef(f)), coef = num(coef(f)),
       se = num(sqrt(diag(vcov(f)))), hr = num(exp(coef(f))), lower = num(s$conf.int[, "lower .95"]),
       upper = num(s$conf.int[, "upper .95"]), p = num(s$coefficients[, "Pr(>|z|)"]),
       lr = num(s$logtest[["test"]]), concordance = num(f$concordance[["concordance"]]))
}
out$cox <- cox_entry(Surv(time, status) ~ age + wt.loss + sex,
                     "coxph(Surv(time, status) ~ age + wt.loss + sex, data = lung_na, ties = 'efron')")
out$cox_strata <- cox_entry(Surv(time, status) ~ age + wt.loss + strata(ph.ecog),
                            "coxph(Surv(time, status) ~ age + wt.loss + strata(ph.ecog), data = lung_na)")

# ---------------------------------------------------------------- Firth by direct maximisation (as make_reference.R:
# l(b) + 0.5 log|I(b)| from coxph(init = b, iter.max = 0), optim, uniroot profile limits); coxphf is not on Debian
firth_entry <- function(formula, data, ties, call) {
  pl <- function(b) tryCatch({
    f <- suppressWarnings(do.call("coxph", list(formula = formula, data = data, ties = ties, init = b,
                                                 control = coxph.control(iter.max = 0))))
    f$loglik[2] + 0.5 * as.numeric(determinant(solve(f$var), logarithm = TRUE)$modulus)
  }, error = function(e) -1e10)
  bracket <- function(f, from, direction) {
    for (w in 2^(0:8)) if (f(from + direction * w) > 0) return(sort(c(from, from + direction * w)))
    stop("no bracket")
  }
  p <- length(coef(do.call("coxph", list(formula = formula, data = data, ties = ties))))
  maximise <- function(start, fixed = integer(0)) {
    free <- setdiff(seq_len(p), fixed)
    g <- function(bf) { b <- start; b[free] <- bf; -pl(b) }
    o <- optim(start[free], g, method = "BFGS", control = list(reltol = 1e-15, maxit = 2000, ndeps = rep(1e-6, length(free))))
    o <- optim(o$par, g, method = "BFGS", control = list(reltol = 1e-16, maxit = 2000, ndeps = rep(1e-7, length(free))))
    b <- start; b[free] <- o$par; b
  }
  beta <- maximise(rep(0, p))
  best <- pl(beta)
  crit <- qchisq(0.95, 1)
  prof <- function(k, v) { s <- beta; s[k] <- v; b <- if (p > 1) maximise(s, fixed = k) else s; 2 * (best - pl(b)) }
  lower <- upper <- pval <- numeric(p)
  for (k in seq_len(p)) {
    h <- function(v) prof(k, v) - crit
    lower[k] <- uniroot(h, bracket(h, beta[k], -1), tol = 1e-12)$root
    upper[k] <- uniroot(h, bracket(h, beta[k], 1), tol = 1e-12)$root
    pval[k] <- pchisq(prof(k, 0), 1, lower.tail = FALSE)
  }
  lr <- 2 * (best - pl(rep(0, p)))
  list(call = call, ties = ties, coef = num(beta), lower = num(exp(lower)), upper = num(exp(upper)), p = num(pval),
       penalized_loglik = num(best), lr = num(lr), lr_p = num(pchisq(lr, p, lower.tail = FALSE)))
}
# the study of issue 13 (LinAlgError in the profile search before the fix): 7 patients, two covariates
seven <- data.frame(time = c(25, 19, 15, 8, 9, 2, 3), status = c(0, 0, 1, 1, 1, 1, 1),
                    treated = c(1, 1, 1, 1, 1, 1, 0), age = c(60, 37, 58, 48, 53, 55, 57))
out$data <- list(seven = as.list(seven))
out$firth <- list(
  seven_efron = firth_entry(Surv(time, status) ~ treated + age, seven, "efron",
                            "Firth: Surv(time, status) ~ treated + age, data = seven, ties = 'efron'"),
  lung_na_efron = firth_entry(Surv(time, status) ~ age + sex, d, "efron",
                              "Firth: Surv(time, status) ~ age + sex, data = lung_na (complete cases), ties = 'efron'")
)

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE),
           "tests/reference/r_reference_na.json")
cat("wrote tests/reference/lung_na.csv and tests/reference/r_reference_na.json\n")
