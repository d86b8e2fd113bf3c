-- Run once by the postgres image when its volume is new (docker-compose.yml mounts this folder as
-- /docker-entrypoint-initdb.d). POSTGRES_USER (nextstep_owner) owns the database and runs the migrations;
-- the app connects as nextstep_app, which owns nothing (README: Database roles). Change both passwords here
-- and in docker-compose.yml before the volume is first created.
CREATE ROLE nextstep_app LOGIN PASSWORD 'app-secret';
