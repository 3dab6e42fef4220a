SELECT $__timeGroupAlias(minute, $__interval, 0),
  sum(input_tokens) AS "input",
  sum(output_tokens) AS "output"
FROM rollup_minute
WHERE project_id IN (${project:csv})
  AND $__timeFilter(minute)
  AND model <> ''
  AND ('__all' IN ($service) OR service IN ($service))
  AND ('__all' IN ($model) OR model IN ($model))
GROUP BY 1
ORDER BY 1