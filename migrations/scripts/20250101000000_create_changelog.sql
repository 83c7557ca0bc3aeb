-- // create changelog
-- The MyBatis Migrations changelog: one row per applied script. The service also
-- records each script's SHA-256 so that an edited applied script is detected.

CREATE TABLE changelog (
    id          NUMERIC(20,0) NOT NULL,
    applied_at  VARCHAR(25)   NOT NULL,
    description VARCHAR(255)  NOT NULL,
    checksum    VARCHAR(64),
    CONSTRAINT pk_changelog PRIMARY KEY (id)
);

-- //@UNDO

DROP TABLE changelog;
