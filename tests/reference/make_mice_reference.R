# Reference values for Rubin's rules (oncocohort/stats/multiple_imputation.py): R mice::pool on imputed data sets
# that are exported, so Python pools the SAME imputations (the imputation itself is random; pooling is not).
#
#   apt-get install -y r-cran-mice
#   Rscript tests/reference/make_mice_reference.R   # from the repository root
#
# Writes tests/reference/lung_mice_imputations.csv (long format, column imp = 1..m) and mice_reference.json.
suppressMessages({library(survival); library(mice); library(jsonlite)})
dir <- "tests/reference"
lung3 <- lung[, c("time", "status", "age", "sex", "ph.karno", "wt.loss")]
lung3$status <- lung3$status - 1
names(lung3) <- c("time", "status", "age", "sex", "ph_karno", "wt_loss")
imp <- mice(lung3, m = 5, seed = 20240517, printFlag = FALSE)        # predictive mean matching (default)
long <- complete(imp, "long")
write.csv(data.frame(imp = long$.imp, long[, names(lung3)]), file.path(dir, "lung_mice_imputations.csv"),
          row.names = FALSE)
fits <- with(imp, coxph(Surv(time, status) ~ age + sex + ph_karno + wt_loss))
pooled <- pool(fits)
p <- pooled$pooled
s <- summary(pooled, conf.int = TRUE)
out <- list(meta = list(R = R.version.string, mice = as.character(packageVersion("mice")),
                        survival = as.character(packageVersion("survival"))),
            call = "pool(with(mice(lung3, m = 5, seed = 20240517), coxph(Surv(time, status) ~ age + sex + ph_karno + wt_loss)))",
            missing = as.list(colSums(is.na(lung3))), complete_cases = sum(complete.cases(lung3)),
            m = imp$m, term = as.character(p$term), estimate = p$estimate, ubar = p$ubar, b = p$b, t = p$t,
            dfcom = p$dfcom, df = p$df, riv = p$riv, lambda = p$lambda, fmi = p$fmi,
            std_error = s$std.error, statistic = s$statistic, p_value = s$p.value,
            conf_low = s[["2.5 %"]], conf_high = s[["97.5 %"]])
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(dir, "mice_reference.json"))
