# OS rows extracted from the hand-built OMOP CDM of tests/omop/cox_cdm.py (24 persons, the cohort of
# examples/omop-cohort.toml; tests/omop/test_zph_reference.py checks that the extraction equals omop_zph_rows.csv)
# analysed by R survival: Cox models of the report (sex; ECOG grouped 0-1 / 2 as the cohort's subgroup; both) with
# Efron ties, their tests of proportional hazards, cox.zph(transform = "km") (survival >= 3.0: the score test),
# and Harrell's concordance (f$concordance, as survival::concordance).
#   Rscript tests/reference/make_omop_zph_reference.R   # from the repository root; writes omop_zph_reference.json
library(survival)
library(jsonlite)
rows <- read.csv("tests/reference/omop_zph_rows.csv")
# the report's reference levels (stats/level_order.py): male, and the first declared ECOG group
rows$sex <- factor(rows$sex, levels = c("male", "female"))
rows$ecog <- factor(ifelse(rows$ecog <= 1, "0-1", "2"), levels = c("0-1", "2"))
model <- function(formula) {
  f <- coxph(formula, data = rows, ties = "efron")
  z <- cox.zph(f, transform = "km")
  list(call = paste(deparse(formula), collapse = ""), coef = unname(coef(f)), se = unname(sqrt(diag(vcov(f)))),
       loglik = f$loglik, concordance = unname(f$concordance["concordance"]), zph_terms = rownames(z$table), zph_chisq = unname(z$table[, "chisq"]),
       zph_df = unname(z$table[, "df"]), zph_p = unname(z$table[, "p"]))
}
out <- list(
  survival_version = as.character(packageVersion("survival")),
  n = nrow(rows), events = sum(rows$event),
  sex = model(Surv(days, event) ~ sex),
  ecog = model(Surv(days, event) ~ ecog),
  multivariable = model(Surv(days, event) ~ sex + ecog))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "tests/reference/omop_zph_reference.json")
