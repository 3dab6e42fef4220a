SELECT $__timeGroupAlias(computed_at, $__interval),
  feature || ' mean' AS metric,
  avg(psi_mean) AS "PSI"
FROM drift_reports
WHERE project_id IN (${project:csv})
  AND $__timeFilter(computed_at)
  AND ('__all' IN ($feature) OR feature IN ($feature))
GROUP BY 1, 2
ORDER BY 1