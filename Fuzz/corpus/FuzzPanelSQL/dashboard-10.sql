SELECT $__timeGroupAlias(occurred_at, $__interval, 0),
  feature AS metric,
  count(*) AS "samples"
FROM drift_samples
WHERE project_id IN (${project:csv})
  AND $__timeFilter(occurred_at)
  AND ('__all' IN ($feature) OR feature IN ($feature))
GROUP BY 1, 2
ORDER BY 1