-- +goose Up

-- Times in the person's own zone (issue 22; models/time_zones.go): the IANA
-- zone a candidate's pages and emails show times in (detected in the browser
-- once, changeable on the account page), and the zone a staff member's pages
-- show and their forms take times in. NULL: not chosen yet, the portal's zone
-- (NEXTSTEP_TIMEZONE) applies. The name is checked with time.LoadLocation
-- before it is written; the CHECK bounds its length (models/limits.go).
ALTER TABLE candidates
    ADD COLUMN time_zone text CONSTRAINT candidates_time_zone_check CHECK (length(time_zone) BETWEEN 1 AND 64);
ALTER TABLE staff_users
    ADD COLUMN time_zone text CONSTRAINT staff_users_time_zone_check CHECK (length(time_zone) BETWEEN 1 AND 64);

-- +goose Down
ALTER TABLE staff_users DROP COLUMN time_zone;
ALTER TABLE candidates DROP COLUMN time_zone;
