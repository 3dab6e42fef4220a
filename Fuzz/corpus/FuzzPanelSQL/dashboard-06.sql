SELECT $__timeGroupAlias(minute, $__interval, 0),
  model AS metric,
  sum(input_tokens + output_tokens) AS "tokens"
FROM rollup_minute
WHERE project_id IN (${project:csv})
  AND $__timeFilter(minute)
  AND model <> ''
  AND ('__all' IN ($service) OR service IN ($service))
  AND ('__all' IN ($model) OR model IN ($model))
GROUP BY 1, 2
ORDER BY 1