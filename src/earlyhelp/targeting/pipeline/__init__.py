"""A targeting run. `run.execute` carries one out, stage by stage: `gather` the records,
choose the `linkage_model`, link and cluster (the `linkage` package), households and criteria,
then `outputs` (result files) and `store` (review queue and cohorts). `workspace` is where the
files live; `progress` reports each stage to the run's row.
"""
