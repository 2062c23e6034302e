# Reference values for oncocohort.stats.competing_risks, from R cmprsk and survival.
#
#   Rscript tests/reference/make_competing_risks_reference.R   # from the repository root
#
# Writes tests/reference/mgus2_competing.csv (the rows Python reads) and competing_risks_reference.json.
# Data: survival::mgus2 with etime/event built as in the survival vignette "compete" (section 2):
#   etime = ptime if progression (pstat = 1) else futime; event = 1 progression (pcm), 2 death without pcm, 0 censored.
suppressMessages({library(survival); library(cmprsk); library(jsonlite)})

d <- data.frame(id = mgus2$id, age = mgus2$age, male = as.integer(mgus2$sex == "M"),
                etime = with(mgus2, ifelse(pstat == 0, futime, ptime)),
                event = with(mgus2, ifelse(pstat == 0, 2 * death, 1)))
write.csv(d, "tests/reference/mgus2_competing.csv", row.names = FALSE)

out <- list(meta = list(R = R.version.string, cmprsk = as.character(packageVersion("cmprsk")),
                        survival = as.character(packageVersion("survival"))))
times <- c(12, 60, 120, 240, 360)

# cumulative incidence by sex with Gray's test: cuminc(etime, event, group = male, cencode = 0)
ci <- cuminc(d$etime, d$event, group = d$male, cencode = 0)
tp <- timepoints(ci, times)
curves <- list()
for (name in names(ci)[names(ci) != "Tests"]) {
  curves[[name]] <- list(time = ci[[name]]$time, est = ci[[name]]$est, var = ci[[name]]$var)
}
out$cuminc_by_sex <- list(
  call = "cuminc(etime, event, group = male, cencode = 0); timepoints(fit, c(12, 60, 120, 240, 360))",
  times = times, curve_names = rownames(tp$est), est = unname(tp$est), var = unname(tp$var), curves = curves,
  tests = list(cause = rownames(ci$Tests), stat = unname(ci$Tests[, "stat"]), pv = unname(ci$Tests[, "pv"]),
               df = unname(ci$Tests[, "df"])))

# Gray's test with rho = 1 and stratified by an age band (the strata argument of cuminc)
d$age70 <- as.integer(d$age >= 70)
ci_s <- cuminc(d$etime, d$event, group = d$male, strata = d$age70, rho = 1, cencode = 0)
out$gray_rho1_strata <- list(call = "cuminc(etime, event, group = male, strata = age >= 70, rho = 1)",
                             cause = rownames(ci_s$Tests), stat = unname(ci_s$Tests[, "stat"]),
                             pv = unname(ci_s$Tests[, "pv"]))

# Fine–Gray subdistribution hazards: crr (converged tightly so the values are the solution, not an iterate)
fg <- crr(d$etime, d$event, cov1 = cbind(age = d$age, male = d$male), failcode = 1, cencode = 0,
          gtol = 1e-12, maxiter = 100)
fg2 <- crr(d$etime, d$event, cov1 = cbind(age = d$age, male = d$male), failcode = 2, cencode = 0,
           gtol = 1e-12, maxiter = 100)
crr_entry <- function(fit, call) list(call = call, coef = unname(fit$coef), se = unname(sqrt(diag(fit$var))),
                                      var = unname(fit$var), loglik = fit$loglik, converged = fit$converged)
out$crr_pcm <- crr_entry(fg, "crr(etime, event, cov1 = cbind(age, male), failcode = 1, gtol = 1e-12, maxiter = 100)")
out$crr_death <- crr_entry(fg2, "crr(etime, event, cov1 = cbind(age, male), failcode = 2, gtol = 1e-12, maxiter = 100)")

# the same model as survival::finegray + weighted coxph (vignette "compete" section 4)
ev <- factor(d$event, 0:2, labels = c("censor", "pcm", "death"))
pdata <- finegray(Surv(etime, ev) ~ age + male, data = cbind(d, ev = ev), etype = "pcm")
fgc <- coxph(Surv(fgstart, fgstop, fgstatus) ~ age + male, weights = fgwt, data = pdata)
out$finegray_coxph_pcm <- list(call = "coxph(Surv(fgstart, fgstop, fgstatus) ~ age + male, weights = fgwt, data = finegray(..., etype = 'pcm'))",
                               coef = unname(coef(fgc)), se = unname(sqrt(diag(vcov(fgc)))))

# cause-specific Cox (Efron ties)
cs1 <- coxph(Surv(etime, event == 1) ~ age + male, data = d)
cs2 <- coxph(Surv(etime, event == 2) ~ age + male, data = d)
out$cause_specific_pcm <- list(call = "coxph(Surv(etime, event == 1) ~ age + male)", coef = unname(coef(cs1)),
                               se = unname(sqrt(diag(vcov(cs1)))))
out$cause_specific_death <- list(call = "coxph(Surv(etime, event == 2) ~ age + male)", coef = unname(coef(cs2)),
                                 se = unname(sqrt(diag(vcov(cs2)))))

# a tiny case with ties between causes and with censoring (hand-derivable CIF)
tt <- c(1, 2, 3, 4, 5, 4, 2, 6); ss <- c(1, 2, 0, 1, 0, 2, 1, 1); gg <- c(1, 1, 1, 1, 2, 2, 2, 2)
ti <- cuminc(tt, ss, cencode = 0)
out$tiny <- list(time = tt, status = ss, curves = lapply(ti, function(c) list(time = c$time, est = c$est, var = c$var)))
tg <- cuminc(tt, ss, group = gg, cencode = 0)
out$tiny_groups <- list(group = gg, stat = unname(tg$Tests[, "stat"]), pv = unname(tg$Tests[, "pv"]))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/competing_risks_reference.json")
