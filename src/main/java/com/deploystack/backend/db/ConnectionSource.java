package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Where work takes its connections from: the pool, or connections of its own. */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;
}
