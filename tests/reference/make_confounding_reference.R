# Reference values for oncocohort.stats.propensity, balance, weighted_survival, weighted_cox (issue 17 item 2).
#
#   Rscript tests/reference/make_confounding_reference.R   # from the repository root
#
# Writes tests/reference/rotterdam.csv (R survival's rotterdam, the rows Python reads) and
# tests/reference/confounding_reference.json. Treatment: hormon (1 = hormonal therapy, 339 of 2982);
# confounders: age, meno, size (3 levels), grade, nodes; outcome: dtime (days), death.
# SMDs are computed here by their formula (cobalt's defaults, named in docs/statistics.md), since neither cobalt
# nor tableone is packaged in Debian: difference of (weighted) means over the UNWEIGHTED pooled SD
# sqrt((s1^2 + s0^2) / 2) for the ATE, the unweighted treated-group SD for the ATT; sample variances (n - 1) for
# continuous variables, p(1 - p) for binary ones and for each level of a categorical variable.
suppressMessages({library(survival); library(jsonlite)})

rd <- rotterdam[, c("pid", "age", "meno", "size", "grade", "nodes", "hormon", "dtime", "death")]
rd$size <- as.character(rd$size)
write.csv(rd, "tests/reference/rotterdam.csv", row.names = FALSE)

ps_fit <- glm(hormon ~ age + meno + size + grade + nodes, family = binomial, data = rd)
ps <- unname(fitted(ps_fit))
t <- rd$hormon
p_treated <- mean(t)
w_ate <- ifelse(t == 1, 1 / ps, 1 / (1 - ps))
w_ate_stab <- ifelse(t == 1, p_treated / ps, (1 - p_treated) / (1 - ps))
w_att <- ifelse(t == 1, 1, ps / (1 - ps))
q <- quantile(w_ate, c(0.01, 0.99), type = 7)
w_ate_trunc <- pmin(pmax(w_ate, q[1]), q[2])
keep_trim <- ps >= 0.05 & ps <= 0.95

# balance: one column per variable / level
bal_x <- list(age = rd$age, meno = rd$meno, "size[<=20]" = as.numeric(rd$size == "<=20"),
              "size[20-50]" = as.numeric(rd$size == "20-50"), "size[>50]" = as.numeric(rd$size == ">50"),
              grade = rd$grade, nodes = rd$nodes)
binary <- c(FALSE, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE)
wmean <- function(x, w) sum(w * x) / sum(w)
sd_of <- function(x, bin) if (bin) sqrt(mean(x) * (1 - mean(x))) else sd(x)
smd <- function(x, bin, w, estimand) {
  s1 <- sd_of(x[t == 1], bin); s0 <- sd_of(x[t == 0], bin)
  denom <- if (estimand == "ate") sqrt((s1^2 + s0^2) / 2) else s1
  (wmean(x[t == 1], w[t == 1]) - wmean(x[t == 0], w[t == 0])) / denom
}
ones <- rep(1, nrow(rd))
balance <- lapply(seq_along(bal_x), function(k) {
  x <- bal_x[[k]]; b <- binary[k]
  list(variable = names(bal_x)[k],
       mean_treated = mean(x[t == 1]), mean_control = mean(x[t == 0]),
       smd_unweighted_ate = smd(x, b, ones, "ate"), smd_ate = smd(x, b, w_ate, "ate"),
       smd_unweighted_att = smd(x, b, ones, "att"), smd_att = smd(x, b, w_att, "att"),
       weighted_mean_treated_ate = wmean(x[t == 1], w_ate[t == 1]),
       weighted_mean_control_ate = wmean(x[t == 0], w_ate[t == 0]))
})

km <- function(w) {
  fit <- survfit(Surv(dtime, death) ~ hormon, data = cbind(rd, w = w), weights = w)
  lapply(c(0, 1), function(g) {
    s <- fit[g + 1]
    list(time = s$time, n_risk = s$n.risk, n_event = s$n.event, surv = s$surv, std_err = s$std.err,
         lower = s$lower, upper = s$upper)
  })
}

cox <- function(formula, w, ties) {
  fit <- coxph(formula, data = cbind(rd, w = w), weights = w, robust = TRUE, ties = ties)
  s <- summary(fit)
  list(call = paste(deparse(formula), "weights, robust = TRUE, ties =", ties),
       coef = unname(coef(fit)), naive_se = unname(sqrt(diag(fit$naive.var))),
       robust_se = unname(sqrt(diag(fit$var))), robust_var = unname(fit$var),
       loglik = fit$loglik, rscore = unname(fit$rscore), wald = unname(fit$wald.test),
       z = unname(s$coefficients[, "z"]), p = unname(s$coefficients[, "Pr(>|z|)"]),
       lower = unname(s$conf.int[, "lower .95"]), upper = unname(s$conf.int[, "upper .95"]))
}

out <- list(
  meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  propensity = list(call = "glm(hormon ~ age + meno + size + grade + nodes, family = binomial)",
                    coef = as.list(coef(ps_fit)), ps = ps),
  weights = list(ate = w_ate, ate_stabilized = w_ate_stab, att = w_att, ate_truncated = w_ate_trunc,
                 truncation_bounds = unname(q), n_trimmed = sum(!keep_trim)),
  balance = balance,
  km_ate = km(w_ate),
  cox = list(
    ate_efron = cox(Surv(dtime, death) ~ hormon, w_ate, "efron"),
    ate_breslow = cox(Surv(dtime, death) ~ hormon, w_ate, "breslow"),
    att_efron_adjusted = cox(Surv(dtime, death) ~ hormon + age + size, w_att, "efron"),
    stabilized_efron = cox(Surv(dtime, death) ~ hormon, w_ate_stab, "efron")
  )
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE), "tests/reference/confounding_reference.json")
