-- Where intermittent and lumpy parts' lead-time demand comes from under the fill-rate target
-- (`plan set demand_model=analytic|bootstrap`): the analytic model (compound Poisson with the
-- part's own sizes), or Willemain's bootstrap of the part's own history (a two-state Markov
-- chain for occurrence, resampled sizes with jitter). NULL inherits, as for every setting;
-- built in it is analytic.
ALTER TABLE planning_setting
    ADD COLUMN demand_model text CHECK (demand_model IN ('analytic', 'bootstrap'));
