SELECT $__timeGroupAlias(minute, $__interval),
  sum(empty_outputs)::float8 / nullif(sum(checked_outputs), 0) AS "check.empty_output",
  sum(refusals)::float8 / nullif(sum(checked_outputs), 0) AS "check.refusal",
  sum(truncated_outputs)::float8 / nullif(sum(checked_outputs), 0) AS "check.truncated",
  sum(invalid_json_outputs)::float8 / nullif(sum(json_outputs), 0) AS "check.invalid_json"
FROM rollup_minute
WHERE project_id IN (${project:csv})
  AND $__timeFilter(minute)
  AND ('__all' IN ($service) OR service IN ($service))
  AND ('__all' IN ($model) OR model IN ($model))
  AND checked_outputs > 0
GROUP BY 1
ORDER BY 1