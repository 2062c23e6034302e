# Reference values for nearest-neighbour propensity-score matching (oncocohort.stats.matching), from R MatchIt.
#
#   Rscript tests/reference/make_matching_reference.R   # from the repository root
#
# Reads tests/reference/rotterdam.csv (written by make_confounding_reference.R; treatment hormon) and writes
# tests/reference/matching_reference.json: for each setting of matchit(method = "nearest", distance = "glm",
# caliper, std.caliper, ratio, replace = FALSE) — computed by MatchIt's nn_matchC, see below — the matched control
# rows of each treated row (match.matrix),
# subclass, matching weights, the balance after matching (SMD by the formula of balance.py: ATT, weighted means
# over the unmatched treated group's SD, binary variables with p(1 - p) — as in make_confounding_reference.R) and
# the matched-sample hazard ratio coxph(Surv(dtime, death) ~ hormon, weights = weights, cluster = subclass) as
# MatchIt's vignette "estimating-effects" recommends. Plus a tiny case with a given distance (ties, caliper).
suppressMessages({library(survival); library(MatchIt); library(jsonlite)})

rd <- read.csv("tests/reference/rotterdam.csv")
out <- list(meta = list(R = R.version.string, MatchIt = as.character(packageVersion("MatchIt")),
                        survival = as.character(packageVersion("survival"))))
bal_x <- list(age = rd$age, meno = rd$meno, "size[<=20]" = as.numeric(rd$size == "<=20"),
              "size[20-50]" = as.numeric(rd$size == "20-50"), "size[>50]" = as.numeric(rd$size == ">50"),
              grade = rd$grade, nodes = rd$nodes)
binary <- c(FALSE, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE)
t <- rd$hormon
wmean <- function(x, w) sum(w * x) / sum(w)
sd_of <- function(x, bin) if (bin) sqrt(mean(x) * (1 - mean(x))) else sd(x)
smd_att <- function(x, bin, w) (wmean(x[t == 1], w[t == 1]) - wmean(x[t == 0], w[t == 0])) / sd_of(x[t == 1], bin)

# MatchIt's nearest-neighbour matcher. Debian's MatchIt 4.5.1 sends a propensity-score distance to nn_matchC_vec,
# whose abs() on doubles truncates to int on this build (MatchIt issue #163, fixed in 4.5.4): every |difference|
# < 1 counts as 0, so the caliper never binds and the lower neighbour always wins (see out$tiny$matchit_4_5_1).
# MatchIt's other matcher, nn_matchC (the algorithm of MatchIt 4.0–4.5.0, Rcpp::abs), is correct and is called here
# with exactly the arguments matchit2nearest() passes: largest distance first, greedy, replace = FALSE; weights and
# subclasses by MatchIt's own weights.matrix() and mm2subclass().
nearest <- function(treat, distance, caliper, std.caliper, ratio) {
  names(treat) <- seq_along(treat)
  n1 <- sum(treat == 1)
  width <- if (is.null(caliper)) NULL else if (std.caliper) caliper * sd(distance) else caliper
  ord <- order(distance[treat == 1], decreasing = TRUE)
  mm <- MatchIt:::nn_matchC(treat, ord, rep(as.integer(ratio), n1), rep(FALSE, length(treat)), 1L, distance, NULL,
                            NULL, width, NULL, NULL, NULL, NULL, NULL, FALSE)
  rownames(mm) <- names(treat)[treat == 1]
  list(mm = mm, width = width, weights = unname(MatchIt:::weights.matrix(mm, treat)),
       subclass = as.integer(as.character(MatchIt:::mm2subclass(mm, treat))))
}

case <- function(caliper, std.caliper, ratio) {
  ps <- unname(fitted(glm(hormon ~ age + meno + size + grade + nodes, family = binomial, data = rd)))
  m <- nearest(t, ps, caliper, std.caliper, ratio)
  w <- m$weights
  md <- cbind(rd, weights = w, subclass = m$subclass)[w > 0, ]
  fit <- coxph(Surv(dtime, death) ~ hormon, data = md, weights = weights, cluster = subclass)
  list(call = sprintf(paste("MatchIt nearest neighbour (nn_matchC) on glm(hormon ~ age + meno + size + grade +",
                            "nodes) propensity scores, largest first, caliper = %g, std.caliper = %s, ratio = %d,",
                            "replace = FALSE"), caliper, std.caliper, ratio),
       caliper = caliper, std_caliper = std.caliper, ratio = ratio, caliper_width = m$width,
       distance = ps, match_matrix = unname(m$mm), weights = w, subclass = m$subclass,
       n_matched_treated = sum(w[t == 1] > 0), n_matched_control = sum(w[t == 0] > 0),
       smd = sapply(seq_along(bal_x), function(k) smd_att(bal_x[[k]], binary[k], w)),
       cox = list(call = "coxph(Surv(dtime, death) ~ hormon, data = matched, weights = weights, cluster = subclass)",
                  coef = unname(coef(fit)), robust_se = unname(sqrt(diag(vcov(fit)))),
                  naive_se = unname(sqrt(diag(fit$naive.var))), n = fit$n, events = fit$nevent))
}
out$variables <- names(bal_x)
out$cases <- list(std_0.2_ratio1 = case(0.2, TRUE, 1), abs_0.001_ratio1 = case(0.001, FALSE, 1),
                  std_0.02_ratio2 = case(0.02, TRUE, 2), std_0.1_ratio3 = case(0.1, TRUE, 3))

# tiny case: the distance given; treated at 0.9, 0.85, 0.5 (matched largest first), controls at 0.95, 0.8,
# 0.7, 0.52, 0.48, 0.1; caliper 0.1 on the distance scale
tiny <- data.frame(treat = c(1, 0, 1, 0, 0, 1, 0, 0, 0), x = 1:9,
                   d = c(0.9, 0.95, 0.85, 0.8, 0.7, 0.5, 0.52, 0.48, 0.1))
mt <- nearest(tiny$treat, tiny$d, 0.1, FALSE, 1)
mt2 <- nearest(tiny$treat, tiny$d, 0.1, FALSE, 2)
buggy <- matchit(treat ~ x, data = tiny, distance = tiny$d, method = "nearest", caliper = 0.1, std.caliper = FALSE)
out$tiny <- list(treat = tiny$treat, distance = tiny$d, caliper = 0.1, match_matrix = unname(mt$mm),
                 weights = mt$weights, subclass = mt$subclass, match_matrix_ratio2 = unname(mt2$mm),
                 weights_ratio2 = mt2$weights,
                 matchit_4_5_1 = as.integer(buggy$match.matrix[, 1]))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/matching_reference.json")
