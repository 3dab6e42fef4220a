-- Roles (the Governance issue): keys of role operate (on call: silences, baselines, reports now,
-- retries) and operator (the instance's global configuration: rule reload, the full list of rules
-- and receivers).
--
-- An operator key belongs to no project. Rather than a nullable project_id (which cannot be in
-- api_keys' primary key, ui_sessions' foreign key, or lead the table's keys when it is
-- distributed by project), operator keys belong to a reserved instance project, id 0, named
-- _instance: a name project names may not take (they start with a letter or digit), and an id the
-- identity column never gives (it starts at 1). The last CHECK ties the two together: an operator
-- key is in the instance project and every other key is in a real project, so a key lookup by
-- lookup alone stays correct and no project key can act on the instance or the other way round.

ALTER TABLE projects DROP CONSTRAINT projects_name_check;
ALTER TABLE projects ADD CONSTRAINT projects_name_check
    CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' OR (project_id = 0 AND name = '_instance'));

INSERT INTO projects (project_id, name) OVERRIDING SYSTEM VALUE VALUES (0, '_instance')
    ON CONFLICT DO NOTHING;

ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
    CHECK (role IN ('ingest', 'read', 'operate', 'admin', 'operator'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_operator_in_instance
    CHECK ((role = 'operator') = (project_id = 0));
