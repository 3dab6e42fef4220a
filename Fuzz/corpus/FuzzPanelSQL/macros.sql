SELECT $__unixEpochGroupAlias(t, '1h'), $__unixEpochFilter(t), [[service]], '$__from' -- comment
FROM x /* c */ WHERE y = E'\n' AND z = $$dollar$$