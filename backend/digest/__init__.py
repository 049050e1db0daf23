"""The weekly digest's figures: participation, coverage, top problems, approvals and survey results
for a Jalali week (or any span of days), each compared with the span before it."""
