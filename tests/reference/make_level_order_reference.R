# Cox models of the demo study with each factor relevelled to the report's reference level (issue 15), computed
# with base R and the `survival` package.
#
#   python tests/reference/write_demo_cox_rows.py        # the demo's PFS/OS rows → demo_cox_rows.csv
#   Rscript tests/reference/make_level_order_reference.R # from the repository root → level_order_reference.json
#
# The report lists a factor's levels in one order (stats/level_order.py) and codes its Cox terms against the first
# level — the largest group, or the first group study.toml declares — so R must use the same reference: relevel().
# Demo references: ECOG "0-1" (declared first), starting dose "10 mg" (declared first), histology "SS" (most
# patients; "Other" is never first). Each entry records its R call.
suppressMessages({library(survival); library(jsonlite)})

rows <- read.csv("tests/reference/demo_cox_rows.csv", stringsAsFactors = FALSE, check.names = FALSE)
factors <- list(ecog = list(field = "ecog", reference = "0-1"),
                dose = list(field = "starting_dose:anlotinib", reference = "10 mg"),
                histology = list(field = "histology_group", reference = "SS"))
for (name in names(factors)) rows[[name]] <- relevel(factor(rows[[name]]), ref = factors[[name]]$reference)

model_entry <- function(data, terms) {
  formula <- as.formula(paste("Surv(time, event) ~", paste(terms, collapse = " + ")))
  fit <- coxph(formula, data = data, ties = "efron")
  s <- summary(fit)
  coefs <- s$coefficients
  ci <- s$conf.int
  names_out <- character(0)
  for (term in terms) {  # R's "histologyASPS" → the report's "histology_group[ASPS]"
    for (level in levels(data[[term]])[-1]) names_out <- c(names_out, sprintf("%s[%s]", factors[[term]]$field, level))
  }
  list(call = sprintf("coxph(Surv(time, event) ~ %s, ties = 'efron') with relevel(ref = %s)",
                      paste(terms, collapse = " + "),
                      paste(sapply(terms, function(t) factors[[t]]$reference), collapse = ", ")),
       terms = names_out, coef = unname(coefs[, "coef"]), se = unname(coefs[, "se(coef)"]),
       hr = unname(ci[, "exp(coef)"]), lower = unname(ci[, "lower .95"]), upper = unname(ci[, "upper .95"]),
       p = unname(coefs[, "Pr(>|z|)"]), lr_test = unname(s$logtest["test"]), lr_p = unname(s$logtest["pvalue"]),
       concordance = unname(fit$concordance["concordance"]))
}

out <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                        references = lapply(factors, function(f) f$reference)))
for (endpoint in c("PFS", "OS")) {
  data <- rows[rows$endpoint == endpoint, ]
  entry <- list(univariable = list(), multivariable = model_entry(data, names(factors)))
  for (name in names(factors)) entry$univariable[[factors[[name]]$field]] <- model_entry(data, name)
  out[[endpoint]] <- entry
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/level_order_reference.json")
