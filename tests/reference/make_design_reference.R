# Reference values for oncocohort/design/ written in base R only (clinfun is not installable here: CRAN is
# unreachable and Debian has no r-cran-clinfun). Every search and formula below is written independently of the
# Python code: Simon designs by a brute-force enumeration of all (n1, r1, r) per n with a different admissibility
# rule (the q-interval of each design from linear inequalities), single-stage designs by a plain loop, two-stage
# inference by uniroot on the stage-wise ordering, and the one-sample log-rank size by integrate().
#   Rscript tests/reference/make_design_reference.R   (writes tests/reference/design_reference.json)
library(jsonlite)

simon_search <- function(p0, p1, alpha, beta, nmax) {
  best <- NULL
  for (n in 2:nmax) {
    cand <- NULL
    for (n1 in 1:(n - 1)) {
      n2 <- n - n1
      for (r1 in -1:(n1 - 1)) {
        pet <- if (r1 < 0) 0 else pbinom(r1, n1, p0)
        en <- n1 + (1 - pet) * n2
        if (en >= n) next
        x1 <- (r1 + 1):n1
        rs <- r1:(n2 + r1)
        rej0 <- sapply(rs, function(r) sum(dbinom(x1, n1, p0) * pbinom(r - x1, n2, p0, lower.tail = FALSE)))
        rej1 <- sapply(rs, function(r) sum(dbinom(x1, n1, p1) * pbinom(r - x1, n2, p1, lower.tail = FALSE)))
        ok <- which(rej0 < alpha & 1 - rej1 < beta)
        if (length(ok) == 0) next
        r <- rs[max(ok)]
        cand <- rbind(cand, c(r1, n1, r, n, en, pet))
      }
    }
    if (!is.null(cand)) {
      # smallest EN; ties: smaller n1, then larger r1 (the enumeration order above visits n1 ascending)
      m <- min(cand[, 5])
      tied <- cand[cand[, 5] == m, , drop = FALSE]
      tied <- tied[order(tied[, 2], -tied[, 1]), , drop = FALSE]
      best <- rbind(best, tied[1, ])
    }
  }
  best
}

reject_prob <- function(r1, n1, r, n, p) {
  x1 <- (r1 + 1):n1
  sum(dbinom(x1, n1, p) * pbinom(r - x1, n - n1, p, lower.tail = FALSE))
}

simon_designs <- function(p0, p1, alpha, power, nmax) {
  beta <- round(1 - power, 12)
  best <- simon_search(p0, p1, alpha, beta, nmax)
  opt <- which(best[, 5] == min(best[, 5]))[1]
  rows <- best[1:opt, , drop = FALSE]
  # a design is admissible when it minimises q*n + (1-q)*EN over the designs from minimax to optimal for some q:
  # each other design j gives a linear inequality in q
  out <- list()
  for (i in seq_len(nrow(rows))) {
    lo <- 0; hi <- 1
    for (j in seq_len(nrow(rows))) {
      if (j == i) next
      a <- (rows[i, 4] - rows[j, 4]) - (rows[i, 5] - rows[j, 5])   # coefficient of q
      b <- rows[i, 5] - rows[j, 5]                                   # constant
      # need a*q + b <= 0
      if (a > 0) hi <- min(hi, -b / a) else if (a < 0) lo <- max(lo, -b / a) else if (b > 0) hi <- -1
    }
    if (lo < hi || (i == 1 && opt == 1)) {
      d <- rows[i, ]
      out[[length(out) + 1]] <- list(r1 = d[1], n1 = d[2], r = d[3], n = d[4], expected_size_p0 = d[5],
                                     early_termination_p0 = d[6],
                                     alpha = reject_prob(d[1], d[2], d[3], d[4], p0),
                                     power = reject_prob(d[1], d[2], d[3], d[4], p1), q_low = lo, q_high = hi)
    }
  }
  list(p0 = p0, p1 = p1, alpha = alpha, power = power, nmax = nmax, designs = out)
}

simon_settings <- list(c(0.05, 0.25, 0.05, 0.8, 40), c(0.1, 0.3, 0.05, 0.8, 45), c(0.1, 0.3, 0.1, 0.9, 45),
                       c(0.2, 0.4, 0.05, 0.8, 55), c(0.05, 0.2, 0.05, 0.8, 45), c(0.3, 0.5, 0.05, 0.8, 55),
                       c(0.13, 0.3, 0.05, 0.8, 55))
simon_ref <- lapply(simon_settings, function(s) simon_designs(s[1], s[2], s[3], s[4], s[5]))

# --- single stage: smallest n with a critical count whose exact alpha <= target and power >= target
single_stage <- function(p0, p1, alpha, power) {
  for (n in 1:1000) {
    for (r in 0:n) {   # promising with >= r responses
      a <- pbinom(r - 1, n, p0, lower.tail = FALSE)
      pw <- pbinom(r - 1, n, p1, lower.tail = FALSE)
      if (a <= alpha && pw >= power) return(list(p0 = p0, p1 = p1, alpha_target = alpha, power_target = power,
                                                 n = n, r = r, alpha = a, power = pw))
    }
  }
}
single_settings <- list(c(0.05, 0.2, 0.05, 0.8), c(0.1, 0.3, 0.05, 0.8), c(0.2, 0.4, 0.05, 0.9),
                        c(0.3, 0.5, 0.1, 0.9), c(0.13, 0.3, 0.05, 0.8))
single_ref <- lapply(single_settings, function(s) single_stage(s[1], s[2], s[3], s[4]))

# --- inference after a two-stage trial (stage-wise ordering)
p_at_least <- function(p, x, r1, n1, n) {          # P_p(T >= t)
  n2 <- n - n1
  if (x <= r1) return(pbinom(x - 1, n1, p, lower.tail = FALSE))
  x1 <- (r1 + 1):n1
  sum(dbinom(x1, n1, p) * pbinom(x - x1 - 1, n2, p, lower.tail = FALSE))
}
p_equal <- function(p, x, r1, n1, n) {
  n2 <- n - n1
  if (x <= r1) return(dbinom(x, n1, p))
  x1 <- (r1 + 1):n1
  sum(dbinom(x1, n1, p) * dbinom(x - x1, n2, p))
}
root <- function(f) uniroot(f, c(1e-12, 1 - 1e-12), tol = 1e-14)$root
inference <- function(x, r1, n1, n, p0, alpha) {
  n2 <- n - n1
  if (x <= r1) umvue <- x / n1 else {
    x1 <- max(r1 + 1, x - n2):min(x, n1)
    umvue <- sum(choose(n1 - 1, x1 - 1) * choose(n2, x - x1)) / sum(choose(n1, x1) * choose(n2, x - x1))
  }
  ge <- function(p) p_at_least(p, x, r1, n1, n)
  le <- function(p) 1 - ge(p) + p_equal(p, x, r1, n1, n)
  list(x = x, r1 = r1, n1 = n1, n = n, p0 = p0, alpha = alpha, umvue = umvue, p_value = ge(p0),
       median_unbiased = if (x == 0) 0 else root(function(p) ge(p) - 0.5),
       lower = if (x == 0) 0 else root(function(p) ge(p) - alpha),
       upper = if (x == n) 1 else root(function(p) le(p) - alpha),
       clinfun_upper = if (x == 0) NA else root(function(p) ge(p) - (1 - alpha)))
}
inference_cases <- list(c(1, 1, 10, 29, 0.1), c(6, 1, 10, 29, 0.1), c(9, 1, 10, 29, 0.1), c(3, 2, 18, 43, 0.1),
                        c(12, 3, 13, 43, 0.2), c(5, 0, 9, 17, 0.05))
inference_ref <- lapply(inference_cases, function(s) inference(s[1], s[2], s[3], s[4], s[5], 0.05))

# --- one-sample log-rank sample size (Wu 2015), Weibull historical curve with shape k, uniform accrual
wu_size <- function(alpha, power, ta, tf, m0, delta, k) {
  lam0 <- function(t) k * log(2) * t^(k - 1) / m0^k
  cum0 <- function(t) log(2) * (t / m0)^k
  g <- function(t) ifelse(t <= tf, 1, (ta + tf - t) / ta)
  s1 <- function(t) exp(-delta * cum0(t))
  sig0 <- integrate(function(t) g(t) * s1(t) * lam0(t), 0, tf, rel.tol = 1e-12)$value +
          integrate(function(t) g(t) * s1(t) * lam0(t), tf, ta + tf, rel.tol = 1e-12)$value
  p00 <- integrate(function(t) g(t) * s1(t) * cum0(t) * lam0(t), 0, tf, rel.tol = 1e-12)$value +
         integrate(function(t) g(t) * s1(t) * cum0(t) * lam0(t), tf, ta + tf, rel.tol = 1e-12)$value
  sig1 <- delta * sig0; p01 <- delta * p00
  w <- sig1 - sig0
  s <- sqrt(sig1 - sig1^2 + 2 * p00 - sig0^2 - 2 * p01 + 2 * sig0 * sig1)
  exact <- (sqrt(sig0) * qnorm(1 - alpha) + s * qnorm(power))^2 / w^2
  list(alpha = alpha, power = power, accrual = ta, followup = tf, median0 = m0, hazard_ratio = delta, shape = k,
       n_exact = exact, n = ceiling(exact), expected_events = ceiling(exact) * sig1)
}
survival_cases <- list(c(0.05, 0.8, 5, 3, 9, 1 / 1.75, 1.22), c(0.05, 0.9, 5, 3, 9, 1 / 1.75, 1.22),
                       c(0.05, 0.8, 2, 1, 6, 0.6, 1), c(0.1, 0.8, 3, 2, 12, 12 / 18, 1))
survival_ref <- lapply(survival_cases, function(s) wu_size(s[1], s[2], s[3], s[4], s[5], s[6], s[7]))

out <- list(source = "tests/reference/make_design_reference.R (base R, R.version.string below)",
            r_version = R.version.string, simon = simon_ref, single_stage = single_ref,
            inference = inference_ref, survival = survival_ref)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tests/reference/design_reference.json")
