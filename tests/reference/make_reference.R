# Reference values for oncocohort's statistics, computed once with base R and the `survival` package.
#
#   apt-get install -y r-base-core r-cran-survival r-cran-jsonlite
#   Rscript tests/reference/make_reference.R   # from the repository root; writes tests/reference/r_reference.json
#
# Every entry records the R call that produced it ("call"), so a test failure can be reproduced in R.
suppressMessages({library(survival); library(jsonlite)})

out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
num <- function(x) { x <- as.numeric(x); x[is.infinite(x)] <- NA; x }

# ---------------------------------------------------------------- data sets (exported so Python uses the same rows)
lung2 <- lung[!is.na(lung$ph.ecog), c("time", "status", "age", "sex", "ph.ecog", "inst")]
lung2$status <- lung2$status - 1                    # 1 = death
lung2$inst[is.na(lung2$inst)] <- 0
vet <- veteran[, c("time", "status", "trt", "celltype", "karno", "age", "prior")]
vet$celltype <- as.character(vet$celltype)
ova <- ovarian[, c("futime", "fustat", "age", "rx", "resid.ds", "ecog.ps")]
hand <- list(
  ties      = list(time = c(1, 1, 2, 2, 2, 3, 4, 4, 5, 6), status = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0)),
  censored  = list(time = c(2, 4, 6, 8), status = c(0, 0, 0, 0)),
  time_zero = list(time = c(0, 0, 1, 3, 4, 7, 9), status = c(1, 0, 1, 0, 1, 1, 0)),
  not_reached = list(time = c(1, 2, 3, 4, 5, 6, 7, 8), status = c(1, 0, 1, 0, 0, 0, 0, 0)),
  single    = list(time = c(5), status = c(1)),
  exact_half = list(time = c(1, 2, 3, 4), status = c(1, 1, 1, 1))
)
out$data <- list(lung = as.list(lung2), veteran = as.list(vet), ovarian = as.list(ova), hand = hand)

# ---------------------------------------------------------------- Kaplan–Meier
km_entry <- function(time, status, conf_type, times, call) {
  fit <- survfit(Surv(time, status) ~ 1, conf.type = conf_type)
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
  s <- summary(fit, times = times, extend = TRUE)
  tab <- summary(fit, rmean = max(time))$table
  list(call = call, conf_type = conf_type,
       time = num(fit$time), n_risk = num(fit$n.risk), n_event = num(fit$n.event), n_censor = num(fit$n.censor),
       surv = num(fit$surv), std_err = num(fit$std.err), lower = num(fit$lower), upper = num(fit$upper),
       quantile = num(q$quantile), quantile_lower = num(q$lower), quantile_upper = num(q$upper),
       landmark_times = times, landmark_surv = num(s$surv), landmark_lower = num(s$lower),
       landmark_upper = num(s$upper), landmark_n_risk = num(s$n.risk),
       rmean_tau = max(time), rmean = num(tab[["rmean"]]), rmean_se = num(tab[["se(rmean)"]]))
}
km <- list()
for (ct in c("log", "log-log", "plain")) {
  km[[paste0("lung_", ct)]] <- km_entry(lung2$time, lung2$status, ct, c(180, 365, 730),
    sprintf("survfit(Surv(time, status) ~ 1, data = lung2, conf.type = '%s')", ct))
  km[[paste0("veteran_", ct)]] <- km_entry(vet$time, vet$status, ct, c(30, 90, 365),
    sprintf("survfit(Surv(time, status) ~ 1, data = veteran, conf.type = '%s')", ct))
  km[[paste0("ovarian_", ct)]] <- km_entry(ova$futime, ova$fustat, ct, c(365, 730),
    sprintf("survfit(Surv(futime, fustat) ~ 1, data = ovarian, conf.type = '%s')", ct))
  for (h in names(hand)) {
    km[[paste0(h, "_", ct)]] <- km_entry(hand[[h]]$time, hand[[h]]$status, ct, c(1, 3, 5),
      sprintf("survfit(Surv(time, status) ~ 1, data = hand$%s, conf.type = '%s')", h, ct))
  }
}
out$km <- km

# reverse Kaplan–Meier median follow-up (R flip: censoring becomes the event)
rev <- survfit(Surv(time, 1 - status) ~ 1, data = lung2)
out$reverse_km <- list(call = "quantile(survfit(Surv(time, 1 - status) ~ 1, data = lung2), 0.5)",
                       median = num(quantile(rev, 0.5)$quantile), lower = num(quantile(rev, 0.5)$lower),
                       upper = num(quantile(rev, 0.5)$upper))

# ---------------------------------------------------------------- log-rank (survdiff)
sd_entry <- function(formula, data, rho, call) {
  f <- do.call("survdiff", list(formula = formula, data = data, rho = rho))
  df <- length(f$n) - 1
  list(call = call, chisq = num(f$chisq), df = df, p = num(pchisq(f$chisq, df, lower.tail = FALSE)),
       observed = num(if (is.matrix(f$obs)) rowSums(f$obs) else f$obs),
       expected = num(if (is.matrix(f$exp)) rowSums(f$exp) else f$exp), groups = names(f$n))
}
out$logrank <- list(
  lung_sex = sd_entry(Surv(time, status) ~ sex, lung2, 0, "survdiff(Surv(time, status) ~ sex, data = lung2)"),
  lung_sex_rho1 = sd_entry(Surv(time, status) ~ sex, lung2, 1,
                           "survdiff(Surv(time, status) ~ sex, data = lung2, rho = 1)"),
  lung_ecog = sd_entry(Surv(time, status) ~ ph.ecog, lung2, 0, "survdiff(Surv(time, status) ~ ph.ecog, data = lung2)"),
  veteran_celltype = sd_entry(Surv(time, status) ~ celltype, vet, 0,
                              "survdiff(Surv(time, status) ~ celltype, data = veteran)"),
  veteran_trt_strata = sd_entry(Surv(time, status) ~ trt + strata(celltype), vet, 0,
                                "survdiff(Surv(time, status) ~ trt + strata(celltype), data = veteran)"),
  ovarian_rx = sd_entry(Surv(futime, fustat) ~ rx, ova, 0, "survdiff(Surv(futime, fustat) ~ rx, data = ovarian)"),
  ovarian_rx_rho05 = sd_entry(Surv(futime, fustat) ~ rx, ova, 0.5,
                              "survdiff(Surv(futime, fustat) ~ rx, data = ovarian, rho = 0.5)")
)

# ---------------------------------------------------------------- Cox PH
cox_entry <- function(formula, data, ties, call) {
  f <- do.call("coxph", list(formula = formula, data = data, ties = ties))
  s <- summary(f)
  z <- cox.zph(f, transform = "km")
  list(call = call, ties = ties, terms = names(coef(f)), coef = num(coef(f)), se = num(sqrt(diag(vcov(f)))),
       hr = num(exp(coef(f))), lower = num(s$conf.int[, "lower .95"]), upper = num(s$conf.int[, "upper .95"]),
       p = num(s$coefficients[, "Pr(>|z|)"]), loglik = num(f$loglik),
       lr = num(s$logtest[["test"]]), lr_df = num(s$logtest[["df"]]), lr_p = num(s$logtest[["pvalue"]]),
       wald = num(f$wald.test), wald_p = num(pchisq(f$wald.test, length(coef(f)), lower.tail = FALSE)),  # summary() rounds the test to 2 decimals
       score = num(s$sctest[["test"]]), score_p = num(s$sctest[["pvalue"]]),
       concordance = num(f$concordance[["concordance"]]), concordance_se = num(f$concordance[["std"]]),
       zph_terms = rownames(z$table), zph_chisq = num(z$table[, "chisq"]), zph_df = num(z$table[, "df"]),
       zph_p = num(z$table[, "p"]), iter = f$iter)
}
cox <- list()
for (t in c("efron", "breslow")) {
  cox[[paste0("lung_", t)]] <- cox_entry(Surv(time, status) ~ age + sex + ph.ecog, lung2, t,
    sprintf("coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung2, ties = '%s')", t))
  cox[[paste0("veteran_", t)]] <- cox_entry(Surv(time, status) ~ trt + celltype + karno, vet, t,
    sprintf("coxph(Surv(time, status) ~ trt + celltype + karno, data = veteran, ties = '%s')", t))
  cox[[paste0("ovarian_", t)]] <- cox_entry(Surv(futime, fustat) ~ age + factor(rx) + ecog.ps, ova, t,
    sprintf("coxph(Surv(futime, fustat) ~ age + factor(rx) + ecog.ps, data = ovarian, ties = '%s')", t))
  cox[[paste0("ties_", t)]] <- cox_entry(Surv(time, status) ~ x,
    data.frame(time = hand$ties$time, status = hand$ties$status, x = c(0, 1, 0, 1, 1, 0, 1, 0, 1, 1)), t,
    sprintf("coxph(Surv(time, status) ~ x, data = (hand$ties, x = 0,1,0,1,1,0,1,0,1,1), ties = '%s')", t))
  cox[[paste0("veteran_strata_", t)]] <- cox_entry(Surv(time, status) ~ trt + karno + strata(celltype), vet, t,
    sprintf("coxph(Surv(time, status) ~ trt + karno + strata(celltype), data = veteran, ties = '%s')", t))
}
out$cox <- cox

# ---------------------------------------------------------------- Firth-penalised Cox (no coxphf here: direct
# maximisation of l(b) + 0.5 log|I(b)|, l and I from coxph(init = b, iter.max = 0); profile CIs by uniroot)
firth_entry <- function(formula, data, ties, call) {
  pl <- function(b) tryCatch({
    f <- suppressWarnings(do.call("coxph", list(formula = formula, data = data, ties = ties, init = b,
                                                 control = coxph.control(iter.max = 0))))
    f$loglik[2] + 0.5 * as.numeric(determinant(solve(f$var), logarithm = TRUE)$modulus)
  }, error = function(e) -1e10)
  bracket <- function(f, from, direction) {  # widen until the profile crosses the critical value
    for (w in 2^(0:6)) if (f(from + direction * w) > 0) return(sort(c(from, from + direction * w)))
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
mono <- data.frame(
  time = c(2, 3, 3, 5, 6, 8, 9, 11, 12, 13, 15, 16, 18, 20, 21, 22, 24, 25, 27, 30, 33, 35, 36, 40, 41, 44, 47, 50,
           52, 55, 60, 64),
  status = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0),
  asps = c(rep(0, 9), rep(1, 7), rep(0, 16)),
  ecog2 = c(1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0))
out$data$monotone <- as.list(mono)
out$firth <- list(
  monotone_breslow = firth_entry(Surv(time, status) ~ asps + ecog2, mono, "breslow",
                                 "Firth: Surv(time, status) ~ asps + ecog2, data = monotone, ties = 'breslow'"),
  monotone_efron = firth_entry(Surv(time, status) ~ asps + ecog2, mono, "efron",
                               "Firth: Surv(time, status) ~ asps + ecog2, data = monotone, ties = 'efron'"),
  ovarian_breslow = firth_entry(Surv(futime, fustat) ~ age + rx, ova, "breslow",
                                "Firth: Surv(futime, fustat) ~ age + rx, data = ovarian, ties = 'breslow'")
)

# ---------------------------------------------------------------- proportions
prop <- list()
for (xn in list(c(11, 32), c(27, 32), c(4, 7), c(0, 10), c(10, 10), c(1, 1), c(7, 200))) {
  x <- xn[1]; n <- xn[2]
  a <- 0.05; z <- qnorm(1 - a / 2)
  nt <- n + z^2; pt <- (x + z^2 / 2) / nt
  ac <- c(max(0, pt - z * sqrt(pt * (1 - pt) / nt)), min(1, pt + z * sqrt(pt * (1 - pt) / nt)))
  jl <- if (x == 0) 0 else qbeta(a / 2, x + 0.5, n - x + 0.5)
  ju <- if (x == n) 1 else qbeta(1 - a / 2, x + 0.5, n - x + 0.5)
  prop[[sprintf("%d_of_%d", x, n)]] <- list(
    x = x, n = n,
    clopper_pearson = num(binom.test(x, n)$conf.int),
    wilson = num(prop.test(x, n, correct = FALSE)$conf.int),
    wilson_cc = num(prop.test(x, n, correct = TRUE)$conf.int),
    jeffreys = num(c(jl, ju)),
    agresti_coull = num(ac),
    binom_p0 = 0.13,
    binom_two_sided = num(binom.test(x, n, p = 0.13)$p.value),
    binom_greater = num(binom.test(x, n, p = 0.13, alternative = "greater")$p.value),
    binom_less = num(binom.test(x, n, p = 0.13, alternative = "less")$p.value),
    call = "binom.test(x, n); prop.test(x, n, correct = FALSE/TRUE); qbeta(, x + .5, n - x + .5); binom.test(x, n, p = 0.13)")
}
out$proportions <- prop

# ---------------------------------------------------------------- contingency tables
ct_entry <- function(m, call, workspace = 2e5) {
  r <- list(call = call, table = lapply(seq_len(nrow(m)), function(i) as.numeric(m[i, ])),
            fisher_p = num(fisher.test(m, workspace = workspace)$p.value))
  suppressWarnings({
    c0 <- chisq.test(m, correct = FALSE); c1 <- chisq.test(m, correct = TRUE)
  })
  r$chisq = num(c0$statistic); r$chisq_df = num(c0$parameter); r$chisq_p = num(c0$p.value)
  r$chisq_yates = num(c1$statistic); r$chisq_yates_p = num(c1$p.value)
  r$expected_min = num(min(c0$expected))
  r
}
out$contingency <- list(
  orr_by_histology = ct_entry(matrix(c(2, 6, 4, 3, 2, 3, 1, 3, 2, 6), nrow = 2),
                              "fisher.test(matrix(c(2,6,4,3,2,3,1,3,2,6), nrow = 2))"),
  asps_vs_other = ct_entry(matrix(c(4, 3, 7, 18), nrow = 2), "fisher.test(matrix(c(4,3,7,18), nrow = 2))"),
  two_by_two_zero = ct_entry(matrix(c(0, 5, 6, 1), nrow = 2), "fisher.test(matrix(c(0,5,6,1), nrow = 2))"),
  three_by_three = ct_entry(matrix(c(3, 1, 4, 2, 5, 0, 1, 2, 6), nrow = 3),
                            "fisher.test(matrix(c(3,1,4,2,5,0,1,2,6), nrow = 3))"),
  n200_3x4 = ct_entry(matrix(c(20, 15, 12, 18, 22, 14, 10, 19, 25, 16, 13, 16), nrow = 3),
                      "fisher.test(matrix(c(20,15,12,18,22,14,10,19,25,16,13,16), nrow = 3), workspace = 2e8)", 2e8),
  n120_2x6 = ct_entry(matrix(c(5, 15, 8, 12, 3, 17, 10, 10, 6, 14, 9, 11), nrow = 2),
                      "fisher.test(matrix(c(5,15,8,12,3,17,10,10,6,14,9,11), nrow = 2), workspace = 2e7)", 2e7)
)

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE), "tests/reference/r_reference.json")
cat("wrote tests/reference/r_reference.json\n")
