# Reference values for oncocohort/stats/exact_tests.py (and the binomial and hypergeometric functions of
# stats/distributions.py under it): R's binom.test (Clopper-Pearson limits and exact p-values) and fisher.test
# (2x2 p-values), over grids. Columns are stored as parallel arrays to keep the file small.
#   Rscript tests/reference/make_exact_tests_reference.R   (writes tests/reference/exact_tests_reference.json)
library(jsonlite)

# Clopper-Pearson: every k of n for n = 1..30 and a few larger n, at three confidence levels
ns <- c(1:30, 37, 50, 64, 100, 128, 150, 199, 200)
ci <- list(n = c(), k = c(), conf_level = c(), lower = c(), upper = c())
for (n in ns) for (k in 0:n) for (level in c(0.9, 0.95, 0.99)) {
  limits <- binom.test(k, n, conf.level = level)$conf.int
  ci$n <- c(ci$n, n); ci$k <- c(ci$k, k); ci$conf_level <- c(ci$conf_level, level)
  ci$lower <- c(ci$lower, limits[1]); ci$upper <- c(ci$upper, limits[2])
}
ci$call <- "binom.test(k, n, conf.level = conf_level)$conf.int"

# exact binomial test p-values: every k of n for n = 1..25 and a few larger n, five null rates, three alternatives
test <- list(n = c(), k = c(), p0 = c(), two_sided = c(), greater = c(), less = c())
for (n in c(1:25, 40, 77, 100, 200)) for (k in 0:n) for (p0 in c(0.05, 0.13, 0.3, 0.5, 0.77)) {
  test$n <- c(test$n, n); test$k <- c(test$k, k); test$p0 <- c(test$p0, p0)
  test$two_sided <- c(test$two_sided, binom.test(k, n, p = p0)$p.value)
  test$greater <- c(test$greater, binom.test(k, n, p = p0, alternative = "greater")$p.value)
  test$less <- c(test$less, binom.test(k, n, p = p0, alternative = "less")$p.value)
}
test$call <- "binom.test(k, n, p = p0, alternative = 'two.sided' / 'greater' / 'less')$p.value"

# Fisher's exact test: every 2x2 table with cells 0..5 (zero rows and columns included) and a few larger ones
cells <- as.matrix(expand.grid(a = 0:5, b = 0:5, c = 0:5, d = 0:5))
cells <- rbind(cells, c(30, 70, 55, 45), c(120, 3, 80, 17), c(0, 200, 5, 190), c(12, 5, 7, 25))
fisher <- list(a = c(), b = c(), c = c(), d = c(), two_sided = c(), greater = c(), less = c())
for (i in seq_len(nrow(cells))) {
  v <- cells[i, ]
  m <- matrix(v, nrow = 2, byrow = TRUE)  # rows (a, b) and (c, d)
  fisher$a <- c(fisher$a, v[1]); fisher$b <- c(fisher$b, v[2]); fisher$c <- c(fisher$c, v[3])
  fisher$d <- c(fisher$d, v[4])
  fisher$two_sided <- c(fisher$two_sided, fisher.test(m)$p.value)
  fisher$greater <- c(fisher$greater, fisher.test(m, alternative = "greater")$p.value)
  fisher$less <- c(fisher$less, fisher.test(m, alternative = "less")$p.value)
}
fisher$call <- "fisher.test(matrix(c(a, b, c, d), nrow = 2, byrow = TRUE), alternative = ...)$p.value"

out <- list(r_version = R.version.string, clopper_pearson = ci, binomial_test = test, fisher_2x2 = fisher)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE),
           "tests/reference/exact_tests_reference.json")
