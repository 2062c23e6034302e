# Reference values for RMST, milestone differences, counting-process Cox and landmark analyses
# (oncocohort/stats/rmst.py, counting_process_cox.py, landmark.py), computed with base R + survival.
#
#   Rscript tests/reference/make_landmark_reference.R   # from the repository root
#
# Writes tests/reference/landmark_reference.json and the rows Python reads (veteran_rmst.csv, heart.csv,
# jasa_landmark.csv). survRM2 is not packaged by Debian, so its formulas (rmst2, unadjusted: Uno et al. 2014)
# are reproduced by hand below from survfit; the per-group RMST and SE are checked against
# print(survfit, rmean = tau) as well.
suppressMessages({library(survival); library(jsonlite)})
num <- function(x) { x <- as.numeric(x); x[is.infinite(x)] <- NA; x }
out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
dir <- "tests/reference"

# ---------------------------------------------------------------- RMST (survRM2::rmst2 by hand) — veteran
vet <- veteran[, c("time", "status", "trt")]
write.csv(vet, file.path(dir, "veteran_rmst.csv"), row.names = FALSE)
rmst1 <- function(time, status, tau) {          # survRM2:::rmst1, verbatim formulas
  ft <- survfit(Surv(time, status) ~ 1)
  idx <- ft$time <= tau
  wk.time <- sort(c(ft$time[idx], tau))
  wk.surv <- ft$surv[idx]; wk.n.risk <- ft$n.risk[idx]; wk.n.event <- ft$n.event[idx]
  areas <- diff(c(0, wk.time)) * c(1, wk.surv)
  rmst <- sum(areas)
  wk.var <- ifelse((wk.n.risk - wk.n.event) == 0, 0, wk.n.event / (wk.n.risk * (wk.n.risk - wk.n.event)))
  wk.var <- c(wk.var, 0)
  rmst.var <- sum(cumsum(rev(areas[-1]))^2 * rev(wk.var)[-1])
  c(rmst = rmst, var = rmst.var)
}
rmst_entry <- function(tau) {
  a1 <- rmst1(vet$time[vet$trt == 2], vet$status[vet$trt == 2], tau)
  a0 <- rmst1(vet$time[vet$trt == 1], vet$status[vet$trt == 1], tau)
  tab <- summary(survfit(Surv(time, status) ~ trt, data = vet), rmean = tau)$table
  z <- qnorm(0.975)
  diff <- a1[["rmst"]] - a0[["rmst"]]; se_d <- sqrt(a1[["var"]] + a0[["var"]])
  lr <- log(a1[["rmst"]] / a0[["rmst"]]); se_r <- sqrt(a1[["var"]] / a1[["rmst"]]^2 + a0[["var"]] / a0[["rmst"]]^2)
  l1 <- tau - a1[["rmst"]]; l0 <- tau - a0[["rmst"]]
  ll <- log(l1 / l0); se_l <- sqrt(a1[["var"]] / l1^2 + a0[["var"]] / l0^2)
  list(call = sprintf("survRM2::rmst2(time, status, arm = trt == 2, tau = %g) formulas by hand; survfit rmean", tau),
       tau = tau, groups = c("1", "2"),
       rmst = num(c(a0[["rmst"]], a1[["rmst"]])), se = num(sqrt(c(a0[["var"]], a1[["var"]]))),
       survfit_rmean = num(tab[, "rmean"]), survfit_se = num(tab[, "se(rmean)"]),
       diff = diff, diff_se = se_d, diff_lower = diff - z * se_d, diff_upper = diff + z * se_d,
       diff_p = 2 * pnorm(-abs(diff) / se_d),
       ratio = exp(lr), ratio_lower = exp(lr - z * se_r), ratio_upper = exp(lr + z * se_r),
       ratio_p = 2 * pnorm(-abs(lr) / se_r),
       rmtl_ratio = exp(ll), rmtl_ratio_lower = exp(ll - z * se_l), rmtl_ratio_upper = exp(ll + z * se_l),
       rmtl_ratio_p = 2 * pnorm(-abs(ll) / se_l))
}
out$rmst <- list(veteran_90 = rmst_entry(90), veteran_365 = rmst_entry(365))

# milestone survival difference: S2(t) − S1(t), Greenwood SEs from summary(survfit, times), Wald (plain) CI
fit <- survfit(Surv(time, status) ~ trt, data = vet)
ms <- function(t) {
  s <- summary(fit, times = t, extend = TRUE)
  d <- s$surv[2] - s$surv[1]; se <- sqrt(s$std.err[1]^2 + s$std.err[2]^2)
  list(call = sprintf("summary(survfit(Surv(time, status) ~ trt, veteran), times = %g)", t), time = t,
       surv = num(s$surv), se = num(s$std.err), diff = d, diff_se = se,
       diff_lower = d - qnorm(0.975) * se, diff_upper = d + qnorm(0.975) * se, diff_p = 2 * pnorm(-abs(d) / se))
}
out$milestone <- list(veteran_90 = ms(90), veteran_180 = ms(180))

# ---------------------------------------------------------------- counting-process Cox — heart (jasa, time-varying)
heart2 <- heart[, c("id", "start", "stop", "event", "age", "year", "surgery")]
heart2$transplant <- as.numeric(as.character(heart$transplant))
write.csv(heart2, file.path(dir, "heart.csv"), row.names = FALSE)
cp <- function(formula, ties, call, data = heart2) {
  f <- coxph(formula, data = data, ties = ties)
  s <- summary(f)
  list(call = call, ties = ties, names = names(coef(f)), coef = num(coef(f)), se = num(sqrt(diag(vcov(f)))),
       lower = num(s$conf.int[, "lower .95"]), upper = num(s$conf.int[, "upper .95"]),
       p = num(s$coefficients[, "Pr(>|z|)"]), loglik = num(f$loglik), lr = num(s$logtest[["test"]]),
       wald = num(coef(f) %*% solve(vcov(f), coef(f))), score = num(s$sctest[["test"]]), n = f$n, events = f$nevent)
}
out$counting_process <- list(
  heart_efron = cp(Surv(start, stop, event) ~ age + year + surgery + transplant, "efron",
                   "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart)"),
  heart_breslow = cp(Surv(start, stop, event) ~ age + year + surgery + transplant, "breslow",
                     "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, ties = 'breslow')"),
  # left truncation: each patient's last interval alone, entering the study at its start
  heart_entry = cp(Surv(start, stop, event) ~ age + transplant, "efron",
                   "coxph(Surv(start, stop, event) ~ age + transplant, heart[last row per id, ])",
                   data = heart2[!duplicated(heart2$id, fromLast = TRUE), ]),
  heart_strata = cp(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), "efron",
                    "coxph(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), heart)")
)

# ---------------------------------------------------------------- landmark — jasa: transplant by day L, survival from L
j <- jasa
j$futime <- pmax(0.5, j$futime)                 # one patient has futime 0 (as in survival's own heart data)
jl <- data.frame(futime = j$futime, fustat = j$fustat, wait = j$wait.time)
write.csv(jl, file.path(dir, "jasa_landmark.csv"), row.names = FALSE, na = "")
lm_entry <- function(L) {
  d <- jl[jl$futime > L, ]
  d$time <- d$futime - L
  d$group <- ifelse(!is.na(d$wait) & d$wait <= L, "transplanted", "not transplanted")
  f <- survfit(Surv(time, fustat) ~ group, data = d)
  s <- summary(f, times = 365, extend = TRUE)
  lrt <- survdiff(Surv(time, fustat) ~ group, data = d)
  cx <- coxph(Surv(time, fustat) ~ I(group == "transplanted"), data = d)
  list(call = sprintf("jasa[futime > %g, ]; group = wait.time <= %g; Surv(futime - %g, fustat) ~ group", L, L, L),
       landmark = L, n = nrow(d), excluded = nrow(jl) - nrow(d), groups = names(f$strata), n_group = num(f$n),
       events = num(lrt$obs), surv_365 = num(s$surv), logrank_chisq = num(lrt$chisq),
       logrank_p = num(pchisq(lrt$chisq, 1, lower.tail = FALSE)), hr = num(exp(coef(cx))),
       hr_lower = num(summary(cx)$conf.int[, "lower .95"]), hr_upper = num(summary(cx)$conf.int[, "upper .95"]))
}
out$landmark <- list(jasa_30 = lm_entry(30), jasa_60 = lm_entry(60))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(dir, "landmark_reference.json"))
