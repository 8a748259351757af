"""The evaluation of the program (cohorts, methods, results) and the evaluator's de-identified extract."""
