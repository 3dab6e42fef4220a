SELECT $__timeGroupAlias(start_time, $__interval),
  percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM end_time - start_time) * 1000) AS "p50",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM end_time - start_time) * 1000) AS "p95",
  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM end_time - start_time) * 1000) AS "p99"
FROM trace_summary
WHERE project_id IN (${project:csv})
  AND $__timeFilter(start_time)
  AND llm_calls > 0
  AND ('__all' IN ($service) OR services && ARRAY[$service]::text[])
  AND ('__all' IN ($model) OR models && ARRAY[$model]::text[])
GROUP BY 1
ORDER BY 1