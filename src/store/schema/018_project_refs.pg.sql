-- 018: frontline postings and competition entries name a project of the projects registry
-- (project_id) instead of by text alone. The text (project_name) stays beside the id: it is what
-- rows written before the registry hold, and the name of the project for those written after.
-- A row whose text is the name of exactly one live project of its county is linked to it here.
ALTER TABLE deployments ADD COLUMN project_id BIGINT REFERENCES projects(id);
ALTER TABLE competition_entries ADD COLUMN project_id BIGINT REFERENCES projects(id);
UPDATE deployments SET project_id = (
    SELECT CASE WHEN count(*) = 1 THEN min(p.id) END FROM projects p
    WHERE p.name = deployments.project_name AND p.county = deployments.county
      AND p.archived_at IS NULL)
WHERE project_name IS NOT NULL;
UPDATE competition_entries SET project_id = (
    SELECT CASE WHEN count(*) = 1 THEN min(p.id) END FROM projects p
    WHERE p.name = competition_entries.project_name AND p.county = competition_entries.county
      AND p.archived_at IS NULL)
WHERE project_name IS NOT NULL;
CREATE INDEX deployments_project ON deployments(project_id);
CREATE INDEX competition_entries_project ON competition_entries(project_id);
