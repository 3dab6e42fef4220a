SELECT $__timeGroupAlias(minute, $__interval),
  name AS metric,
  sum(score_sum)::float8 / nullif(sum(scored), 0) AS "mean"
FROM quality_minute
WHERE project_id IN (${project:csv})
  AND $__timeFilter(minute)
  AND ('__all' IN ($service) OR service IN ($service))
  AND ('__all' IN ($model) OR model IN ($model))
  AND ('__all' IN ($evaluation) OR name IN ($evaluation))
  AND scored > 0
GROUP BY 1, 2
ORDER BY 1