"""Citizens rank the problems themselves, one pair at a time: their answers, the pairs chosen to
ask next, Bradley-Terry strengths with an uncertainty per problem, and the citizens' order beside
the committee's."""
