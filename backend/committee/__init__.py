"""The drafting and review committee's use cases: moderating findings, reviewing integration,
weighing the ranking and following the agendas. Each opens its transaction and audits itself."""
